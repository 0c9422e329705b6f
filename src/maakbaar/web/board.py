"""Planning board data (machines as rows, operations as bars, non-working time shaded) and moving an
operation by hand, after which the plan is checked and the conflicts are named."""

from __future__ import annotations

import datetime as dt
import hashlib

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import clock
from ..domain import WorkCenterType
from ..planning.checker import check_plan
from ..planning.from_shop import build_problem
from ..services import planning_service, shop_io
from ..store.repositories import Repositories
from ..store.tables import MachineRow, PlanJobRow, PlanOperationRow
from . import dashboard
from .i18n import DAY_NAMES

PALETTE = ("#4e79a7", "#59a14f", "#9c755f", "#b07aa1", "#76b7b2", "#edc948", "#f28e2b", "#86bcb6", "#8cd17d",
           "#a0cbe8", "#d4a6c8", "#b6992d")


def colour(order: str) -> str:
    return PALETTE[int(hashlib.sha1(order.encode()).hexdigest(), 16) % len(PALETTE)]


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="minutes")


def board_data(db: Session, start: dt.datetime | None = None, days: int = 14) -> dict:
    plan = planning_service.current_plan_row(db)
    origin = plan.origin if plan is not None else clock.now()
    start = start or origin.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + dt.timedelta(days=days)
    repos = Repositories(db)
    centers = {w.code: w for w in repos.work_centers.list()}
    calendars = {c.code: c for c in repos.calendars.list()}
    order_of_type = {t: k for k, t in enumerate(WorkCenterType)}
    machines = sorted((m for m in repos.machines.list() if m.active),
                      key=lambda m: (order_of_type.get(centers[m.work_center].type, 99) if m.work_center in centers
                                     else 99, m.code))
    groups = [{"id": m.code, "content": f"{m.code} <span class='muted'>{m.name}</span>",
               "work_center": m.work_center} for m in machines]
    key = (start, end, tuple((m.code, m.calendar, m.downtimes) for m in machines),
           tuple((c.code, c.model_dump_json()) for c in calendars.values()))
    background = dashboard._cached("board-background", key, 300, lambda: _background(machines, calendars, start, end))
    items = []
    if plan is not None:
        late = dict(db.execute(select(PlanJobRow.job_key, PlanJobRow.late).where(PlanJobRow.plan_id == plan.id)).all())
        pinned = planning_service.pinned_keys(db)
        rows = db.scalars(select(PlanOperationRow).options(selectinload(PlanOperationRow.machine),
                                                          selectinload(PlanOperationRow.operator))
                          .where(PlanOperationRow.plan_id == plan.id, PlanOperationRow.end > start,
                                 PlanOperationRow.start < end))
        for row in rows:
            if row.machine is None:
                continue
            is_late = bool(late.get(row.job_key))
            is_pinned = row.op_key in pinned
            title = (f"<b>{row.order_number}</b> {row.label}<br>{DAY_NAMES['nl'][row.start.weekday()]} "
                     f"{row.start:%d-%m %H:%M} - {row.end:%H:%M}"
                     f"<br>{row.machine.code}" + (f", {row.operator.code}" if row.operator else "")
                     + (f"<br>omstellen {row.setup_min} min" if row.setup_min else "")
                     + ("<br><b>vastgezet</b>" if is_pinned else "")
                     + ("<br><b>te laat</b>" if is_late else ""))
            items.append({"id": row.op_key, "group": row.machine.code, "start": _iso(row.start), "end": _iso(row.end),
                          "content": ("📌 " if is_pinned else "")
                          + f"{row.order_number} {row.label.split(' ')[0] if row.label else ''}",
                          "title": title, "order": row.order_number, "late": is_late, "pinned": is_pinned,
                          "className": " ".join(c for c in ("late" if is_late else "", "pinned" if is_pinned else "")
                                                if c),
                          "style": f"background-color: {colour(row.order_number)};"})
            if row.setup_min:
                setup_end = min(row.end, row.start + dt.timedelta(minutes=row.setup_min))
                items.append({"id": f"setup:{row.op_key}", "group": row.machine.code, "start": _iso(row.start),
                              "end": _iso(setup_end), "content": "", "className": "setup", "editable": False,
                              "selectable": False, "title": f"omstellen {row.setup_min} min"})
    first = min((i["start"] for i in items if not i["id"].startswith("setup:")), default=_iso(start))
    return {"first": first, "plan": None if plan is None else {"id": plan.id, "origin": _iso(plan.origin),
                                               "late_jobs": plan.late_jobs, "method": plan.method,
                                               "created_at": _iso(plan.created_at)},
            "start": _iso(start), "end": _iso(end), "groups": groups, "items": items + background}


def _background(machines, calendars, start: dt.datetime, end: dt.datetime) -> list[dict]:
    """Non-working time and breakdowns per machine, shaded on the board."""
    background = []
    for machine in machines:
        calendar = calendars.get(machine.calendar)
        if calendar is None:
            continue
        cursor = start
        for a, b in calendar.working_intervals(start, end):
            if a > cursor:
                background.append({"id": f"closed:{machine.code}:{_iso(cursor)}", "group": machine.code,
                                   "start": _iso(cursor), "end": _iso(a), "type": "background",
                                   "className": "closed"})
            cursor = max(cursor, b)
        if cursor < end:
            background.append({"id": f"closed:{machine.code}:{_iso(cursor)}", "group": machine.code,
                               "start": _iso(cursor), "end": _iso(end), "type": "background", "className": "closed"})
        for k, down in enumerate(machine.downtimes):
            if down.end > start and down.start < end:
                background.append({"id": f"down:{machine.code}:{k}", "group": machine.code, "start": _iso(down.start),
                                   "end": _iso(down.end), "type": "background", "className": "down",
                                   "content": down.reason or "storing"})
    return background


def operations_in(db: Session, machine: str, start: dt.datetime, end: dt.datetime) -> list[str]:
    plan = planning_service.current_plan_row(db)
    if plan is None:
        return []
    return list(db.scalars(select(PlanOperationRow.op_key).join(MachineRow, MachineRow.id == PlanOperationRow.machine_id)
                           .where(PlanOperationRow.plan_id == plan.id, MachineRow.code == machine,
                                  PlanOperationRow.end > start, PlanOperationRow.start < end)))


def move_operation(db: Session, op_key: str, machine: str, start: dt.datetime) -> dict:
    """Put an operation on another time and/or eligible machine, pin it there, and check the whole plan."""
    plan = planning_service.current_plan_row(db)
    if plan is None:
        raise HTTPException(404, "no plan yet")
    row = db.scalar(select(PlanOperationRow).where(PlanOperationRow.plan_id == plan.id,
                                                   PlanOperationRow.op_key == op_key))
    if row is None:
        raise HTTPException(404, f"operation {op_key} is not in the current plan")
    work_order_number, _, sequence = op_key.rpartition("/")
    repos = Repositories(db)
    work_order = repos.work_orders.get(work_order_number)
    if work_order is None:
        raise HTTPException(409, f"order {row.order_number} is not released yet: release it (it gets work orders) "
                                 "before fixing its operations by hand")
    operation = next((o for o in work_order.operations if str(o.sequence) == sequence), None)
    if operation is None:
        raise HTTPException(404, f"operation {op_key} does not exist")
    if machine not in operation.eligible_machines:
        raise HTTPException(409, f"{machine} cannot do {op_key} (eligible: {', '.join(operation.eligible_machines)})")
    if operation.status.value in ("started", "done"):
        raise HTTPException(409, f"{op_key} is {operation.status.value} on the floor and stays where it is")
    machine_id = db.scalar(select(MachineRow.id).where(MachineRow.code == machine))
    start = start.replace(second=0, microsecond=0, tzinfo=None)
    duration = row.end - row.start
    row.machine_id, row.start, row.end = machine_id, start, start + duration
    operations = tuple(o.model_copy(update={"fixed": True, "assigned_machine": machine}) if o is operation else o
                       for o in work_order.operations)
    repos.work_orders.replace(work_order.model_copy(update={"operations": operations}))
    db.flush()
    shop = shop_io.load_shop(db)
    problem = build_problem(shop, plan.origin, pinned=planning_service.pinned_operations(db, shop))
    stored = planning_service.previous_plan(db, problem)
    violations = check_plan(problem, stored) if stored is not None else []
    return {"operation": op_key, "machine": machine, "start": _iso(row.start), "end": _iso(row.end),
            "conflicts": [_with_dates(problem, v.message) for v in violations[:25]],
            "conflicts_nl": [f"{v.operation}: {CONFLICT_NL.get(v.kind, v.kind)} ({_with_dates(problem, v.message)})"
                             for v in violations[:25]],
            "conflict_count": len(violations)}


CONFLICT_NL = {
    "overlap": "overlapt met een andere bewerking op dezelfde machine",
    "calendar": "valt buiten de werktijd, of loopt door een pauze die niet mag",
    "setup": "mist de omsteltijd na de vorige serie",
    "precedence": "begint voordat de vorige bewerking klaar is",
    "release": "begint voordat het materiaal er is",
    "skill": "de operator heeft die vaardigheid niet",
    "operator": "de operator is dubbel geboekt of ontbreekt",
    "fixed": "staat niet waar hij is vastgezet",
    "machine": "staat op een machine die het niet kan",
    "subcontract": "de uitbesteding krijgt te weinig werkdagen",
    "missing": "is niet gepland",
}


def _with_dates(problem, message: str) -> str:
    """The checker counts minutes from the plan's origin; a planner reads dates ('1440-1500' -> 'di 01-12
    06:00-07:00', 'at 1440' -> 'at di 01-12 06:00')."""
    import re

    def moment(minutes: str) -> dt.datetime:
        return problem.to_datetime(int(minutes))

    def span(match) -> str:
        a, b = moment(match.group(1)), moment(match.group(2))
        return f"{a:%a %d-%m %H:%M}-{b:%H:%M}" if a.date() == b.date() else f"{a:%a %d-%m %H:%M}-{b:%a %d-%m %H:%M}"

    message = re.sub(r"\b(\d{2,7})-(\d{2,7})\b", span, message)
    return re.sub(r"\b(at|before|after|from) (\d{2,7})\b", lambda m: f"{m.group(1)} {moment(m.group(2)):%a %d-%m %H:%M}",
                  message)

