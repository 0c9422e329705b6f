#!/usr/bin/env bash
# Command 2: set up and run the whole test suite (SQLite always, PostgreSQL when reachable).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
export MAAKBAAR_TEST_POSTGRES_URL="${MAAKBAAR_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
exec python -m pytest "$@"
