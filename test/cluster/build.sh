#!/usr/bin/env bash
# Builds whichever control-plane binary is missing into the cache, keyed by
# version: $KUBETRAIL_CACHE/bin/<component>-<version>/<binary>, and unpacks
# Jaeger's UI into $KUBETRAIL_CACHE/ui/jaeger-ui-<version>/. A warm cache makes
# this a no-op. Prints one line per binary and the time it took.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.env"
cache=${KUBETRAIL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubetrail}
export GOTOOLCHAIN=local GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED=0

command -v go >/dev/null || { echo "build.sh: Go is needed to build the control plane; none on PATH" >&2; exit 1; }

k8s_dir="$cache/bin/kubernetes-$KUBERNETES_VERSION"
etcd_dir="$cache/bin/etcd-$ETCD_VERSION"
kwok_dir="$cache/bin/kwok-$KWOK_VERSION"
jaeger_dir="$cache/bin/jaeger-$JAEGER_VERSION"
mkdir -p "$k8s_dir" "$etcd_dir" "$kwok_dir" "$jaeger_dir"

# built DIR NAME: is the binary there already?
built() { [ -x "$1/$2" ]; }

# timed LABEL CMD...: runs CMD, reporting how long it took.
timed() {
  local label=$1 start=$SECONDS; shift
  echo "build: $label ..."
  "$@"
  echo "build: $label done in $((SECONDS - start))s"
}

minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  built "$k8s_dir" "$cmd" && continue
  timed "$cmd $KUBERNETES_VERSION" bash -c "cd '$here/go/kubernetes' && go build -trimpath -tags=selinux,notest \
    -ldflags '$k8s_ldflags' -o '$k8s_dir/$cmd.tmp' k8s.io/kubernetes/cmd/$cmd && mv '$k8s_dir/$cmd.tmp' '$k8s_dir/$cmd'"
done

if ! built "$etcd_dir" etcd; then
  timed "etcd $ETCD_VERSION" bash -c "cd '$here/go/etcd' && go build -trimpath -ldflags '-s -w' -o '$etcd_dir/etcd.tmp' . \
    && mv '$etcd_dir/etcd.tmp' '$etcd_dir/etcd'"
fi

# kwok builds with `go install pkg@version`: its own go.mod and the checksum
# database pin every dependency.
if ! built "$kwok_dir" kwok; then
  timed "kwok $KWOK_VERSION" env GOBIN="$kwok_dir" go install -trimpath -ldflags '-s -w' "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
fi
if ! built "$jaeger_dir" jaeger; then
  timed "jaeger $JAEGER_VERSION" bash -c "cd '$here/go/jaeger' && go build -trimpath -ldflags '-s -w' \
    -o '$jaeger_dir/jaeger.tmp' github.com/jaegertracing/jaeger/cmd/jaeger && mv '$jaeger_dir/jaeger.tmp' '$jaeger_dir/jaeger'"
fi
# kwok's stage definitions live in its module; keep a copy beside the binary.
if [ ! -d "$kwok_dir/stages" ]; then
  src=$(cd "$here/go/kubernetes" && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  mkdir -p "$kwok_dir/stages.tmp"
  for stage in node/fast node/heartbeat-with-lease pod/fast; do
    for f in "$src/kustomize/stage/$stage"/*.yaml; do
      case "$(basename "$f")" in kustomization.yaml) continue ;; esac
      cp "$f" "$kwok_dir/stages.tmp/$(echo "$stage" | tr / -)-$(basename "$f")"
    done
  done
  mv "$kwok_dir/stages.tmp" "$kwok_dir/stages"
fi
# Jaeger's UI: its release build is kept in the repo (see jaeger-ui/README.md);
# unpack it once beside the binaries, keyed by version.
ui_dir="$cache/ui/jaeger-ui-$JAEGER_UI_VERSION"
if [ ! -f "$ui_dir/index.html" ]; then
  command -v xz > /dev/null || { echo "build.sh: xz is needed to unpack Jaeger's UI (Debian: apt-get install xz-utils)" >&2; exit 1; }
  rm -rf "$ui_dir.tmp" && mkdir -p "$ui_dir.tmp"
  tar -xJf "$here/jaeger-ui/jaeger-ui-$JAEGER_UI_VERSION.tar.xz" -C "$ui_dir.tmp"
  rm -rf "$ui_dir" && mv "$ui_dir.tmp" "$ui_dir"
  echo "build: jaeger-ui $JAEGER_UI_VERSION unpacked into $ui_dir"
fi
echo "build: all binaries present under $cache/bin, Jaeger's UI in $ui_dir"
