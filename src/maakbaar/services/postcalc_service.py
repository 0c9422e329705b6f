"""Post-calculation per order and per period from the time booked on the floor, and accepting a correction
of the standard times. Never commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .. import clock
from . import cost_service
from ..floor.postcalc import Correction, OperationFigures, corrections
from ..store.repositories import NotFoundError, Repositories
from ..store.records import FloorRecords, NestRecords
from ..reasons import Figure
from .errors import InvalidInput


def _minutes(entry, now: dt.datetime) -> float:
    end = entry.ended_at or now
    return max(0.0, (end - entry.started_at).total_seconds() / 60)


def _figures(session: Session, work_orders, now: dt.datetime) -> list[OperationFigures]:
    repos = Repositories(session)
    rates = {m.code: m.hourly_rate for m in repos.machines.list()}
    keys = [f"{w.number}/{o.sequence}" for w in work_orders for o in w.operations]
    entries: dict[str, list] = {}
    for entry in FloorRecords(session).entries_for(keys):
        entries.setdefault(entry.op_key, []).append(entry)
    out = []
    for work_order in work_orders:
        for op in work_order.operations:
            if op.subcontract_lead_days is not None:
                continue
            key = f"{work_order.number}/{op.sequence}"
            booked = entries.get(key, [])
            machine = next((e.machine_code for e in booked if e.machine_code), None) or op.assigned_machine or (
                op.eligible_machines[0] if op.eligible_machines else "")
            out.append(OperationFigures(
                key, op.work_center_type.value, machine or "", op.description or op.work_center_type.value,
                work_order.quantity, sum(e.good_qty for e in booked), sum(e.scrap_qty for e in booked),
                op.setup_min, op.run_min_per_piece,
                sum(_minutes(e, now) for e in booked if e.activity == "setup"),
                sum(_minutes(e, now) for e in booked if e.activity == "run"),
                rates.get(machine, 0.0)))
    return out


@dataclass(frozen=True)
class OrderPostCalc:
    order: str
    operations: list[OperationFigures]
    revenue: float
    material_estimated: float
    material_used: float | None  # from the nests when the order's lines were nested
    material_note: str

    @property
    def planned_cost(self) -> float:
        return sum(o.planned_cost for o in self.operations) + self.material_estimated

    @property
    def actual_cost(self) -> float:
        used = self.material_used if self.material_used is not None else self.material_estimated
        return sum(o.actual_cost for o in self.operations) + used

    @property
    def result(self) -> float:
        return self.revenue - self.actual_cost


def order_postcalc(session: Session, number: str, now: dt.datetime | None = None) -> OrderPostCalc:
    now = now or clock.now()
    repos = Repositories(session)
    order = repos.orders.get(number)
    if order is None:
        raise NotFoundError("order", number)
    work_orders = repos.work_orders.for_order(number)
    figures = _figures(session, work_orders, now)
    tables = cost_service.tables(session)
    utilisation = tables.value("commercial", "default_utilisation")
    materials = {m.grade: m for m in repos.materials.list()}
    estimated = 0.0
    for line in order.lines:
        part = repos.parts.get(line.part)
        material = materials.get(part.material) if part else None
        if part is None or material is None:
            continue
        area = part.net_area_mm2 or part.length_mm * part.width_mm
        kg = area * part.thickness_mm * 1e-9 * material.density_kg_m3 / utilisation
        estimated += kg * material.price_per_kg * line.quantity
    nested = NestRecords(session).material_costs(number)
    used = sum(nested) if nested else None
    note = ("from the nests (each sheet's price less its remnant, by area)" if nested else
            f"no nest yet: the estimate (net area / {utilisation:.0%} utilisation) is used")
    revenue = sum(line.quantity * (line.unit_price or 0) for line in order.lines)
    return OrderPostCalc(number, figures, revenue, estimated, used, note)


def period_postcalc(session: Session, start: dt.date, end: dt.date, min_operations: int = 3,
                    now: dt.datetime | None = None) -> tuple[list[OperationFigures], list[Correction]]:
    """Operations with time booked in [start, end], and the corrections they suggest."""
    now = now or clock.now()
    keys = FloorRecords(session).keys_booked_between(dt.datetime.combine(start, dt.time()),
                                                     dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    repos = Repositories(session)
    numbers = {k.rsplit("/", 1)[0] for k in keys}
    work_orders = [w for w in (repos.work_orders.get(n) for n in sorted(numbers)) if w is not None]
    figures = [f for f in _figures(session, work_orders, now) if f.key in keys]
    return figures, corrections(figures, min_operations)


def apply_correction(session: Session, work_center_type: str, machine: str, factor: float) -> int:
    """The shop accepts a correction: the standard run time of every routing step of that type that the machine
    can do is multiplied by ``factor``. Returns how many steps changed."""
    if not 0.2 <= factor <= 5:
        raise InvalidInput(f"a correction factor of {factor:g} is not believable (0.2 to 5)", code="postcalc.factor",
                           factor=Figure(factor, 2))
    repos = Repositories(session)
    changed = 0
    for part in repos.parts.list():
        steps = []
        touched = False
        for step in part.routing:
            if step.work_center_type.value == work_center_type and (not machine or machine in step.eligible_machines):
                steps.append(step.model_copy(update={"run_min_per_piece": round(step.run_min_per_piece * factor, 4)}))
                touched = True
                changed += 1
            else:
                steps.append(step)
        if touched:
            repos.parts.replace(part.model_copy(update={"routing": tuple(steps)}))
    return changed
