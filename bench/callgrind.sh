#!/usr/bin/env bash
# Instructions per document of the HTML pass, under callgrind:
#
# - consentry: the gateway's rewrite, a page rewriter built per document as for each response
#   (visitor undecided, banner injected);
# - lol_html: lol_html with no handlers over the same bytes;
# - ratio: lol_html / consentry, the rewrite's throughput as a share of the handler-less pass;
# - selectors: lol_html with the engine's selectors and handlers that do nothing, the floor of
#   any rewrite that must look at those elements, and its ratio to the handler-less pass;
# - accepted: the gateway's rewrite for a visitor who accepted everything, and its ratio.
#
#   bench/callgrind.sh                 # the three pages of bench/pages
#   bench/callgrind.sh small listing   # some of them
#
# Each figure is (Ir of COUNT+1 documents - Ir of 1 document) / COUNT, so start-up (the engine,
# the catalogue, reading the page, the first rendering of a banner) cancels out. Builds
# gateway/engine/examples/rewrite_once.rs in release with CARGO_TARGET_DIR (default
# /work/target-perf); set BIN to measure another build of it. Needs valgrind and python3.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-/work/target-perf}"
pages="$root/bench/pages"
[ -f "$pages/listing.html" ] || python3 "$pages/generate.py" >/dev/null

bin="${BIN:-}"
if [ -z "$bin" ]; then
  CARGO_TARGET_DIR="$target" cargo build --quiet --release -p consentry-engine \
    --example rewrite_once --manifest-path "$root/Cargo.toml"
  bin="$target/release/examples/rewrite_once"
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Total instructions of one run: page, count, mode.
ir() {
  valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bin" "$pages/$1.html" "$2" "$3" \
    >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
  awk '/^summary:/ {print $2}' "$tmp/out"
}

# Instructions per document: page, count, mode.
per_doc() {
  local one many
  one=$(ir "$1" 1 "$3")
  many=$(ir "$1" $(($2 + 1)) "$3")
  echo $(((many - one) / $2))
}

pct() { python3 -c "print(f'{$1 / $2 * 100:.1f}%')"; }

printf '%-10s %8s %12s %12s %7s %12s %7s %12s %7s\n' page bytes consentry lol_html ratio \
  selectors ratio accepted ratio
for page in "${@:-small marketing listing}"; do
  for p in $page; do
    case "$p" in
      small | small-2k) count=40 ;;
      marketing | marketing-61k) count=10 ;;
      *) count=2 ;;
    esac
    bytes=$(wc -c <"$pages/$p.html")
    rewrite=$(per_doc "$p" "$count" consentry)
    bare=$(per_doc "$p" "$count" lol_html)
    floor=$(per_doc "$p" "$count" selectors)
    accepted=$(per_doc "$p" "$count" accepted)
    printf '%-10s %8d %12d %12d %7s %12d %7s %12d %7s\n' "$p" "$bytes" "$rewrite" "$bare" \
      "$(pct "$bare" "$rewrite")" "$floor" "$(pct "$bare" "$floor")" \
      "$accepted" "$(pct "$bare" "$accepted")"
  done
done
