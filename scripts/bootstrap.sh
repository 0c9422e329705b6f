#!/usr/bin/env bash
# Finds a Python >= 3.12, creates .venv and installs maakbaar with its dependencies.
# Sourced by start.sh and test.sh; installs the exact versions in requirements.lock (refresh it with
# scripts/lock.sh) and re-installs only when pyproject.toml or the lock changed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

python_is_recent() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

if [[ ! -x "$VENV/bin/python" ]] || ! python_is_recent "$VENV/bin/python"; then
    PYTHON="$("$ROOT/scripts/find-python.sh")" || {
        echo "maakbaar needs Python 3.12 or newer and none was found." >&2
        echo "Install one (e.g. 'pyenv install 3.12') or set MAAKBAAR_PYTHON=/path/to/python3.12." >&2
        exit 1
    }
    echo "Using $PYTHON ($("$PYTHON" --version))"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
fi

if [[ -n "${MAAKBAAR_NO_INSTALL:-}" ]]; then return 0; fi  # scripts/lock.sh needs only the venv
STAMP="$VENV/.installed-$(cat "$ROOT/pyproject.toml" "$ROOT/requirements.lock" | sha256sum | cut -c1-16)"
if [[ ! -f "$STAMP" ]]; then
    echo "Installing maakbaar and the locked versions of its dependencies (requirements.lock) into .venv ..."
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -r "$ROOT/requirements.lock"
    "$VENV/bin/python" -m pip install --quiet --no-deps -e "$ROOT"
    rm -f "$VENV"/.installed-*
    touch "$STAMP"
fi
# The message catalogues (.po, one per language) compiled into .mo (not committed); a second, quick
"$VENV/bin/python" -m maakbaar.i18n compile >/dev/null
# Front-end libraries (htmx, vis-timeline) from the npm registry into src/maakbaar/web/node_modules (not committed)
WEB="$ROOT/src/maakbaar/web"
WEB_STAMP="$WEB/node_modules/.installed-$(cat "$WEB/package.json" "$WEB/package-lock.json" | sha256sum | cut -c1-16)"
if [[ ! -f "$WEB_STAMP" ]]; then
    if command -v npm >/dev/null 2>&1; then
        echo "Installing the web app's front-end libraries (npm) ..."
        (cd "$WEB" && npm ci --no-audit --no-fund --silent)
        rm -f "$WEB"/node_modules/.installed-*
        touch "$WEB_STAMP"
    else
        echo "Warning: npm not found; the web app's planning board needs vis-timeline and htmx from npm." >&2
    fi
fi
export PATH="$VENV/bin:$PATH"
