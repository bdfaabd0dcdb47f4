#!/usr/bin/env bash
# Builds and runs the engine's fuzz targets (fuzz/), one at a time, each for a set time, and
# prints what each did: executions, corpus size, new crashes.
#
#   scripts/fuzz.sh [--seconds N] [TARGET ...]     (default: 300 s for every target)
#
# It needs the nightly toolchain and cargo-fuzz, and installs them when missing. One libFuzzer
# process runs at a time under `nice -n 19`, so a shared machine keeps its other cores.
# Corpora grow in fuzz/corpus/TARGET (seeded from fuzz/seeds/ on the first run) and crashes
# land in fuzz/artifacts/TARGET; neither is committed. Exits 1 when a target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=300
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --seconds=*) seconds="${1#*=}"; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
all=(cookie_header set_cookie consent_cookie decision rewrite consent_strings)
# cargo fuzz builds in fuzz/target unless CARGO_TARGET_DIR names another place.
dir=()
[ -z "${CARGO_TARGET_DIR:-}" ] || dir=(--target-dir "$CARGO_TARGET_DIR")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked

# The rewrite target reads four bytes (coding, grants, charset, number of chunk sizes), the
# sizes, then the page: each seed page goes in twice, whole for a visitor who granted nothing,
# and gzip-coded in chunks for one who granted everything. The 1 MB listing page is left out:
# inputs that large slow every mutation down.
seed_rewrite() {
  local dir=$1 page name
  [ -f bench/pages/small.html ] || python3 bench/pages/generate.py
  for page in fuzz/seeds/html/*.html fuzz/seeds/pages/*.html gateway/server/demo/*.html \
    bench/pages/small.html bench/pages/marketing.html; do
    name=$(basename "$(dirname "$page")")-$(basename "$page" .html)
    { printf '\000\001\000\000'; cat "$page"; } >"$dir/$name"
    { printf '\001\017\001\003\007\100\001'; cat "$page"; } >"$dir/$name-gzip"
  done
}

max_len() {
  case "$1" in
    rewrite) echo 65536 ;;
    *) echo 4096 ;;
  esac
}

summary=()
crashed=0
for target in "${targets[@]}"; do
  printf '\n==> %s: build\n' "$target"
  nice -n 19 cargo +nightly fuzz build "${dir[@]}" "$target"
  corpus=fuzz/corpus/$target
  artifacts=fuzz/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  if [ -z "$(ls -A "$corpus")" ]; then
    if [ "$target" = rewrite ]; then seed_rewrite "$corpus"; else cp fuzz/seeds/"$target"/* "$corpus"/; fi
  fi
  before=$(ls "$artifacts" | wc -l)
  log=$(mktemp)
  printf '==> %s: %s s\n' "$target" "$seconds"
  status=0
  nice -n 19 cargo +nightly fuzz run "${dir[@]}" "$target" "$corpus" -- \
    -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=20 \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  # The failure, if any (libFuzzer's own report ends the log), then the closing statistics.
  grep -a -m 1 -A 12 -E "panicked at|ERROR: (AddressSanitizer|libFuzzer)" "$log" || true
  tail -n 8 "$log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  new=$(( $(ls "$artifacts" | wc -l) - before ))
  size=$(ls "$corpus" | wc -l)
  summary+=("$(printf '%-15s %6s s  %12s execs  corpus %6s  new crashes %s' \
    "$target" "$seconds" "${execs:-?}" "$size" "$new")")
  if [ "$status" -ne 0 ] || [ "$new" -gt 0 ]; then
    crashed=1
    ls -t "$artifacts" | head -n "$(( new > 0 ? new : 1 ))" | sed "s|^|    $artifacts/|"
  fi
  rm -f "$log"
done

printf '\n==> Summary\n'
printf '%s\n' "${summary[@]}"
exit "$crashed"
