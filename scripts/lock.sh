#!/usr/bin/env bash
# Refreshes requirements.lock: the exact versions that set-up (start.sh, test.sh) and CI install.
# Run it after changing a dependency in pyproject.toml, run ./test.sh, and commit both files.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MAAKBAAR_NO_INSTALL=1 source "$ROOT/scripts/bootstrap.sh"
"$VENV/bin/python" -m pip install --quiet uv
"$VENV/bin/uv" pip compile "$ROOT/pyproject.toml" --extra dev --python-version 3.12 --quiet \
    --custom-compile-command "scripts/lock.sh" -o "$ROOT/requirements.lock" "$@"
echo "requirements.lock refreshed; run ./test.sh before committing it."
