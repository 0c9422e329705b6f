"""The cost model. Every number it uses comes from the tables (``maakbaar/data/costing.json`` by default).

Per part and quantity break:
- material: net area / utilisation x thickness x density x price per kg (utilisation from a nest when
  known, else the table's default);
- laser: cut length / speed(material family, thickness) + pierces x pierce time + rapid travel / rapid speed
  + engraving + handling; setup per batch;
- bending: bends x time per bend (doubled for long bends) + handling by mass; setup per batch;
- welding: weld length x minutes per metre (TIG slower) ; setup per batch;
- deburring, engineering (once per batch), finishing and subcontracting (coating per m2, galvanising per
  kg, each with a minimum charge per batch), overhead and margin on top;
- time per operation, energy (kWh) and CO2 (process electricity and embodied material) per part, and a
  standard lead time.
Setup and per-batch charges are spread over the quantity, so the price per piece falls as it rises.
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..reasons import Reason, Refusal, size


class CostError(Refusal):
    """The part cannot be made as asked (too thick, too large, unknown material family): ``cost.*`` codes."""


@dataclass(frozen=True)
class CostTables:
    data: dict[str, Any]
    source: str = "maakbaar/data/costing.json"

    @classmethod
    def default(cls) -> CostTables:
        text = resources.files("maakbaar.data").joinpath("costing.json").read_text(encoding="utf-8")
        return cls(json.loads(text))

    @classmethod
    def from_file(cls, path: str | Path) -> CostTables:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")), str(path))

    def value(self, *keys: str) -> float:
        node: Any = self.data
        for key in keys:
            node = node[key]
        return float(node["value"]) if isinstance(node, dict) else float(node)

    def at(self, path: str) -> float:
        """The number at a dotted path: ``rates_eur_per_hour.laser``, ``laser.speed_m_per_min.steel.3``,
        ``finishing.powder_coating_eur_per_m2.minimum_eur`` (a node with a ``value`` gives that value)."""
        try:
            return self.value(*path.split("."))
        except (KeyError, TypeError, ValueError):
            raise CostError("cost.unknown_value", f"the cost tables have no number at '{path}'", path=path) from None

    def with_values(self, values: dict[str, float], source: str | None = None) -> CostTables:
        """A copy with the numbers at these dotted paths replaced (the shop's own values over the reference)."""
        data = copy.deepcopy(self.data)
        for path, value in values.items():
            self.at(path)  # an unknown path is refused, not added
            *head, last = path.split(".")
            node = data
            for key in head:
                node = node[key]
            if isinstance(node[last], dict):
                node[last]["value"] = value
            else:
                node[last] = value
        return CostTables(data, source or self.source)

    def speed_points(self, family: str, thickness: float) -> tuple[str, ...]:
        """The table's thicknesses a cutting speed was read from: the row itself, or the two around it."""
        table = self.data["laser"]["speed_m_per_min"].get(family) or {}
        points = sorted(table, key=float)
        exact = [t for t in points if abs(float(t) - thickness) < 1e-9]
        if exact:
            return (exact[0],)
        below = [t for t in points if float(t) < thickness]
        above = [t for t in points if float(t) > thickness]
        return tuple(x for x in (below[-1] if below else None, above[0] if above else None) if x is not None)

    def laser_speed(self, family: str, thickness: float) -> float:
        """Cutting speed in m/min, interpolated linearly between the table's thicknesses."""
        table = self.data["laser"]["speed_m_per_min"].get(family)
        if table is None:
            raise CostError("cost.no_laser_speeds", f"no laser cutting speeds for material family '{family}' in the cost "
                            "tables", family=Reason.of(f"family.{family}", text=family))
        points = sorted((float(t), float(v)) for t, v in table.items())
        if thickness > points[-1][0] + 1e-9:
            raise CostError("cost.thicker_than_table", f"{thickness:g} mm {family} is thicker than the laser table "
                            f"goes ({points[-1][0]:g} mm)", thickness=size(thickness),
                            family=Reason.of(f"family.{family}", text=family), limit=size(points[-1][0]))
        if thickness <= points[0][0]:
            return points[0][1]
        for (t0, v0), (t1, v1) in zip(points, points[1:]):
            if t0 <= thickness <= t1:
                return v0 + (v1 - v0) * (thickness - t0) / (t1 - t0)
        return points[-1][1]


# the hourly rate (``rates_eur_per_hour``) each operation of a quote is priced at
RATE_OF = {"laser": "laser", "bending": "press_brake", "welding": "welding", "deburring": "deburring"}


@dataclass(frozen=True)
class MaterialInput:
    grade: str
    family: str
    density_kg_m3: float
    price_per_kg: float
    co2_per_kg: float


@dataclass(frozen=True)
class MachineLimits:
    max_sheet_length_mm: float | None = None
    max_sheet_width_mm: float | None = None
    max_thickness_mm: dict[str, float] = field(default_factory=dict)
    bend_length_mm: float | None = None


@dataclass(frozen=True)
class PartInput:
    name: str
    material: MaterialInput
    thickness_mm: float
    cut_length_mm: float
    pierces: int
    net_area_mm2: float
    length_mm: float
    width_mm: float
    rapid_mm: float = 0.0
    engrave_mm: float = 0.0
    bends: int = 0
    bend_length_mm: float = 0.0
    weld_length_mm: float = 0.0
    finish: str = "none"  # none, powder, galvanise
    coated_area_m2: float | None = None  # default: both faces of the net area
    deburr: bool = True
    utilisation: float | None = None  # from a nest when known


@dataclass(frozen=True)
class Line:
    key: str  # material, laser, bending, welding, deburring, engineering, finishing, overhead, margin
    label: str
    amount: float  # EUR per piece
    minutes: float = 0.0  # per piece, setup share included


@dataclass(frozen=True)
class QuantityQuote:
    quantity: int
    lines: tuple[Line, ...]
    unit_price: float
    total_price: float
    setup_per_piece: float
    lead_time_days: int

    def amount(self, key: str) -> float:
        return sum(line.amount for line in self.lines if line.key == key)


@dataclass(frozen=True)
class PartQuote:
    name: str
    mass_kg: float
    minutes_per_piece: dict[str, float]  # run time per operation, setup excluded
    setup_minutes: dict[str, float]  # per batch
    energy_kwh: float  # per piece
    co2_process_kg: float
    co2_material_kg: float
    breaks: tuple[QuantityQuote, ...]
    tables: str
    notes: tuple[str, ...] = ()
    # every number of the cost tables this quote used, by its dotted path (``CostTables.at``), with its value
    used: tuple[tuple[str, float], ...] = ()

    @property
    def co2_kg(self) -> float:
        return self.co2_process_kg + self.co2_material_kg


def _check_limits(part: PartInput, laser: MachineLimits | None, brakes: list[MachineLimits]) -> list[str]:
    notes = []
    if laser is not None:
        limit = laser.max_thickness_mm.get(part.material.family)
        if limit is not None and part.thickness_mm > limit:
            raise CostError("cost.beyond_laser", f"{part.name}: {part.thickness_mm:g} mm {part.material.grade} is "
                            f"beyond the laser's capability ({limit:g} mm for {part.material.family})",
                            part=part.name, thickness=size(part.thickness_mm), grade=part.material.grade,
                            limit=size(limit), family=Reason.of(f"family.{part.material.family}",
                                                               text=str(part.material.family)))
        if laser.max_sheet_length_mm and laser.max_sheet_width_mm:
            if part.length_mm > laser.max_sheet_length_mm or part.width_mm > laser.max_sheet_width_mm:
                raise CostError("cost.larger_than_sheet", f"{part.name}: {part.length_mm:.0f} x {part.width_mm:.0f} mm "
                                f"is larger than the largest sheet {laser.max_sheet_length_mm:.0f} x "
                                f"{laser.max_sheet_width_mm:.0f} mm", part=part.name,
                                length=size(round(part.length_mm)), width=size(round(part.width_mm)),
                                sheet_length=size(round(laser.max_sheet_length_mm)),
                                sheet_width=size(round(laser.max_sheet_width_mm)))
    if part.bends and brakes:
        longest = max((b.bend_length_mm or 0) for b in brakes)
        if part.bend_length_mm and longest and part.bend_length_mm / part.bends > longest:
            raise CostError("cost.bend_too_long", f"{part.name}: a bend of {part.bend_length_mm / part.bends:.0f} mm "
                            f"is longer than the longest press brake ({longest:.0f} mm)", part=part.name,
                            bend=size(round(part.bend_length_mm / part.bends)), longest=size(round(longest)))
        thickest = max((b.max_thickness_mm.get(part.material.family, 0) for b in brakes), default=0)
        if thickest and part.thickness_mm > thickest:
            raise CostError("cost.too_thick_to_bend", f"{part.name}: no press brake bends {part.thickness_mm:g} mm "
                            f"{part.material.family} (up to {thickest:g} mm)", part=part.name,
                            thickness=size(part.thickness_mm), limit=size(thickest),
                            family=Reason.of(f"family.{part.material.family}", text=str(part.material.family)))
    return notes


def laser_seconds(tables: CostTables, family: str, thickness_mm: float, cut_length_mm: float, pierces: int,
                  rapid_mm: float = 0.0, engrave_mm: float = 0.0) -> float:
    """Laser time per piece: cutting at the table's speed, piercing, rapid travel, engraving and handling."""
    speed = tables.laser_speed(family, thickness_mm)
    pierce_s = (tables.data["laser"]["pierce_seconds"]["base"]
                + tables.data["laser"]["pierce_seconds"]["per_mm"] * thickness_mm)
    return (cut_length_mm / 1000 / speed * 60 + pierces * pierce_s
            + rapid_mm / 1000 / tables.value("laser", "rapid_m_per_min") * 60
            + engrave_mm / 1000 / tables.value("laser", "engrave_m_per_min") * 60
            + tables.value("laser", "handling_seconds_per_part"))


def quote_part(part: PartInput, quantities: list[int], tables: CostTables | None = None,
               laser: MachineLimits | None = None, brakes: list[MachineLimits] | None = None) -> PartQuote:
    tables = tables or CostTables.default()
    if not quantities or any(q <= 0 for q in quantities):
        raise CostError("cost.quantities", "quantities must be whole numbers above zero")
    if part.thickness_mm <= 0:
        raise CostError("cost.thickness", f"{part.name}: thickness must be above zero", part=part.name)
    notes = _check_limits(part, laser, brakes or [])
    t, m = part.thickness_mm, part.material
    rates = tables.data["rates_eur_per_hour"]

    # material
    utilisation = part.utilisation or tables.value("commercial", "default_utilisation")
    mass = part.net_area_mm2 * t * 1e-9 * m.density_kg_m3
    gross_kg = mass / utilisation
    material_eur = gross_kg * m.price_per_kg

    # laser, per piece
    laser_min = laser_seconds(tables, m.family, t, part.cut_length_mm, part.pierces, part.rapid_mm,
                              part.engrave_mm) / 60
    minutes = {"laser": laser_min}
    setups = {"laser": tables.value("laser", "setup_minutes")}

    if part.bends:
        per_bend = tables.value("bending", "seconds_per_bend")
        long_bend = tables.data["bending"]["long_bend_mm"]
        if part.bends and part.bend_length_mm / part.bends > long_bend["value"]:
            per_bend *= long_bend["factor"]
        handling = tables.data["bending"]["handling_seconds_per_kg"]
        minutes["bending"] = (part.bends * per_bend + handling["base"] + handling["value"] * mass) / 60
        setups["bending"] = tables.value("bending", "setup_minutes")
    if part.weld_length_mm:
        factor = tables.value("welding", "tig_factor") if m.family in ("stainless", "aluminium") else 1.0
        minutes["welding"] = part.weld_length_mm / 1000 * tables.value("welding", "minutes_per_metre") * factor
        setups["welding"] = tables.value("welding", "setup_minutes")
    if part.deburr:
        deburr = tables.data["deburring"]["seconds_per_part"]
        minutes["deburring"] = (deburr["value"] + deburr["base_per_m_cut"] * part.cut_length_mm / 1000) / 60
    engineering_min = tables.value("commercial", "engineering_minutes_per_part")

    rate_of = {key: rates[RATE_OF[key]] for key in RATE_OF}
    power_of = {"laser": tables.value("laser", "average_power_kw"),
                "bending": tables.value("bending", "average_power_kw"),
                "welding": tables.value("welding", "average_power_kw"),
                "deburring": tables.value("deburring", "average_power_kw")}
    energy = sum(minutes[k] / 60 * power_of[k] for k in minutes)
    co2_process = energy * tables.value("energy", "grid_kg_co2_per_kwh")
    co2_material = gross_kg * m.co2_per_kg

    coated = part.coated_area_m2 if part.coated_area_m2 is not None else 2 * part.net_area_mm2 / 1e6
    overhead = tables.value("commercial", "overhead_fraction")
    margin = tables.value("commercial", "margin_fraction")
    lead = tables.data["lead_time_days"]
    operations = len(minutes) + (1 if part.finish != "none" else 0)
    lead_days = int(lead["base"] + lead["per_operation"] * operations)
    labels = {"laser": "Lasersnijden", "bending": "Kanten", "welding": "Lassen", "deburring": "Ontbramen"}

    breaks = []
    for quantity in sorted(set(quantities)):
        lines = [Line("material", f"Materiaal {m.grade} {t:g} mm", material_eur)]
        setup_share = 0.0
        for key, run in minutes.items():
            setup = setups.get(key, 0.0) / quantity
            setup_share += setup * rate_of[key] / 60
            lines.append(Line(key, labels[key], (run + setup) * rate_of[key] / 60, run + setup))
        eng = engineering_min / quantity
        setup_share += eng * rates["engineering"] / 60
        lines.append(Line("engineering", "Werkvoorbereiding", eng * rates["engineering"] / 60, eng))
        finish_days = 0
        if part.finish == "powder":
            spec = tables.data["finishing"]["powder_coating_eur_per_m2"]
            batch = max(spec["minimum_eur"], spec["value"] * coated * quantity)
            lines.append(Line("finishing", "Poedercoaten (uitbesteed)", batch / quantity))
            finish_days = spec["lead_days"]
        elif part.finish == "galvanise":
            spec = tables.data["finishing"]["galvanising_eur_per_kg"]
            batch = max(spec["minimum_eur"], spec["value"] * mass * quantity)
            lines.append(Line("finishing", "Thermisch verzinken (uitbesteed)", batch / quantity))
            finish_days = spec["lead_days"]
        elif part.finish != "none":
            raise CostError("cost.finish", f"unknown finish '{part.finish}' (none, powder, galvanise)", finish=part.finish)
        cost = sum(line.amount for line in lines)
        lines.append(Line("overhead", f"Opslag algemene kosten {overhead:.0%}", cost * overhead))
        lines.append(Line("margin", f"Winstopslag {margin:.0%}", (cost * (1 + overhead)) * margin))
        unit = sum(line.amount for line in lines)
        breaks.append(QuantityQuote(quantity, tuple(lines), round(unit, 2), round(unit * quantity, 2),
                                    setup_share, lead_days + finish_days + math.ceil(quantity / 500)))
    used = [f"rates_eur_per_hour.{RATE_OF[k]}" for k in minutes] + ["rates_eur_per_hour.engineering"]
    used += [f"laser.speed_m_per_min.{m.family}.{point}" for point in tables.speed_points(m.family, t)]
    used += ["laser.setup_minutes", "commercial.engineering_minutes_per_part", "commercial.overhead_fraction",
             "commercial.margin_fraction"]
    used += ["commercial.default_utilisation"] if not part.utilisation else []
    used += ["bending.seconds_per_bend", "bending.setup_minutes"] if "bending" in minutes else []
    used += ["welding.minutes_per_metre", "welding.setup_minutes"] if "welding" in minutes else []
    used += ["welding.tig_factor"] if "welding" in minutes and m.family in ("stainless", "aluminium") else []
    used += {"powder": ["finishing.powder_coating_eur_per_m2", "finishing.powder_coating_eur_per_m2.minimum_eur"],
             "galvanise": ["finishing.galvanising_eur_per_kg", "finishing.galvanising_eur_per_kg.minimum_eur"]}.get(
        part.finish, [])
    return PartQuote(part.name, mass, minutes, setups, energy, co2_process, co2_material, tuple(breaks),
                     tables.source, tuple(notes), tuple((path, tables.at(path)) for path in used))
