"""The whole shop as one validated value: master data, stock and open work, cross-checked."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field, model_validator

from .calendars import Calendar
from ..reasons import Reason
from .common import DomainModel, Name, WorkCenterType, refusal
from .materials import Material, StockItem
from .orders import Order, Quote, WorkOrder
from .parts import Part, RoutingStep
from .resources import Customer, Machine, Operator, WorkCenter


class ShopReferences:
    """What exists in a shop, by code: used to check references in one model or in an import."""

    def __init__(
        self,
        materials: Iterable[str] = (),
        calendars: Iterable[str] = (),
        work_centers: dict[str, WorkCenterType] | None = None,
        machines: dict[str, str] | None = None,
        customers: Iterable[str] = (),
        parts: Iterable[str] = (),
        orders: dict[str, set[int]] | None = None,
    ):
        self.materials = set(materials)
        self.calendars = set(calendars)
        self.work_centers = dict(work_centers or {})
        self.machines = dict(machines or {})  # machine code -> work center code
        self.customers = set(customers)
        self.parts = set(parts)
        self.orders = dict(orders or {})  # order number -> line numbers

    def machine_type(self, machine: str) -> WorkCenterType | None:
        work_center = self.machines.get(machine)
        return self.work_centers.get(work_center) if work_center else None

    def check_material(self, where: str, grade: str) -> list[Reason]:
        return [] if grade in self.materials else [unknown(where, "material", grade)]

    def check_customer(self, where: str, code: str | None) -> list[Reason]:
        return [] if code is None or code in self.customers else [unknown(where, "customer", code)]

    def check_part(self, where: str, number: str) -> list[Reason]:
        return [] if number in self.parts else [unknown(where, "part", number)]

    def check_steps(self, where: str, steps: Iterable[RoutingStep]) -> list[Reason]:
        problems = []
        for step in steps:
            for machine in step.eligible_machines:
                machine_type = self.machine_type(machine)
                at = f"{where}[{step.sequence}].eligible_machines" if where else "eligible_machines"
                if machine not in self.machines:
                    problems.append(unknown(at, "machine", machine))
                elif machine_type != step.work_center_type:
                    problems.append(Reason.of("field", field=at, problem=Reason.of(
                        "domain.machine_wrong_type", machine=machine, type=Reason.of(f"wct.{machine_type}"),
                        wanted=Reason.of(f"wct.{step.work_center_type}"))))
        return problems


def unknown(where: str, what: str, key: str) -> Reason:
    """``where``: the field that names a ``what`` (material, customer, part, machine, ...) the shop lacks."""
    problem = Reason.of("error.not_found", what=Reason.of(f"thing.{what}"), key=key)
    return Reason.of("field", field=where, problem=problem) if where else problem


def _duplicates(kind: str, codes: Iterable[str]) -> list[Reason]:
    seen, problems = set(), []
    for code in codes:
        if code in seen:
            problems.append(Reason.of("field", field=kind, problem=Reason.of("domain.code_twice", key=code)))
        seen.add(code)
    return problems


class Shop(DomainModel):
    """Everything maakbaar knows of one shop. Validation checks every reference between its parts."""

    name: Name = "Mijn werkplaats"
    materials: tuple[Material, ...] = ()
    calendars: tuple[Calendar, ...] = ()
    work_centers: tuple[WorkCenter, ...] = ()
    machines: tuple[Machine, ...] = ()
    operators: tuple[Operator, ...] = ()
    customers: tuple[Customer, ...] = ()
    stock: tuple[StockItem, ...] = ()
    parts: tuple[Part, ...] = ()
    orders: tuple[Order, ...] = ()
    work_orders: tuple[WorkOrder, ...] = ()
    quotes: tuple[Quote, ...] = Field(default=())

    def references(self) -> ShopReferences:
        return ShopReferences(
            materials=(m.grade for m in self.materials),
            calendars=(c.code for c in self.calendars),
            work_centers={w.code: w.type for w in self.work_centers},
            machines={m.code: m.work_center for m in self.machines},
            customers=(c.code for c in self.customers),
            parts=(p.number for p in self.parts),
            orders={o.number: {line.line_no for line in o.lines} for o in self.orders},
        )

    @model_validator(mode="after")
    def _references_resolve(self):
        problems = reference_problems(self)
        if problems:
            raise refusal("domain.references", "{n} broken reference(s), the first: {first}", n=len(problems),
                          first=problems[0], problems=tuple(problems[:100]))
        return self


def reference_problems(shop: Shop) -> list[Reason]:
    """Every broken reference or duplicate code in the shop, each naming its field."""
    refs = shop.references()
    problems: list[Reason] = []
    problems += _duplicates("materials", (m.grade for m in shop.materials))
    problems += _duplicates("calendars", (c.code for c in shop.calendars))
    problems += _duplicates("work_centers", (w.code for w in shop.work_centers))
    problems += _duplicates("machines", (m.code for m in shop.machines))
    problems += _duplicates("operators", (o.code for o in shop.operators))
    problems += _duplicates("customers", (c.code for c in shop.customers))
    problems += _duplicates("stock", (s.code for s in shop.stock))
    problems += _duplicates("parts", (p.number for p in shop.parts))
    problems += _duplicates("orders", (o.number for o in shop.orders))
    problems += _duplicates("work_orders", (w.number for w in shop.work_orders))
    problems += _duplicates("quotes", (q.number for q in shop.quotes))
    for machine in shop.machines:
        where = f"machines[{machine.code}]"
        if machine.work_center not in refs.work_centers:
            problems.append(unknown(f"{where}.work_center", "work center", machine.work_center))
        if machine.calendar not in refs.calendars:
            problems.append(unknown(f"{where}.calendar", "calendar", machine.calendar))
    for operator in shop.operators:
        if operator.calendar not in refs.calendars:
            problems.append(unknown(f"operators[{operator.code}].calendar", "calendar", operator.calendar))
    for item in shop.stock:
        problems += refs.check_material(f"stock[{item.code}].material", item.material)
    for part in shop.parts:
        where = f"parts[{part.number}]"
        problems += refs.check_material(f"{where}.material", part.material)
        problems += refs.check_customer(f"{where}.customer", part.customer)
        problems += refs.check_steps(f"{where}.routing", part.routing)
    for order in shop.orders:
        where = f"orders[{order.number}]"
        problems += refs.check_customer(f"{where}.customer", order.customer)
        for line in order.lines:
            problems += refs.check_part(f"{where}.lines[{line.line_no}].part", line.part)
    for work_order in shop.work_orders:
        where = f"work_orders[{work_order.number}]"
        lines = refs.orders.get(work_order.order)
        if lines is None:
            problems.append(unknown(f"{where}.order", "order", work_order.order))
        elif work_order.line_no not in lines:
            problems.append(Reason.of("field", field=f"{where}.line_no", problem=Reason.of(
                "domain.no_such_line", order=work_order.order, line=work_order.line_no)))
        problems += refs.check_part(f"{where}.part", work_order.part)
        problems += refs.check_steps(f"{where}.operations", work_order.operations)
    for quote in shop.quotes:
        where = f"quotes[{quote.number}]"
        problems += refs.check_customer(f"{where}.customer", quote.customer)
        for line in quote.lines:
            problems += refs.check_part(f"{where}.lines[{line.line_no}].part", line.part)
    return problems
