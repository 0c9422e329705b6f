"""Turn the shop's domain values into a planning problem (pure: domain values in, plain data out)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

from ..domain import OperationStatus, Order, OrderStatus, Part, RoutingStep, Shop, WorkOrder, WorkOrderOperation
from .problem import CRITERIA, JobSpec, MachineSpec, OperationSpec, OperatorSpec, PlanningProblem

PLANNED_STATUSES = (OrderStatus.ORDERED, OrderStatus.RELEASED, OrderStatus.IN_PROGRESS)


def _minute(origin: dt.datetime, moment: dt.datetime) -> int:
    return int((moment - origin).total_seconds() // 60)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0))


def default_horizon_days(shop: Shop, origin: dt.datetime) -> int:
    open_dues = [o.due_date for o in shop.orders if o.status in PLANNED_STATUSES]
    latest = max(open_dues, default=origin.date())
    return max(21, (latest - origin.date()).days) + 42


def build_problem(
    shop: Shop,
    origin: dt.datetime,
    horizon_days: int | None = None,
    pinned: Mapping[str, tuple[str, dt.datetime]] | None = None,
    criteria: tuple[str, ...] = CRITERIA,
    extra_orders: tuple[Order, ...] = (),
) -> PlanningProblem:
    """Every open order line becomes a job: released lines from their work orders (editable copies of the
    routing, done operations left out, started ones continuing on their machine), ordered lines from the
    part's routing. ``pinned`` maps an operation key to (machine, start) the planner fixed."""
    origin = origin.replace(second=0, microsecond=0)
    horizon_days = horizon_days or default_horizon_days(shop, origin)
    end = origin + dt.timedelta(days=horizon_days)
    horizon = _minute(origin, end)
    pinned = pinned or {}
    calendars = {c.code: c for c in shop.calendars}
    work_center_type = {w.code: w.type.value for w in shop.work_centers}

    machines = []
    workdays: set[int] = set()
    for machine in shop.machines:
        if not machine.active:
            continue
        intervals = calendars[machine.calendar].working_intervals(origin, end, extra_closures=machine.downtimes)
        windows = tuple((_minute(origin, a), _minute(origin, b)) for a, b in intervals)
        for a, b in intervals:
            workdays.add((a.date() - origin.date()).days)
        machines.append(MachineSpec(machine.code, work_center_type[machine.work_center], windows, setup_times=tuple(
            (s.from_family, s.to_family, math.ceil(s.minutes - 1e-9)) for s in machine.setup_times)))
    active_machines = {m.code for m in machines}

    operators = []
    for operator in shop.operators:
        if not operator.active:
            continue
        intervals = calendars[operator.calendar].working_intervals(origin, end)
        operators.append(OperatorSpec(
            operator.code, tuple((_minute(origin, a), _minute(origin, b)) for a, b in intervals),
            {s.work_center_type.value: s.level for s in operator.skills},
        ))

    parts = {p.number: p for p in shop.parts}
    work_orders = {(w.order, w.line_no): w for w in shop.work_orders}
    jobs = []
    for order in (*shop.orders, *extra_orders):
        if order.status not in PLANNED_STATUSES:
            continue
        release = max(0, _minute(origin, _day_start(order.release_date)))
        for line in order.lines:
            due = _minute(origin, _day_start(order.line_due_date(line) + dt.timedelta(days=1)))
            work_order = work_orders.get((order.number, line.line_no))
            key = work_order.number if work_order else f"{order.number}/{line.line_no}"
            steps = _steps(work_order, parts[line.part], line.quantity)
            operations = tuple(
                _operation(key, step, remaining, started, active_machines, pinned, origin)
                for step, remaining, started in steps
            )
            if not operations:
                continue
            jobs.append(JobSpec(key=key, order=order.number, release=release, due=due, weight=order.priority,
                                operations=operations, part=line.part, quantity=line.quantity,
                                label=f"{order.number} r{line.line_no} {parts[line.part].name}"))
    return PlanningProblem(origin=origin, horizon=horizon, machines=tuple(machines), operators=tuple(operators),
                           jobs=tuple(jobs), workdays=frozenset(workdays) or frozenset(range(-7, 400)),
                           criteria=criteria)


def _steps(work_order: WorkOrder | None, part: Part, quantity: int):
    """(step, remaining quantity, started) for each operation still to do."""
    if work_order is None:
        return [(step, quantity, False) for step in part.routing]
    steps = []
    for op in work_order.operations:
        if op.status == OperationStatus.DONE:
            continue
        started = op.status in (OperationStatus.STARTED, OperationStatus.PAUSED)
        remaining = max(0, work_order.quantity - op.quantity_done) if started else work_order.quantity
        steps.append((op, remaining, started))
    return steps


def _operation(job_key: str, step: RoutingStep | WorkOrderOperation, remaining: int, started: bool,
               machines: set[str], pinned, origin: dt.datetime) -> OperationSpec:
    key = f"{job_key}/{step.sequence}"
    label = step.description or step.work_center_type.value
    if step.is_subcontracted:
        return OperationSpec(key=key, job=job_key, sequence=step.sequence, work_center_type="subcontract",
                             lead_days=step.subcontract_lead_days, wait_after=math.ceil(step.min_wait_after_min),
                             label=label)
    run = {m: math.ceil(step.run_min_per_piece * remaining - 1e-9) for m in step.eligible_machines if m in machines}
    fixed_machine, fixed_start = None, None
    assigned = getattr(step, "assigned_machine", None)
    if started:
        fixed_machine = assigned if assigned in run else next(iter(run), None)
    if key in pinned:
        fixed_machine, moment = pinned[key]
        fixed_start = _minute(origin, moment)
    return OperationSpec(
        key=key, job=job_key, sequence=step.sequence, work_center_type=step.work_center_type.value, run=run,
        setup=0 if started else math.ceil(step.setup_min - 1e-9), setup_family=step.setup_family,
        may_pause=step.may_pause, unattended=step.unattended, wait_after=math.ceil(step.min_wait_after_min),
        fixed_machine=fixed_machine if fixed_machine in run else None, fixed_start=fixed_start,
        in_progress=started, paused=started and getattr(step, "status", None) == OperationStatus.PAUSED,
        label=label,
    )
