"""Reproducible installs: every dependency has an upper bound and requirements.lock satisfies pyproject.toml."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return [Requirement(text) for text in names]


def _locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not pinned with =="
            pins[canonicalize_name(name)] = version.split(";")[0].strip()
    return pins


def test_every_dependency_has_an_upper_bound():
    unbounded = [str(r) for r in _declared()
                 if not any(spec.operator in ("<", "<=", "==", "~=") for spec in r.specifier)]
    assert unbounded == []


def test_the_lock_pins_every_declared_dependency_within_its_range():
    pins = _locked()
    wrong = []
    for requirement in _declared():
        version = pins.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            wrong.append(f"{requirement}: locked {version}")
    assert wrong == [], "run scripts/lock.sh after changing pyproject.toml"


def test_the_environment_runs_the_locked_versions():
    pins = _locked()
    differing = []
    for requirement in _declared():
        installed = metadata.version(requirement.name)
        if installed != pins[canonicalize_name(requirement.name)]:
            differing.append(f"{requirement.name}: installed {installed}, locked {pins[canonicalize_name(requirement.name)]}")
    assert differing == [], "set-up installs from requirements.lock (scripts/bootstrap.sh)"
