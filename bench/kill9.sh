#!/usr/bin/env bash
# kill -9 under load, again and again: the gateway (release build, `consentry demo` on one data
# directory, loopback only) is driven by wrk with pages, assets and consent posts, killed with
# SIGKILL at a random moment, and restarted on the same data directory. After every round the
# consent log must verify and hold at least every decision acknowledged so far (wrk counts the
# 200 answers carrying a consent id; each is durable before it is sent).
# Usage: bench/kill9.sh [rounds, default 10] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
connections=${2:-64}
command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; }
cargo build --release -q -p consentry-gateway --bin consentry
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
acked_total=0
for round in $(seq "$rounds"); do
  : >"$work/out"
  RUST_LOG=error target/release/consentry demo --port 0 --data-dir "$work/data" >"$work/out" 2>>"$work/err" &
  pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
  base=$(head -n 1 "$work/out" | awk '{print $NF}')
  base=${base%/}
  # wrk runs 20 s; the kill comes after 3 to 15 s.
  wrk -t2 -c"$connections" -d20s --timeout 5s -s bench/load.lua "$base" >"$work/wrk" 2>&1 &
  wrk_pid=$!
  sleep $((3 + RANDOM % 13))
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  wait "$wrk_pid" || true
  acked=$(sed -n 's/^ACKED \([0-9]*\)$/\1/p' "$work/wrk")
  acked_total=$((acked_total + ${acked:-0}))
  target/release/consentry log verify --data-dir "$work/data" >"$work/verify"
  records=$(sed -E 's/.*: ([0-9]+) records verified.*/\1/' "$work/verify")
  echo "round $round: acknowledged so far $acked_total, records $records"
  if [ "$records" -lt "$acked_total" ]; then
    echo "FAIL: $((acked_total - records)) acknowledged decisions lost"; exit 1
  fi
done
echo "PASS: $rounds kills under load, the log verifies, no acknowledged decision lost"
