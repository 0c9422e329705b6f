#!/usr/bin/env bash
# Command 1: set up, create the SQLite database, load the demo shop, plan it and serve the web app.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
maakbaar db upgrade
maakbaar demo --seed "${MAAKBAAR_DEMO_SEED:-1}" --if-empty
maakbaar plan --time-limit "${MAAKBAAR_PLAN_SECONDS:-5}"
exec maakbaar serve --host "${MAAKBAAR_HOST:-127.0.0.1}" --port "${MAAKBAAR_PORT:-8000}"
