#!/usr/bin/env bash
# The Worker's two budgets, measured on the build in wasm/build/:
#
# - size: gzip -9 of index_bg.wasm plus index.js (budget: Cloudflare's 3 MB on the free plan);
# - CPU per request for the 60 KB demo page (gateway/server/demo/index.html, served by
#   `consentry demo` as the origin), in workerd: the workerd process's CPU time (user + system,
#   from /proc) over N sequential requests on one connection, divided by N, after a warm-up.
#   It counts everything workerd does for a request (HTTP, the runtime, the Worker), so it is
#   an upper bound of what the Workers platform bills as the Worker's CPU time (budget: 10 ms).
#
#   wasm/bench.sh [N]        (default 300; needs wasm/build.sh and target/*/consentry)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
n="${1:-300}"

wasm=$(gzip -9 -c "$here/build/index_bg.wasm" | wc -c)
js=$(gzip -9 -c "$here/build/index.js" | wc -c)
echo "size: index_bg.wasm $(wc -c <"$here/build/index_bg.wasm") bytes, gzip -9 $wasm; index.js gzip -9 $js; total $((wasm + js)) bytes"

consentry="$root/target/release/consentry"
[ -x "$consentry" ] || consentry="$root/target/debug/consentry"
[ -x "$consentry" ] || { echo "wasm/bench.sh: build consentry first (cargo build --bin consentry)" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The demo site: `consentry demo` prints its origin as `site demo -> URL`.
"$consentry" demo --port 0 --data-dir "$work/demo" >"$work/demo.out" 2>/dev/null &
pids+=($!)
until grep -q '^  site demo -> ' "$work/demo.out" 2>/dev/null; do sleep 0.1; done
origin=$(sed -n 's/^  site demo -> \(.*\)$/\1/p' "$work/demo.out")

RUST_LOG=warn "$here/dev.sh" --port 0 --origin "$origin" --data-dir "$work/worker" >"$work/worker.out" 2>"$work/worker.err" &
node_pid=$!
pids+=("$node_pid")
until grep -q '^Consentry listening on ' "$work/worker.out" 2>/dev/null; do sleep 0.1; done
url=$(sed -n 's/^Consentry listening on \(.*\)$/\1/p' "$work/worker.out")
workerd=$(pgrep -P "$node_pid" workerd || pgrep -P "$(pgrep -P "$node_pid" | head -1)" workerd)

page_bytes=$(curl -s "$url" | wc -c)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$workerd/stat"; }
urls() { for _ in $(seq "$1"); do printf -- '-o /dev/null %s ' "$url"; done; }
# Warm up: the isolate compiles the module and builds the engine on its first requests.
curl -s $(urls 20)
before=$(cpu_ticks)
start=$(date +%s%N)
curl -s $(urls "$n")
end=$(date +%s%N)
after=$(cpu_ticks)
hz=$(getconf CLK_TCK)
awk -v t=$((after - before)) -v hz="$hz" -v n="$n" -v w=$((end - start)) -v b="$page_bytes" 'BEGIN {
  printf "cpu: %d requests for the demo page (%d bytes rewritten): workerd CPU %.2f ms per request; wall %.2f ms per request\n", n, b, t * 1000 / hz / n, w / 1e6 / n
}'
