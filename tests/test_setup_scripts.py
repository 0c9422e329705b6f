"""The set-up finds a Python 3.12+ by itself, also when `python3` on PATH is older."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIND = ROOT / "scripts" / "find-python.sh"


def version_of(python: str) -> tuple[int, int]:
    out = subprocess.run([python, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1])


def test_finds_a_recent_python_past_an_old_python3(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    old = fake / "python3"
    old.write_text("#!/bin/sh\n# pretends to be Python 3.11\nexit 1\n")
    old.chmod(0o755)
    # the running interpreter (3.12+) stands in for one installed under a pyenv-like versions folder
    versions = tmp_path / "pyenv" / "versions" / "3.12.9" / "bin"
    versions.mkdir(parents=True)
    (versions / "python3").symlink_to(sys.executable)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "PYENV_ROOT": str(tmp_path / "pyenv"), "HOME": str(tmp_path)}
    result = subprocess.run(["bash", str(FIND)], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    found = result.stdout.strip()
    assert found == str(versions / "python3")
    assert version_of(found) >= (3, 12)


def test_says_so_when_there_is_none(tmp_path):
    env = {"PATH": "/nonexistent", "PYENV_ROOT": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run(["/bin/bash", str(FIND)], capture_output=True, text=True, env=env)
    # /usr/bin may hold a python3.12+ on some machines; then it must be a real one
    if result.returncode == 0:
        assert version_of(result.stdout.strip()) >= (3, 12)
    else:
        assert result.stdout == ""


def test_explicit_choice_wins(tmp_path):
    env = {**os.environ, "MAAKBAAR_PYTHON": sys.executable}
    result = subprocess.run(["bash", str(FIND)], capture_output=True, text=True, env=env)
    assert result.stdout.strip() == sys.executable
