#!/usr/bin/env bash
# Stops exactly the processes up.sh started (by pid, checked against the binary
# it ran, so a reused pid is never killed) and removes their state.
# With component names (e.g. `down.sh kube-apiserver`), stops only those and
# keeps the state, so that `up.sh` restarts them: the e2e tests use this to
# restart the apiserver or stop Jaeger mid-test.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
state="$(cd "$here/../.." && pwd)/.cluster"
[ -d "$state/pids" ] || { echo "cluster: nothing to stop"; exit 0; }

# Reverse start order: clients before the apiserver, the apiserver before etcd.
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(kwok kube-scheduler kube-controller-manager kube-apiserver etcd jaeger)
for name in "${names[@]}"; do
  pidfile="$state/pids/$name.pid"; [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$(cat "$state/pids/$name.cmd")"; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 40); do [ -e "/proc/$pid" ] || break; sleep 0.25; done
    [ -e "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null
    echo "cluster: stopped $name (pid $pid)"
  fi
  rm -f "$pidfile" "$state/pids/$name.cmd"
done
[ $# -gt 0 ] && exit 0
rm -rf "$state"
echo "cluster: down"
