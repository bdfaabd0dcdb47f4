#!/usr/bin/env bash
# Load test: wrk drives the demo site behind the gateway (release build, loopback only) with
# pages, assets and consent posts at 256 connections, and the gateway's resident memory is
# sampled every 5 s. Passes when there are no errors and memory after warm-up stays flat.
# Usage: bench/load.sh [seconds, default 60] [connections, default 256]
# Needs wrk (Debian: apt-get install wrk). Don't run it beside another benchmark: the
# figures are the machine's, and the machine is small.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
connections=${2:-256}
command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; }
cargo build --release -q -p consentry-gateway --bin consentry
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true
RUST_LOG=error target/release/consentry demo --port 0 --data-dir "$work/data" >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
base=$(head -n 1 "$work/out" | awk '{print $NF}')
base=${base%/}
page=$(curl -s "$base/")
asset=$(grep -o '/__consentry/banner\.[0-9a-f]*\.css' <<<"$page" | head -n 1)
image=$(grep -o 'src="/[^"]*\.\(svg\|png\|jpg\|webp\)"' <<<"$page" | head -n 1 | sed 's/src="//; s/"$//')
export LOAD_ASSET=${asset:-/robots.txt} LOAD_IMAGE=${image:-/robots.txt}
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
echo "gateway pid $pid at $base; asset $LOAD_ASSET, image $LOAD_IMAGE; RSS at start $(rss) KiB"
# Warm-up: 10 s at full load, then the measured run.
wrk -t2 -c"$connections" -d10s --timeout 10s -s bench/load.lua "$base" >/dev/null
echo "RSS after warm-up $(rss) KiB"
samples="$work/rss"
( while kill -0 "$pid" 2>/dev/null; do rss >>"$samples"; sleep 5; done ) &
sampler=$!
wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s --latency -s bench/load.lua "$base" | tee "$work/wrk"
kill "$sampler" 2>/dev/null || true
echo "RSS samples every 5 s (KiB): $(tr '\n' ' ' <"$samples")"
first=$(head -n 1 "$samples"); max=$(sort -n "$samples" | tail -n 1); last=$(tail -n 1 "$samples")
echo "RSS first $first, max $max, last $last KiB"
target/release/consentry log verify --data-dir "$work/data"
line=$(grep '^LOAD ' "$work/wrk")
errors=0
for key in connect_errors read_errors write_errors timeouts status_errors; do
  n=$(sed -E "s/.* $key=([0-9]+).*/\1/" <<<"$line")
  errors=$((errors + n))
done
grep -q "Non-2xx or 3xx" "$work/wrk" && errors=$((errors + 1))
# Flat: the last sample within 10% (and 16 MiB) of the first after warm-up.
if [ "$last" -gt $((first + first / 10 + 16384)) ]; then
  echo "FAIL: memory grew from $first to $last KiB"; exit 1
fi
if [ "$errors" -ne 0 ]; then echo "FAIL: $errors errors"; exit 1; fi
echo "PASS: no errors, memory flat"
