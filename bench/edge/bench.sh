#!/usr/bin/env bash
# The Rust Worker beside its JavaScript peer in one workerd (see bench.mjs for the method):
#
#   bench/edge/bench.sh [--reps 5] [--pages small,marketing,listing,small-2k,marketing-61k]
#                       [--rust wasm/build] [--before DIR] [--min-cpu-ms 500]
#
# The runtime runs pinned to CPU 1; this harness, the origin and the visitor share CPU 0.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -d "$here/node_modules/miniflare" ]; then
  (cd "$here" && npm ci --no-audit --no-fund) >&2
fi
node "$here/gen-rules.mjs"
exec taskset -c "${EDGE_BENCH_CLIENT_CPU:-0}" node "$here/bench.mjs" "$@"
