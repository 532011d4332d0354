#!/usr/bin/env bash
# Brings up a real control plane and Jaeger on 127.0.0.1 for the end-to-end
# tests: etcd, kube-apiserver (RBAC, tracing to 127.0.0.1:4317, or to
# $KUBETRAIL_CLUSTER_TRACING_ENDPOINT), controller manager, scheduler, kwok
# with 3 fake Nodes, Jaeger v2 with its UI on 16686. Builds whatever binary is
# missing first. Idempotent: components already running are left alone.
# Writes .cluster/kubeconfig (admin) and .cluster/env (source it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/versions.env"
cache=${KUBETRAIL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubetrail}
state="$root/.cluster"
k8s_bin="$cache/bin/kubernetes-$KUBERNETES_VERSION"
etcd_bin="$cache/bin/etcd-$ETCD_VERSION"
kwok_bin="$cache/bin/kwok-$KWOK_VERSION"
jaeger_bin="$cache/bin/jaeger-$JAEGER_VERSION"
jaeger_ui="$cache/ui/jaeger-ui-$JAEGER_UI_VERSION"
started=$SECONDS

"$here/build.sh"
mkdir -p "$state"/{pids,logs,pki,etcd}

log() { echo "cluster: $*"; }
die() { echo "cluster: $*" >&2; exit 1; }

# running NAME: is the process we started under NAME alive, and still ours?
running() {
  local pidfile="$state/pids/$1.pid" pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$(cat "$state/pids/$1.cmd")"
}

# port_free PORT NAME: fails, naming the holder, when something else listens on PORT.
port_free() {
  local holder
  holder=$(ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/\1 (pid \2)/p' | head -1)
  if [ -n "$holder$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; then
    die "port $1, needed by $2, is taken by ${holder:-another process}; stop it or free the port (nothing was killed)"
  fi
}

# start NAME PORTS BINARY ARGS...: starts BINARY in its own session unless it runs already.
start() {
  local name=$1 ports=$2 bin=$3; shift 3
  if running "$name"; then log "$name already running (pid $(cat "$state/pids/$name.pid"))"; return; fi
  for p in $ports; do port_free "$p" "$name"; done
  echo "$bin" > "$state/pids/$name.cmd"
  setsid "$bin" "$@" > "$state/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$state/pids/$name.pid"
  log "$name started (pid $!)"
}

# wait_for NAME SECONDS CMD...: polls CMD until it succeeds; shows the log tail if not.
wait_for() {
  local name=$1 limit=$2 i; shift 2
  for ((i = 0; i < limit * 4; i++)); do
    if "$@" > /dev/null 2>&1; then log "$name ready"; return; fi
    kill -0 "$(cat "$state/pids/$name.pid")" 2>/dev/null || { tail -20 "$state/logs/$name.log" >&2; die "$name exited; log above ($state/logs/$name.log)"; }
    sleep 0.25
  done
  tail -20 "$state/logs/$name.log" >&2
  die "$name not ready after ${limit}s; log above"
}

# --- credentials (made once) ---
pki="$state/pki"
if [ ! -f "$pki/sa.key" ]; then
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
fi
if [ ! -f "$pki/tokens.csv" ]; then
  token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  echo "$token,admin,admin,system:masters" > "$pki/tokens.csv"
fi
token=$(cut -d, -f1 "$pki/tokens.csv")
# KUBETRAIL_CLUSTER_TRACING_ENDPOINT=HOST:PORT sends the apiserver's spans there
# (e.g. kubetrail's tap receiver) instead of straight to Jaeger.
tracing_endpoint=${KUBETRAIL_CLUSTER_TRACING_ENDPOINT:-127.0.0.1:4317}
[[ "$tracing_endpoint" =~ ^[A-Za-z0-9.-]+:[0-9]+$ ]] || die "KUBETRAIL_CLUSTER_TRACING_ENDPOINT must be HOST:PORT, got '$tracing_endpoint'"
cat > "$state/tracing.yaml" <<YAML
apiVersion: apiserver.config.k8s.io/v1
kind: TracingConfiguration
endpoint: $tracing_endpoint
samplingRatePerMillion: 1000000
YAML

# --- Jaeger first, so the apiserver's first spans have somewhere to go ---
JAEGER_LISTEN_HOST=127.0.0.1 JAEGER_UI_ASSETS="$jaeger_ui" start jaeger "4317 4318 16685 16686" \
  "$jaeger_bin/jaeger" --config="$here/jaeger.yaml"
wait_for jaeger 60 curl -sf http://127.0.0.1:16686/api/services
# A Jaeger left running by an older up.sh serves the placeholder page instead.
# (Read the page first: with pipefail, `curl | grep -q` fails whenever grep exits before curl has written everything.)
ui_page=$(curl -sf http://127.0.0.1:16686/ || true)
[[ "$ui_page" == *jaeger-ui-root* ]] ||
  die "Jaeger on 16686 does not serve the UI from $jaeger_ui; restart it: npm run cluster:down, then cluster:up"

start etcd "2379 2380" "$etcd_bin/etcd" --name=kubetrail --data-dir="$state/etcd" \
  --listen-client-urls=http://127.0.0.1:2379 --advertise-client-urls=http://127.0.0.1:2379 \
  --listen-peer-urls=http://127.0.0.1:2380 --initial-advertise-peer-urls=http://127.0.0.1:2380 \
  --initial-cluster=kubetrail=http://127.0.0.1:2380 --unsafe-no-fsync --log-level=warn
wait_for etcd 60 curl -sf http://127.0.0.1:2379/health

start kube-apiserver "6443" "$k8s_bin/kube-apiserver" \
  --etcd-servers=http://127.0.0.1:2379 --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
  --secure-port=6443 --cert-dir="$pki" --authorization-mode=Node,RBAC \
  --service-cluster-ip-range=10.0.0.0/24 --service-account-issuer=https://127.0.0.1:6443 \
  --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
  --allow-privileged=true --token-auth-file="$pki/tokens.csv" \
  --tracing-config-file="$state/tracing.yaml" --enable-priority-and-fairness=false \
  --endpoint-reconciler-type=none
wait_for kube-apiserver 120 curl -sfk -H "Authorization: Bearer $token" https://127.0.0.1:6443/readyz

# The apiserver writes a self-signed serving cert into --cert-dir; it is the CA clients trust.
ca="$pki/apiserver.crt"
kubeconfig="$state/kubeconfig"
cat > "$kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: kubetrail-local
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority: $ca
users:
- name: admin
  user:
    token: $token
contexts:
- name: kubetrail-local
  context: {cluster: kubetrail-local, user: admin}
current-context: kubetrail-local
KCFG
chmod 600 "$kubeconfig"

# KUBETRAIL_CLUSTER_API_QPS raises the controller-manager's request rate
# (Kubernetes' default is 20 a second, burst 30), so that the scale bench can
# create 10,000 Pods in minutes; unset, the controllers run as shipped.
cm_rate=()
if [ -n "${KUBETRAIL_CLUSTER_API_QPS:-}" ]; then
  case "$KUBETRAIL_CLUSTER_API_QPS" in
    *[!0-9]* | 0) echo "KUBETRAIL_CLUSTER_API_QPS must be a positive integer, got '$KUBETRAIL_CLUSTER_API_QPS'" >&2; exit 2 ;;
  esac
  cm_rate=(--kube-api-qps="$KUBETRAIL_CLUSTER_API_QPS" --kube-api-burst="$((KUBETRAIL_CLUSTER_API_QPS * 2))")
fi
start kube-controller-manager "10257" "$k8s_bin/kube-controller-manager" \
  --kubeconfig="$kubeconfig" --authentication-kubeconfig="$kubeconfig" --authorization-kubeconfig="$kubeconfig" \
  --bind-address=127.0.0.1 --secure-port=10257 --leader-elect=false \
  --service-account-private-key-file="$pki/sa.key" --root-ca-file="$ca" \
  --use-service-account-credentials --controllers='*,-node-ipam-controller' "${cm_rate[@]}"
wait_for kube-controller-manager 60 curl -sfk https://127.0.0.1:10257/healthz

start kube-scheduler "10259" "$k8s_bin/kube-scheduler" \
  --kubeconfig="$kubeconfig" --authentication-kubeconfig="$kubeconfig" --authorization-kubeconfig="$kubeconfig" \
  --bind-address=127.0.0.1 --secure-port=10259 --leader-elect=false
wait_for kube-scheduler 60 curl -sfk https://127.0.0.1:10259/healthz

stages=$(find "$kwok_bin/stages" -name '*.yaml' | sort | sed 's/^/--config=/')
# shellcheck disable=SC2086
start kwok "10247" "$kwok_bin/kwok" --kubeconfig="$kubeconfig" $stages \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --manage-nodes-with-label-selector= --manage-single-node= --node-ip=127.0.0.1 \
  --server-address=127.0.0.1:10247 --node-lease-duration-seconds=40
wait_for kwok 60 curl -sf http://127.0.0.1:10247/healthz

kubectl=("$k8s_bin/kubectl" --kubeconfig="$kubeconfig")
for i in 0 1 2; do
  "${kubectl[@]}" apply -f - > /dev/null <<NODE
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {kubernetes.io/hostname: kwok-node-$i, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok}
spec: {}
NODE
done
wait_for kwok 60 "${kubectl[@]}" wait --for=condition=Ready node -l type=kwok --timeout=2s
# The default ServiceAccount must exist before Pods can be created in a namespace.
wait_for kube-controller-manager 60 "${kubectl[@]}" get serviceaccount default -n default

cat > "$state/env" <<ENV
# Source this file: the local control plane's kubeconfig, binaries and Jaeger.
export KUBECONFIG="$kubeconfig"
export PATH="$k8s_bin:$etcd_bin:$kwok_bin:$jaeger_bin:\$PATH"
export JAEGER_URL="http://127.0.0.1:16686"
export KUBETRAIL_CLUSTER_STATE="$state"
ENV
log "up in $((SECONDS - started))s; source $state/env"
