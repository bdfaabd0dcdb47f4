#!/usr/bin/env bash
# Decisions per second and latency of the consent endpoint (each answer waits until its
# record is durable) at 1, 16 and 64 concurrent clients, on SQLite and on PostgreSQL.
# Usage: bench/consent-log.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
cargo build --release -q -p consentry-gateway --bin consentry --example consent_load
. scripts/postgres.sh
work=$(mktemp -d)
gateway_pid=""
cleanup() { [ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null; rm -rf "$work"; stop_postgres; }
trap cleanup EXIT

echo "| store | clients | decisions/s | p50 ms | p99 ms |"
echo "| --- | --- | --- | --- | --- |"
for storage in sqlite postgres; do
  url="sqlite"
  if [ "$storage" = postgres ]; then
    psql -q "$CONSENTRY_TEST_POSTGRES" -c "DROP DATABASE IF EXISTS consentry_bench" -c "CREATE DATABASE consentry_bench"
    url="${CONSENTRY_TEST_POSTGRES%/postgres}/consentry_bench"
  fi
  rm -rf "$work/data"; mkdir -p "$work/data"
  cat >"$work/consentry.toml" <<TOML
[server]
listen = "127.0.0.1:0"
data_dir = "$work/data"
[storage]
url = "$url"
[[site]]
hosts = ["*"]
# The consent endpoint never reaches the origin.
upstream = "http://127.0.0.1:9"
TOML
  RUST_LOG=warn target/release/consentry run --config "$work/consentry.toml" >"$work/out" &
  gateway_pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
  base=$(head -n 1 "$work/out" | awk '{print $NF}')
  for clients in 1 16 64; do
    line=$(target/release/examples/consent_load "${base}__consentry/consent" "$clients" "$seconds")
    rate=$(sed -E 's/.*per_second=([0-9.]+).*/\1/' <<<"$line")
    p50=$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$line")
    p99=$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$line")
    echo "| $storage | $clients | $rate | $p50 | $p99 |"
  done
  kill "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true; gateway_pid=""
  target/release/consentry log verify --config "$work/consentry.toml" >&2
done
