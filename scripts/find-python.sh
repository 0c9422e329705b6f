#!/usr/bin/env bash
# Prints the path of a Python 3.12 or newer: $MAAKBAAR_PYTHON, then python3.13/3.12/3.14/python3 on PATH,
# then pyenv's versions folder and the usual install places. Exits 1 when there is none.
set -uo pipefail

python_is_recent() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

candidates=()
[[ -n "${MAAKBAAR_PYTHON:-}" ]] && candidates+=("$MAAKBAAR_PYTHON")
for name in python3.13 python3.12 python3.14 python3; do
    command -v "$name" >/dev/null 2>&1 && candidates+=("$(command -v "$name")")
done
shopt -s nullglob
for exe in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 \
           /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9] /opt/python*/bin/python3; do
    [[ -x "$exe" ]] && candidates+=("$exe")
done
for exe in "${candidates[@]}"; do
    if python_is_recent "$exe"; then
        echo "$exe"
        exit 0
    fi
done
exit 1
