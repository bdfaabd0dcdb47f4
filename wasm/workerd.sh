#!/usr/bin/env bash
# Starts workerd for wasm/dev.mjs (miniflare runs this instead of workerd) so that it dies with
# its parent, even when the parent is killed with SIGKILL and cannot stop it.
set -euo pipefail
if command -v setpriv >/dev/null 2>&1; then
  exec setpriv --pdeathsig KILL -- "$CONSENTRY_WORKERD" "$@"
fi
exec "$CONSENTRY_WORKERD" "$@"
