#!/usr/bin/env bash
# The whole test suite: formatting, lints, the engine's WebAssembly build, and every test.
# Installs what it needs first, so it runs the same on a fresh machine as on yours.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Toolchain: rustfmt, clippy and the wasm32 target"
rustup component add rustfmt clippy
rustup target add wasm32-unknown-unknown

step "A C compiler and make (the bundled SQLite and jemalloc are built from source)"
if ! command -v cc >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y build-essential
fi

step "Formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "Lints (cargo clippy -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Dependencies: licences, bans and sources (cargo deny; advisories need GitHub, see docs/hardening.md)"
deny_version=0.20.2
cargo install --list | grep "^cargo-deny v$deny_version:" >/dev/null ||
  cargo install cargo-deny --version "$deny_version" --locked
cargo deny --log-level error check licenses bans sources

step "The engine builds for wasm32-unknown-unknown (the Cloudflare Worker reuses it)"
cargo check -p consentry-engine --target wasm32-unknown-unknown --locked

step "A throwaway PostgreSQL for the store tests"
. scripts/postgres.sh

step "Chromium and chromedriver (consentry scan's test drives them; the browser tests use Chromium)"
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
fi

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

step "The Cloudflare Worker: wasm-bindgen-cli and worker-build of the versions in wasm/Cargo.lock, npm packages"
locked_version() { grep -A1 "^name = \"$1\"\$" wasm/Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p'; }
installed() { cargo install --list | grep "^$1 v$2:" >/dev/null; }
bindgen_version=$(locked_version wasm-bindgen)
worker_version=$(locked_version worker)
installed wasm-bindgen-cli "$bindgen_version" ||
  cargo install wasm-bindgen-cli --version "$bindgen_version" --locked
installed worker-build "$worker_version" ||
  cargo install worker-build --version "$worker_version" --locked
(cd wasm && npm ci --no-audit --no-fund)

step "The Worker: formatting and lints for wasm32-unknown-unknown"
(cd wasm && cargo fmt -- --check && cargo clippy --target wasm32-unknown-unknown --all-targets --locked -- -D warnings)

step "The Worker: build (wasm/build.sh)"
wasm/build.sh

step "Black-box HTTP tests against the Worker in workerd with a local D1 (wasm/dev.sh)"
# The Worker keeps its consent log in D1: the PostgreSQL runs of the records tests are native.
env -u CONSENTRY_TEST_POSTGRES CONSENTRY_TEST_TARGET=worker \
  cargo test -p consentry-gateway --test http --locked
