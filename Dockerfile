# kubetrail's image: Node 24 LTS, production dependencies only, non-root.
# Not built in CI (no container engine there); see README, "Limitations".
#
# The base image is a tag, not a digest, on purpose: this project is developed
# on machines with neither a container engine nor access to an image registry,
# so nobody here can resolve the digest of node:24-bookworm-slim or check that
# the image behind it is the one meant, and an unchecked digest is worse than an
# honest tag. Pin it where you build and push the image:
#   docker buildx imagetools inspect node:24-bookworm-slim   # note the digest
#   docker build --build-arg NODE_IMAGE=node:24-bookworm-slim@sha256:<digest> .
# All three stages use the same base.
ARG NODE_IMAGE=node:24-bookworm-slim

# Build: compile TypeScript with the dev dependencies.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY test ./test
RUN npx tsc -p tsconfig.json

# Production dependencies only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# Runtime: the compiled source, its dependencies, and nothing else.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
COPY package.json ./
COPY examples ./examples
USER 65532:65532
EXPOSE 9464
ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]
