#!/usr/bin/env bash
# The whole test suite: formatting, lints, the engine's WebAssembly build, and every test.
# Installs what it needs first, so it runs the same on a fresh machine as on yours.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Toolchain: rustfmt, clippy and the wasm32 target"
rustup component add rustfmt clippy
rustup target add wasm32-unknown-unknown

step "Formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "Lints (cargo clippy -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "The engine builds for wasm32-unknown-unknown (the Cloudflare Worker reuses it)"
cargo check -p consentry-engine --target wasm32-unknown-unknown --locked

step "A throwaway PostgreSQL for the store tests"
. scripts/postgres.sh

step "Unit and black-box HTTP tests (SQLite and PostgreSQL)"
cargo test --workspace --locked

step "Browser tests: the banner in headless Chromium, against the demo site behind the gateway"
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
(
  cd tests/browser
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  CONSENTRY_BIN="$PWD/../../target/debug/consentry" node --test --test-concurrency=1 tests/
)
