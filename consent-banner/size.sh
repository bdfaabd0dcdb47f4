#!/usr/bin/env bash
# What a first visit downloads of the banner (its HTML in the demo page, the CSS and the JS),
# gzipped, next to the dist files of the two open-source banners used most, from their npm
# packages. Usage: consent-banner/size.sh [--compare]
# Needs a built `consentry` (target/debug/consentry, or CONSENTRY_BIN), curl, gzip, perl; npm
# for --compare. The browser tests assert the same budget (6 KB) on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${CONSENTRY_BIN:-target/debug/consentry}"
tmp="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

"$bin" demo --port 0 --data-dir "$tmp/data" >"$tmp/out" 2>/dev/null &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/out" ] && break; sleep 0.1; done
url="$(head -1 "$tmp/out" | sed -n 's/^Consentry listening on \([^ ]*\).*/\1/p')"
url="${url%/}"
[ -n "$url" ] || { echo "consentry did not start" >&2; exit 1; }

curl -fsS "$url/" | perl -0777 -ne 'print $1 if /(<div id="consentry".*<\/div>)/s' >"$tmp/banner.html"
css="$(grep -o '/__consentry/banner\.[0-9a-f]*\.css' "$tmp/banner.html" | head -1)"
js="$(grep -o '/__consentry/banner\.[0-9a-f]*\.js' "$tmp/banner.html" | head -1)"
curl -fsS "$url$css" >"$tmp/banner.css"
curl -fsS "$url$js" >"$tmp/banner.js"

gz() { gzip -9 -c "$@" | wc -c | tr -d ' '; }
raw() { cat "$@" | wc -c | tr -d ' '; }
row() { printf '| %s | %s | %s |\n' "$1" "$2" "$3"; }

echo "| what | bytes | gzipped (-9, each file) |"
echo "| --- | ---: | ---: |"
total=0
for f in banner.html banner.css banner.js; do
  row "Consentry $f" "$(raw "$tmp/$f")" "$(gz "$tmp/$f")"
  total=$((total + $(gz "$tmp/$f")))
done
row "**Consentry, all a first visit downloads**" "$(raw "$tmp"/banner.*)" "**$total**"

if [ "${1:-}" = "--compare" ]; then
  (cd "$tmp" && npm pack --silent vanilla-cookieconsent klaro >/dev/null 2>&1)
  for pkg in "$tmp"/vanilla-cookieconsent-*.tgz "$tmp"/klaro-*.tgz; do
    name="$(basename "$pkg" .tgz)"
    mkdir -p "$tmp/$name" && tar xzf "$pkg" -C "$tmp/$name"
  done
  v="$(ls -d "$tmp"/vanilla-cookieconsent-*/package)"
  k="$(ls -d "$tmp"/klaro-*/package)"
  vt=$(( $(gz "$v/dist/cookieconsent.umd.js") + $(gz "$v/dist/cookieconsent.css") ))
  row "$(basename "$(dirname "$v")"): dist/cookieconsent.umd.js + .css" "$(raw "$v/dist/cookieconsent.umd.js" "$v/dist/cookieconsent.css")" "$vt"
  row "$(basename "$(dirname "$k")"): dist/klaro.js (CSS and translations inside)" "$(raw "$k/dist/klaro.js")" "$(gz "$k/dist/klaro.js")"
fi

[ "$total" -le 6144 ] || { echo "over the 6 KB budget: $total bytes" >&2; exit 1; }
