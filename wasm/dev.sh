#!/usr/bin/env bash
# Serves the Worker built by wasm/build.sh locally in the real runtime (workerd, with a local
# D1 through miniflare) in front of any origin, with the default settings, as `consentry proxy`
# does natively:
#
#   wasm/dev.sh --port 8787 --origin http://127.0.0.1:8000 [--data-dir DIR] [--config FILE]
#               [--country CC [--region RR]]
#
# --country and --region say where the visitor is, as Cloudflare does in request.cf.country and
# request.cf.regionCode (`--country US --region CA` for California).
#
# The first line on standard output is `Consentry listening on URL`; logs go to standard error.
# It runs in the foreground until stopped, and the runtime stops with it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -d "$here/node_modules/miniflare" ]; then
  (cd "$here" && npm ci --no-audit --no-fund) >&2
fi
exec node "$here/dev.mjs" "$@"
