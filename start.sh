#!/usr/bin/env bash
# Command 1: set up, create the SQLite database, load the demo shop, plan it and serve the web app.
#   ./start.sh --empty   starts without the demo: the first visit in the browser offers the demo or your own shop
#                        (with its first administrator). MAAKBAAR_EMPTY=1 does the same.
set -euo pipefail
cd "$(dirname "$0")"
EMPTY="${MAAKBAAR_EMPTY:-}"
for arg in "$@"; do
    case "$arg" in
        --empty) EMPTY=1 ;;
        *) echo "start.sh: unknown option '$arg' (known: --empty)" >&2; exit 2 ;;
    esac
done
source scripts/bootstrap.sh
maakbaar db upgrade
if [[ -z "$EMPTY" ]]; then
    maakbaar demo --seed "${MAAKBAAR_DEMO_SEED:-1}" --if-empty
    maakbaar plan --time-limit "${MAAKBAAR_PLAN_SECONDS:-5}" || true  # an own shop without open orders has no plan yet
fi
exec maakbaar serve --host "${MAAKBAAR_HOST:-127.0.0.1}" --port "${MAAKBAAR_PORT:-8000}"
