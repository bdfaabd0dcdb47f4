#!/usr/bin/env bash
# Builds the Worker into wasm/build/ (index.js, an ES module, and index_bg.wasm) with
# worker-build, given local helpers instead of the ones it would download: wasm-bindgen-cli of
# exactly the version in wasm/Cargo.lock, and esbuild from npm. scripts/test.sh installs both.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x node_modules/.bin/esbuild ]; then
  npm ci --no-audit --no-fund
fi
wanted=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')
bindgen="${WASM_BINDGEN_BIN:-$HOME/.cargo/bin/wasm-bindgen}"
if [ "$("$bindgen" --version 2>/dev/null)" != "wasm-bindgen $wanted" ]; then
  echo "wasm/build.sh: needs wasm-bindgen $wanted: cargo install wasm-bindgen-cli --version $wanted --locked" >&2
  exit 1
fi
# WebAssembly SIMD for the Worker's code only (memchr and the rewrite's scans use it): the
# Workers runtime runs it, and the 1 MB page took 8% less CPU with it (docs/performance.md,
# "At the edge"). Build scripts and proc macros are built for the host without it.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:--C target-feature=+simd128}"
# No wasm-opt: on top of opt-level 3 its -O3 measured within the noise (0-4%), and Debian's
# binaryen (108) cannot read this module (wasm-bindgen's exception handling needs 117 or later).
WASM_BINDGEN_BIN="$bindgen" ESBUILD_BIN="$PWD/node_modules/.bin/esbuild" \
  worker-build --release --no-opt
# The function names are for profiles only (bench/edge/bench.sh --profile): CONSENTRY_WASM_NAMES=1
# keeps them.
if [ "${CONSENTRY_WASM_NAMES:-}" != 1 ]; then
  node strip-names.mjs build/index_bg.wasm
fi
ls -l build/index.js build/index_bg.wasm
# The budget: Cloudflare's limit for a Worker on the free plan, 3 MB gzipped.
budget=3000000
size=$(($(gzip -9 -c build/index_bg.wasm | wc -c) + $(gzip -9 -c build/index.js | wc -c)))
echo "wasm/build.sh: $size bytes gzipped (gzip -9), of a budget of $budget"
if [ "$size" -gt "$budget" ]; then
  echo "wasm/build.sh: the Worker is over its budget of $budget bytes gzipped" >&2
  exit 1
fi
