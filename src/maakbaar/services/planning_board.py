"""What the planning board shows: the active machines in work-center order, their calendars, and the current
plan's operations in a window, each with whether its order is late and whether it is pinned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .. import clock
from ..domain import Calendar, Machine, WorkCenterType
from ..store.repositories import Repositories
from ..store.records import PlanRecords
from . import planning_service


@dataclass(frozen=True)
class BoardOperation:
    op_key: str
    order: str
    label: str
    machine: str
    operator: str | None
    start: dt.datetime
    end: dt.datetime
    setup_min: int
    late: bool
    pinned: bool


@dataclass(frozen=True)
class Board:
    plan: object | None  # the current plan's stored row
    start: dt.datetime
    end: dt.datetime
    machines: list[Machine]
    calendars: dict[str, Calendar]
    operations: list[BoardOperation]


def board(session: Session, start: dt.datetime | None = None, days: int = 14) -> Board:
    plan = planning_service.current_plan_row(session)
    origin = plan.origin if plan is not None else clock.now()
    start = start or origin.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + dt.timedelta(days=days)
    repos = Repositories(session)
    centers = {w.code: w for w in repos.work_centers.list()}
    order_of_type = {t: k for k, t in enumerate(WorkCenterType)}
    machines = sorted((m for m in repos.machines.list() if m.active),
                      key=lambda m: (order_of_type.get(centers[m.work_center].type, 99) if m.work_center in centers
                                     else 99, m.code))
    operations = []
    if plan is not None:
        plans = PlanRecords(session)
        late = plans.late_by_job(plan.id)
        pinned = planning_service.pinned_keys(session)
        for row in plans.operations(plan.id, window=(start, end)):
            if row.machine is None:
                continue
            operations.append(BoardOperation(row.op_key, row.order_number, row.label, row.machine.code,
                                             row.operator.code if row.operator else None, row.start, row.end,
                                             row.setup_min, bool(late.get(row.job_key)), row.op_key in pinned))
    return Board(plan, start, end, machines, {c.code: c for c in repos.calendars.list()}, operations)


def operations_in(session: Session, machine: str, start: dt.datetime, end: dt.datetime) -> list[str]:
    """The current plan's operations on ``machine`` that overlap [start, end) (hit by a breakdown)."""
    plans = PlanRecords(session)
    plan_id = plans.current_id()
    return [] if plan_id is None else plans.keys_on_machine(plan_id, machine, start, end)


def late_order_counts(session: Session, plan) -> tuple[int, int | None]:
    """Orders late in ``plan``, and of those the ones late even with the shop to themselves (None when the plan
    predates that bound)."""
    plans = PlanRecords(session)
    late = len(plans.late_orders(plan.id))
    if plan.unavoidable_tardiness_min is None:
        return late, None
    return late, len(plans.orders_late_alone(plan.id))
