"""CO2 per order and per month from the shop's data, and the local-versus-import comparison for an order.

The factor set is the shop's own file ``<data folder>/co2_factors.json`` when it exists, else maakbaar's
indicative set; shop settings choose the grid factor (``co2.grid``, e.g. NL-2024 or NL-GREEN-GO for green
power with guarantees of origin) and the outbound transport (``co2.outbound_km``, ``co2.outbound_mode``).
Never commits.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from .errors import InvalidInput
from ..co2.compare import Comparison, Option, compare
from ..co2.factors import Factor, FactorSet
from ..co2.footprint import Footprint, FootprintLine, Leg, OperationEnergy, order_footprint
from ..config import data_dir
from . import cost_service
from ..reasons import Reason
from ..domain import OrderStatus
from ..store.repositories import NotFoundError, Repositories
from ..store.records import NestRecords

GRID_SETTING, DISTANCE_SETTING, MODE_SETTING = "co2.grid", "co2.outbound_km", "co2.outbound_mode"
DEFAULTS = {GRID_SETTING: "NL-2024", DISTANCE_SETTING: "75", MODE_SETTING: "road_truck"}


class Co2Error(InvalidInput):
    pass


def shop_factors(path: str | Path | None = None) -> FactorSet:
    if path:
        return FactorSet.from_file(path)
    own = data_dir() / "co2_factors.json"
    return FactorSet.from_file(own) if own.is_file() else FactorSet.default()


def setting(session: Session, key: str) -> str:
    return Repositories(session).settings.get(key, DEFAULTS[key]) or DEFAULTS[key]


@dataclass(frozen=True)
class OrderFootprint:
    order: str
    footprint: Footprint
    grid: Factor
    factor_set: str
    factor_path: str
    utilisation_source: dict[int, str]  # per line: "nest" or "default"


class _ShopData:
    """What every order's footprint needs, read once."""

    def __init__(self, session: Session, order: str | None = None):
        """``order``: only that order's footprint is wanted (its nests alone are read)."""
        repos = Repositories(session)
        self.parts = {p.number: p for p in repos.parts.list()}
        self.materials = {m.grade: m for m in repos.materials.list()}
        machines = repos.machines.list()
        centers = {w.code: w for w in repos.work_centers.list()}
        self.power_by_type: dict[str, list[float]] = defaultdict(list)
        for machine in machines:
            center = centers.get(machine.work_center)
            if center is not None:
                self.power_by_type[center.type.value].append(machine.power_kw)
        self.power_of = {m.code: m.power_kw for m in machines}
        self.default_utilisation = cost_service.tables(session).value("commercial", "default_utilisation")
        self.settings = {key: setting(session, key) for key in DEFAULTS}
        self.nested = NestRecords(session).utilisation_by_line(order)  # order -> line -> utilisation


def footprint_of_order(session: Session, order_number: str, factors: FactorSet | None = None,
                       grid: str | None = None, distance_km: float | None = None,
                       mode: str | None = None, shop: _ShopData | None = None, order=None) -> OrderFootprint:
    factors = factors or shop_factors()
    order = order or Repositories(session).orders.get(order_number)
    if order is None:
        raise NotFoundError("order", order_number)
    shop = shop or _ShopData(session, order_number)
    nested = shop.nested.get(order_number, {})
    lines, sources = [], {}
    for line in order.lines:
        part = shop.parts.get(line.part)
        if part is None:
            raise Co2Error(f"order {order_number} line {line.line_no}: part {line.part} does not exist",
                           code="footprint.no_part", order=order_number, line=line.line_no, part=line.part)
        material = shop.materials.get(part.material)
        if material is None:
            raise Co2Error(f"part {part.number}: material {part.material} is not in the shop's materials",
                           code="footprint.no_material", part=part.number, material=part.material)
        area = part.net_area_mm2 or part.length_mm * part.width_mm
        mass = area * part.thickness_mm * 1e-9 * material.density_kg_m3
        factor = Factor(material.grade, material.co2_per_kg, material.grade, material.co2_source or "shop's materials",
                        None, "kg CO2e/kg")
        operations = []
        for step in part.routing:
            if step.subcontract_lead_days is not None:
                continue  # subcontracted: outside the shop's own electricity
            minutes = step.setup_min + step.run_min_per_piece * line.quantity
            powers = [shop.power_of[m] for m in step.eligible_machines if m in shop.power_of]
            powers = powers or shop.power_by_type.get(step.work_center_type.value, [])
            power = powers[0] if powers else 0.0
            where = step.eligible_machines[0] if step.eligible_machines else step.work_center_type.value
            operations.append(OperationEnergy(f"{step.description or step.work_center_type.value} ({where})",
                                              minutes, power))
        sources[line.line_no] = "nest" if line.line_no in nested else "default"
        lines.append(FootprintLine(f"{line.line_no} {part.number}", line.quantity, mass,
                                   nested.get(line.line_no, shop.default_utilisation), factor, tuple(operations)))
    grid_factor = factors.grid(grid or shop.settings[GRID_SETTING])
    distance = float(distance_km if distance_km is not None else shop.settings[DISTANCE_SETTING])
    legs = [Leg(factors.transport(mode or shop.settings[MODE_SETTING]), distance, "Levering aan klant")] \
        if distance > 0 else []
    footprint = order_footprint(lines, grid_factor, legs, factors.scalar("well_to_tank_uplift").value)
    return OrderFootprint(order_number, footprint, grid_factor, factors.name, factors.path, sources)


@dataclass(frozen=True)
class MonthTotal:
    month: str  # YYYY-MM, by the order's due date
    orders: int
    product_kg: float
    co2_kg: float
    by_component: dict[str, float]

    @property
    def per_kg(self) -> float:
        return self.co2_kg / self.product_kg if self.product_kg else 0.0


def footprint_per_month(session: Session, factors: FactorSet | None = None, since: dt.date | None = None,
                        include_open: bool = True) -> list[MonthTotal]:
    factors = factors or shop_factors()
    months: dict[str, dict] = {}
    shop = _ShopData(session)
    for order in Repositories(session).orders.list():
        if order.status == OrderStatus.CANCELLED or order.status == OrderStatus.QUOTED:
            continue
        if not include_open and order.status.is_open:
            continue
        if since and order.due_date < since:
            continue
        result = footprint_of_order(session, order.number, factors, shop=shop, order=order).footprint
        key = f"{order.due_date:%Y-%m}"
        total = months.setdefault(key, {"orders": 0, "kg": 0.0, "co2": 0.0, "parts": defaultdict(float)})
        total["orders"] += 1
        total["kg"] += result.product_mass_kg
        total["co2"] += result.total_kg
        for k, v in result.by_key().items():
            total["parts"][k] += v
    return [MonthTotal(m, t["orders"], t["kg"], t["co2"], dict(t["parts"])) for m, t in sorted(months.items())]


def compare_order(session: Session, order_number: str, country: str, material_route: str, grid: str,
                  legs: list[tuple[str, float, bool, bool]], factors: FactorSet | None = None,
                  local_price: float | None = None, import_price: float | None = None, local_ladder: int = 0,
                  import_ladder: int = 0, name: str | None = None) -> Comparison:
    """The order as the shop makes it against the same product made in ``country`` and shipped here.

    ``legs``: (transport mode key, distance km, dedicated voyage, count the ballast leg).
    """
    factors = factors or shop_factors()
    own = footprint_of_order(session, order_number, factors)
    fp = own.footprint
    parts = fp.by_key()
    mass = fp.product_mass_kg
    if mass <= 0:
        raise Co2Error(f"order {order_number} has no product mass (parts without area or thickness)",
                       code="footprint.no_mass", order=order_number)
    material_kg = parts.get("material", 0.0)
    scrap_kg = parts.get("scrap", 0.0)
    weighted = Factor("order-materials", material_kg / mass, f"materialen van order {order_number} (gewogen)",
                      "shop's materials", None, "kg CO2e/kg")
    scrap_share = scrap_kg / (material_kg + scrap_kg) if material_kg + scrap_kg else 0.0
    kwh = fp.energy_kwh
    local_legs = (Leg(factors.transport(setting(session, MODE_SETTING)), float(setting(session, DISTANCE_SETTING)),
                      "Levering aan klant"),)
    local = Option("Eigen productie (lokaal)", "NL", mass, weighted, scrap_share, own.grid, kwh, local_legs,
                   local_price, local_ladder)
    alternative = Option(name or f"Import ({country})", country, mass, factors.material(material_route), scrap_share,
                         factors.grid(grid), kwh,
                         tuple(Leg(factors.transport(m), d, "", ded, bal) for m, d, ded, bal in legs),
                         import_price, import_ladder)
    return compare(Reason.of("co2.title.order", order=order_number, country=country), local, alternative, factors)



def component_json(component, lang: str) -> dict:
    """A footprint's component as JSON: its label and how it is worked out in ``lang``, with their codes."""
    from ..i18n import say

    return {"key": component.key, "label": say(component.label, lang), "kg_co2": component.kg_co2,
            "detail": say(component.detail, lang), "label_code": component.label.to_json(),
            "detail_code": component.detail.to_json() if component.detail else None}


def comparison_as_dict(result: Comparison, lang: str = "en") -> dict:
    """A comparison as plain JSON-ready data (CLI --json and the web API), its texts in ``lang``."""
    from ..i18n import say

    def option(r):
        return {"name": r.option.name, "country": r.option.country, "total_kg": r.total_kg,
                "bid_price_eur": r.option.bid_price_eur, "ladder_level": r.option.ladder_level,
                "components": [component_json(c, lang) for c in r.components]}
    return {"title": say(result.title, lang), "factor_set": result.factor_set, "factor_file": result.factor_path,
            "local": option(result.local), "alternative": option(result.alternative),
            "difference_kg": result.difference_kg, "mki_eur_per_kg": result.mki_eur_per_kg.value,
            "mki_value_eur": result.mki_value_eur, "local_ladder_discount": result.local_discount,
            "max_local_price_eur": result.max_local_price_eur, "assumptions": [say(a, lang) for a in result.assumptions],
            "factors": [{"key": f.key, "label": f.label, "value": f.value, "unit": f.unit, "source": f.source,
                         "year": f.year} for f in result.factors]}
