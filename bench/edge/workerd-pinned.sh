#!/usr/bin/env bash
# What miniflare starts instead of workerd (MINIFLARE_WORKERD_PATH): the runtime pinned to the
# CPU in EDGE_BENCH_CPU, and killed when the harness dies (even by SIGKILL).
set -euo pipefail
pin=(taskset -c "$EDGE_BENCH_CPU")
if command -v setpriv >/dev/null 2>&1; then
  exec setpriv --pdeathsig KILL -- "${pin[@]}" "$EDGE_BENCH_WORKERD" "$@"
fi
exec "${pin[@]}" "$EDGE_BENCH_WORKERD" "$@"
