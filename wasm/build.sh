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
# wasm-opt is optional: used when it is on the PATH, skipped otherwise.
opt=(--no-opt)
if command -v wasm-opt >/dev/null 2>&1; then
  opt=()
  export WASM_OPT_BIN="$(command -v wasm-opt)"
fi
WASM_BINDGEN_BIN="$bindgen" ESBUILD_BIN="$PWD/node_modules/.bin/esbuild" \
  worker-build --release "${opt[@]}"
node strip-names.mjs build/index_bg.wasm
ls -l build/index.js build/index_bg.wasm
