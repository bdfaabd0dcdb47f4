#!/usr/bin/env bash
# Builds the engine's HTML pass alone for WebAssembly (bench/edge/rewrite-wasm) with the
# Worker's release profile, or another given from the environment, and times it in node:
#
#   bench/edge/rewrite.sh OUT_DIR [rewrite.mjs options]
#   CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS= bench/edge/rewrite.sh /tmp/z
#   WASM_OPT="-O3" bench/edge/rewrite.sh /tmp/o3-wasm-opt
#
# OUT_DIR gets the module (wasm-bindgen --target nodejs); WASM_OPT, when set, runs wasm-opt
# (binaryen 117 or later) with those flags on it; CARGO_FEATURES="--features talc" builds it
# with talc as the allocator instead of Rust's dlmalloc. The target directory is
# CARGO_TARGET_DIR (default bench/edge/rewrite-wasm/target). The pages are bench/pages' (run
# bench/pages/generate.py first), or --dir DIR.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
shift
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/rewrite-wasm/target}"
# SIMD, as wasm/build.sh builds the Worker (CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS= without).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS--C target-feature=+simd128}"
cargo build --quiet --release ${CARGO_FEATURES:-} --target wasm32-unknown-unknown --manifest-path "$here/rewrite-wasm/Cargo.toml"
wasm-bindgen --target nodejs --out-dir "$out" "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/consentry_rewrite_wasm.wasm"
if [ -n "${WASM_OPT:-}" ]; then
  # shellcheck disable=SC2086
  wasm-opt $WASM_OPT --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --enable-reference-types --enable-multivalue --enable-simd -o "$out/consentry_rewrite_wasm_bg.wasm" "$out/consentry_rewrite_wasm_bg.wasm"
fi
ls -l "$out/consentry_rewrite_wasm_bg.wasm" >&2
exec node "$here/rewrite.mjs" "$out" "$@"
