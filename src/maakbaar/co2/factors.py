"""Emission factors as data, each with its source and year; a factor set has a name and a file it came from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..reasons import Reason, Refusal


class FactorError(Refusal):
    """A factor that is asked for is not in the factor set (or the file is not a factor set): ``factor.*``."""


@dataclass(frozen=True)
class Factor:
    key: str
    value: float
    label: str
    source: str
    year: int | None
    unit: str

    def cite(self) -> str:
        return f"{self.label}: {self.value:g} {self.unit} ({self.source}{', ' + str(self.year) if self.year else ''})"


SECTIONS = {
    "materials_kg_co2_per_kg": "kg CO2e/kg",
    "grid_kg_co2_per_kwh": "kg CO2e/kWh",
    "transport_kg_co2_per_tkm": "kg CO2e/tkm",
}


@dataclass(frozen=True)
class FactorSet:
    data: dict[str, Any]
    path: str = "maakbaar/data/co2_factors.json"

    @classmethod
    def default(cls) -> FactorSet:
        text = resources.files("maakbaar.data").joinpath("co2_factors.json").read_text(encoding="utf-8")
        return cls(json.loads(text))

    @classmethod
    def from_file(cls, path: str | Path) -> FactorSet:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise FactorError("factor.unreadable", f"{path}: not a readable factor file ({error})", file=str(path),
                              error=str(error)[:300]) from None
        for section in SECTIONS:
            if not isinstance(data.get(section), dict):
                raise FactorError("factor.no_section", f"{path}: section '{section}' is missing", file=str(path),
                                  section=section)
        return cls(data, str(path))

    @property
    def name(self) -> str:
        return str(self.data.get("name", "unnamed factor set"))

    def _entry(self, section: str, key: str, unit: str) -> Factor:
        table = self.data.get(section, {})
        entry = table.get(key)
        if entry is None:
            known = ", ".join(sorted(table)) or "none"
            raise FactorError("factor.unknown", f"'{key}' is not in {section} of factor set '{self.name}' (known: {known})",
                              key=key, section=section, set=self.name, known=known)
        if not isinstance(entry, dict):
            return Factor(key, float(entry), key, "", None, unit)
        return Factor(key, float(entry["value"]), entry.get("label", key), entry.get("source", ""),
                      entry.get("year"), unit)

    def material(self, key: str) -> Factor:
        return self._entry("materials_kg_co2_per_kg", key, SECTIONS["materials_kg_co2_per_kg"])

    def material_for_family(self, family: str) -> Factor:
        route = self.data.get("family_default_route", {}).get(family)
        if route is None:
            raise FactorError("factor.no_route", f"no default material route for family '{family}' in factor set "
                              f"'{self.name}'", family=Reason.of(f"family.{family}", text=family), set=self.name)
        return self.material(route)

    def grid(self, key: str) -> Factor:
        return self._entry("grid_kg_co2_per_kwh", key, SECTIONS["grid_kg_co2_per_kwh"])

    def transport(self, key: str) -> Factor:
        return self._entry("transport_kg_co2_per_tkm", key, SECTIONS["transport_kg_co2_per_tkm"])

    def scalar(self, *keys: str, unit: str = "") -> Factor:
        node: Any = self.data
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                raise FactorError("factor.unknown_key", f"'{'.'.join(keys)}' is not in factor set '{self.name}'",
                                  key=".".join(keys), set=self.name)
            node = node[key]
        if isinstance(node, dict) and "value" in node:
            return Factor(keys[-1], float(node["value"]) if not isinstance(node["value"], dict) else 0.0,
                          node.get("label", keys[-1]), node.get("source", ""), node.get("year"), unit)
        return Factor(keys[-1], float(node), keys[-1], "", None, unit)

    def ladder_discount(self, level: int) -> float:
        table = self.data.get("tender", {}).get("ladder_discount", {}).get("value", {})
        if str(level) not in table:
            raise FactorError("factor.ladder", f"CO2-Prestatieladder level {level} is not in factor set '{self.name}' "
                              f"(levels: {', '.join(sorted(table))})", level=level, set=self.name,
                              levels=", ".join(sorted(table)))
        return float(table[str(level)])

    def keys(self, section: str) -> list[str]:
        return sorted(self.data.get(section, {}))
