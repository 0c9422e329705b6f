#!/usr/bin/env bash
# Finds a Python >= 3.12, creates .venv and installs maakbaar with its dependencies.
# Sourced by start.sh and test.sh; re-installs only when pyproject.toml changed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

python_is_recent() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
    local candidates=()
    [[ -n "${MAAKBAAR_PYTHON:-}" ]] && candidates+=("$MAAKBAAR_PYTHON")
    for name in python3.13 python3.12 python3.14 python3; do
        command -v "$name" >/dev/null 2>&1 && candidates+=("$(command -v "$name")")
    done
    for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]* /usr/local/bin /usr/bin /opt/python*/bin; do
        for exe in "$dir"/bin/python3 "$dir"/python3.1[2-9]; do
            [[ -x "$exe" ]] && candidates+=("$exe")
        done
    done
    for exe in "${candidates[@]}"; do
        if python_is_recent "$exe"; then
            echo "$exe"
            return 0
        fi
    done
    return 1
}

if [[ ! -x "$VENV/bin/python" ]] || ! python_is_recent "$VENV/bin/python"; then
    PYTHON="$(find_python)" || {
        echo "maakbaar needs Python 3.12 or newer and none was found." >&2
        echo "Install one (e.g. 'pyenv install 3.12') or set MAAKBAAR_PYTHON=/path/to/python3.12." >&2
        exit 1
    }
    echo "Using $PYTHON ($("$PYTHON" --version))"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
fi

STAMP="$VENV/.installed-$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
if [[ ! -f "$STAMP" ]]; then
    echo "Installing maakbaar and its dependencies into .venv ..."
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e "$ROOT[dev]"
    rm -f "$VENV"/.installed-*
    touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
