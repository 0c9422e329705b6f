"""The shop's own cost tables: hourly rates, cutting speeds, bend and weld times, finishing prices, overhead and
margin. maakbaar ships reference numbers with their source and year (``data/costing.json``); the shop's own
values are kept in its database over them, each with the day it was set and by whom. Every quote, nest and
post-calculation prices with the result, and a quote names each number it used and whether it is the shop's
own or still the reference.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from functools import cache

from .. import clock
from ..costing.model import CostTables
from ..store.db import Session
from ..store.repositories import Repositories
from .errors import Conflict, InvalidInput

SETTING = "cost_tables"


@dataclass(frozen=True)
class Setting:
    """One number of the cost tables the shop may set: its dotted path, its label's key and unit, and the
    range a typed value must fall in."""

    path: str
    unit: str
    low: float = 0.0
    high: float = 100_000.0

    @property
    def label(self) -> str:
        return "cost." + self.path


# what the page lists, grouped; the laser's cutting speeds are a table of their own (``speed_paths``)
SETTINGS: tuple[tuple[str, tuple[Setting, ...]], ...] = (
    ("rates", tuple(Setting(f"rates_eur_per_hour.{k}", "EUR/h", 1, 1000)
                    for k in ("laser", "press_brake", "welding", "deburring", "engineering"))),
    ("laser", (Setting("laser.setup_minutes", "min", 0, 600), Setting("laser.handling_seconds_per_part", "s", 0, 3600),
               Setting("laser.pierce_seconds.base", "s", 0, 60), Setting("laser.pierce_seconds.per_mm", "s/mm", 0, 60),
               Setting("laser.average_power_kw", "kW", 0, 500))),
    ("bending", (Setting("bending.seconds_per_bend", "s", 1, 3600), Setting("bending.setup_minutes", "min", 0, 600),
                 Setting("bending.average_power_kw", "kW", 0, 500))),
    ("welding", (Setting("welding.minutes_per_metre", "min/m", 0.1, 600), Setting("welding.tig_factor", "×", 0.1, 20),
                 Setting("welding.setup_minutes", "min", 0, 600), Setting("welding.average_power_kw", "kW", 0, 500))),
    ("finishing", (Setting("finishing.powder_coating_eur_per_m2", "EUR/m²", 0, 1000),
                   Setting("finishing.powder_coating_eur_per_m2.minimum_eur", "EUR", 0, 100_000),
                   Setting("finishing.galvanising_eur_per_kg", "EUR/kg", 0, 100),
                   Setting("finishing.galvanising_eur_per_kg.minimum_eur", "EUR", 0, 100_000))),
    ("commercial", (Setting("commercial.overhead_fraction", "%", 0, 2), Setting("commercial.margin_fraction", "%", 0, 2),
                    Setting("commercial.default_utilisation", "%", 0.05, 1),
                    Setting("commercial.engineering_minutes_per_part", "min", 0, 600))),
)


@cache
def reference() -> CostTables:
    """The shipped reference tables, read once per process (nothing changes them: own values go into a copy)."""
    return CostTables.default()


def own_values(db: Session) -> dict[str, dict]:
    """The shop's own values by path: {"value", "on" (ISO date), "by"}."""
    text = Repositories(db).settings.get(SETTING)
    return json.loads(text) if text else {}


def tables(db: Session) -> CostTables:
    """The cost tables every quote, nest and post-calculation of this shop prices with."""
    own = own_values(db)
    base = reference()
    if not own:
        return base
    return base.with_values({path: entry["value"] for path, entry in own.items()},
                            source=f"{base.source} + {len(own)} own")


def setting(path: str) -> Setting:
    for _, group in SETTINGS:
        for item in group:
            if item.path == path:
                return item
    if path.startswith("laser.speed_m_per_min."):
        reference().at(path)  # refuses a material family or thickness the table lacks
        return Setting(path, "m/min", 0.01, 200)
    raise InvalidInput(f"'{path}' is not a number of the cost tables the shop sets", field="path",
                       code="cost.not_settable", path=path)


def speed_paths() -> dict[str, list[str]]:
    """The cutting-speed table: per material family its thicknesses (as the table writes them)."""
    table = reference().data["laser"]["speed_m_per_min"]
    return {family: sorted(row, key=float) for family, row in table.items() if isinstance(row, dict)}


def as_shown(path: str, value: float) -> float:
    """A number as the page shows and takes it: a share as a percentage."""
    return value * 100 if setting(path).unit == "%" else value


def set_values(db: Session, typed: dict[str, float], reset: set[str], seen: dict[str, float], by: str) -> int:
    """Store the numbers ``typed`` (as the page shows them) that differ from what the page showed (``seen``: the
    value each field was read at) as the shop's own, and put those in ``reset`` back to the reference. A changed
    number someone else changed since is refused whole (nothing stored), naming it; so is one out of its range.
    Returns how many changed."""
    changes: dict[str, float | None] = {path: None for path in reset}
    for path, number in typed.items():
        shown = as_shown(path, seen[path])
        if path not in reset and abs(number - shown) > 1e-9 * max(1.0, abs(shown)):
            changes[path] = number
    if not changes:
        return 0
    own = own_values(db)
    now = tables(db)
    stale = [path for path in changes if abs(now.at(path) - seen[path]) > 1e-9]
    if stale:
        raise Conflict(f"changed by someone else meanwhile: {', '.join(stale)}", code="cost.stale",
                       paths=", ".join(stale))
    problems = []
    for path, value in changes.items():
        item = setting(path)
        if value is None:
            own.pop(path, None)
            continue
        if item.unit == "%":  # a share is typed as a percentage
            value = value / 100
        if not item.low <= value <= item.high:
            problems.append((path, (as_shown(path, item.low), as_shown(path, item.high))))
            continue
        own[path] = {"value": value, "on": clock.today().isoformat(), "by": by}
    if problems:
        path, (low, high) = problems[0]
        raise InvalidInput(f"{path} must lie between {low:g} and {high:g}", field=path, code="cost.out_of_range",
                           what=path, low=low, high=high)
    Repositories(db).settings.set(SETTING, json.dumps(own, sort_keys=True))
    return len(changes)


@dataclass(frozen=True)
class Value:
    """One number as the page and a quote show it."""

    path: str
    label: str
    unit: str
    value: float
    reference: float
    own: bool
    set_on: dt.date | None
    set_by: str
    source: str  # where the reference number comes from, with its year

    @property
    def shown(self) -> float:
        return self.value * 100 if self.unit == "%" else self.value

    @property
    def reference_shown(self) -> float:
        return self.reference * 100 if self.unit == "%" else self.reference


def _source_of(path: str) -> str:
    """The source and year of the reference number at ``path`` (of the nearest node on the way that names one)."""
    node, found = reference().data, ""
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            break
        node = node[key]
        if isinstance(node, dict) and isinstance(node.get("source"), str):
            found = f"{node['source']}, {node.get('year', '')}".rstrip(", ")
    return found


def value(db: Session, path: str, own: dict | None = None, current: CostTables | None = None) -> Value:
    own = own_values(db) if own is None else own
    current = tables(db) if current is None else current
    item = setting(path)
    entry = own.get(path)
    return Value(path=path, label=item.label, unit=item.unit, value=current.at(path), reference=reference().at(path),
                 own=entry is not None, set_on=dt.date.fromisoformat(entry["on"]) if entry else None,
                 set_by=entry["by"] if entry else "", source=_source_of(path))


def values(db: Session) -> list[tuple[str, list[Value]]]:
    """Every settable number, grouped as the page shows them, with its reference and whether it is the shop's."""
    own, current = own_values(db), tables(db)
    return [(group, [value(db, item.path, own, current) for item in items]) for group, items in SETTINGS]


def speed_values(db: Session) -> dict[str, list[Value]]:
    own, current = own_values(db), tables(db)
    return {family: [value(db, f"laser.speed_m_per_min.{family}.{t}", own, current) for t in thicknesses]
            for family, thicknesses in speed_paths().items()}


def used_values(db: Session, used: tuple[tuple[str, float], ...]) -> list[Value]:
    """The numbers a quote used (the value it used, whatever the table says now), each marked the shop's own or
    the reference (with its source)."""
    own, current = own_values(db), tables(db)
    out = []
    for path, number in used:
        try:
            shown = value(db, path, own, current)
        except InvalidInput:  # a number the shop does not set (the laser's rapid speed): the reference
            shown = Value(path, "cost." + path, "", number, reference().at(path), False, None, "", _source_of(path))
        out.append(replace(shown, value=number))
    return out
