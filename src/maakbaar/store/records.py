"""Repositories for what the shop's work leaves behind: plans, nests, background jobs and floor records.

Master data goes through ``repositories`` as domain values. These records are written once by an engine run or
a booking and then read in many shapes (a board window, an order's operations, a machine's queue), so their
repositories hand out the stored rows and answer named questions; the services never write a query of their
own for them. Like every repository they flush but never commit.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from ..services.errors import NotFoundError
from .tables import (
    CalendarRow,
    CustomerRow,
    FloorEventRow,
    JobRow,
    MachineRow,
    MaterialRow,
    NestLineRow,
    NestRow,
    NestSheetRow,
    OperationMachineRow,
    OperatorRow,
    OrderLineRow,
    OrderRow,
    PartRow,
    PlanJobRow,
    PlanOperationRow,
    PlanRow,
    TimeEntryRow,
    UserRow,
    WorkOrderOperationRow,
    WorkOrderRow,
)


class PlanRecords:
    """Stored plans: at most one is current (the plan the shop works to); older ones are kept."""

    def __init__(self, session: Session):
        self.session = session

    def current(self) -> PlanRow | None:
        return self.session.scalars(
            select(PlanRow).where(PlanRow.is_current.is_(True)).order_by(PlanRow.id.desc()).limit(1)).one_or_none()

    def current_id(self) -> int | None:
        return self.session.scalar(
            select(PlanRow.id).where(PlanRow.is_current.is_(True)).order_by(PlanRow.id.desc()).limit(1))

    def delete_for_orders(self, orders: set[str]) -> int:
        """Every plan with an operation of these orders (removing the demo takes the plans made for it)."""
        ids = set(self.session.scalars(select(PlanOperationRow.plan_id).where(
            PlanOperationRow.order_number.in_(orders)).distinct()))
        if ids:
            self.session.execute(delete(PlanRow).where(PlanRow.id.in_(ids)))
        return len(ids)

    def add_current(self, plan: dict, operations: list[dict], jobs: list[dict]) -> PlanRow:
        """Store a new plan as the current one (the previous current plan is kept, no longer current).
        Operations name their machine and operator by code (``machine``, ``operator``)."""
        machine_ids = dict(self.session.execute(select(MachineRow.code, MachineRow.id)).all())
        operator_ids = dict(self.session.execute(select(OperatorRow.code, OperatorRow.id)).all())
        self.session.execute(update(PlanRow).where(PlanRow.is_current.is_(True)).values(is_current=False))
        row = PlanRow(**plan, is_current=True)
        for op in operations:
            fields = {k: v for k, v in op.items() if k not in ("machine", "operator")}
            row.operations.append(PlanOperationRow(
                **fields, machine_id=machine_ids.get(op["machine"]) if op.get("machine") else None,
                operator_id=operator_ids.get(op["operator"]) if op.get("operator") else None))
        for job in jobs:
            row.jobs.append(PlanJobRow(**job))
        self.session.add(row)
        self.session.flush()
        return row

    # operations
    def operations(self, plan_id: int, *, keys=None, order: str | None = None, window=None,
                   with_people: bool = True) -> list[PlanOperationRow]:
        """The plan's operations, optionally only these keys, one order's, or those overlapping ``window``
        (start, end); with their machine (and operator) loaded."""
        query = select(PlanOperationRow).where(PlanOperationRow.plan_id == plan_id)
        query = query.options(selectinload(PlanOperationRow.machine))
        if with_people:
            query = query.options(selectinload(PlanOperationRow.operator))
        if keys is not None:
            query = query.where(PlanOperationRow.op_key.in_(list(keys)))
        if order is not None:
            query = query.where(PlanOperationRow.order_number == order)
        if window is not None:
            query = query.where(PlanOperationRow.end > window[0], PlanOperationRow.start < window[1])
        return list(self.session.scalars(query))

    def operation(self, plan_id: int, op_key: str) -> PlanOperationRow | None:
        return self.session.scalar(select(PlanOperationRow).where(PlanOperationRow.plan_id == plan_id,
                                                                  PlanOperationRow.op_key == op_key))

    def machine_of(self, plan_id: int, op_key: str) -> str | None:
        return self.session.scalar(
            select(MachineRow.code).join(PlanOperationRow, PlanOperationRow.machine_id == MachineRow.id)
            .where(PlanOperationRow.plan_id == plan_id, PlanOperationRow.op_key == op_key))

    def starts(self, plan_id: int, *, machines=None, work_order: str | None = None
               ) -> dict[str, tuple[dt.datetime, str | None]]:
        """op_key -> (planned start, machine code): on these machines, or of one work order's operations."""
        query = (select(PlanOperationRow.op_key, PlanOperationRow.start, MachineRow.code)
                 .outerjoin(MachineRow, MachineRow.id == PlanOperationRow.machine_id)
                 .where(PlanOperationRow.plan_id == plan_id))
        if machines is not None:
            query = query.where(MachineRow.code.in_(list(machines)))
        if work_order is not None:
            query = query.where(PlanOperationRow.op_key.like(f"{work_order}/%"))
        return {key: (start, code) for key, start, code in self.session.execute(query)}

    def spans_on_machines(self, plan_id: int, start: dt.datetime, end: dt.datetime
                          ) -> list[tuple[dt.datetime, dt.datetime, str]]:
        """(start, end, machine) of every planned operation on a machine overlapping [start, end)."""
        return [tuple(r) for r in self.session.execute(
            select(PlanOperationRow.start, PlanOperationRow.end, MachineRow.code)
            .join(MachineRow, MachineRow.id == PlanOperationRow.machine_id)
            .where(PlanOperationRow.plan_id == plan_id, PlanOperationRow.end > start, PlanOperationRow.start < end))]

    def keys_on_machine(self, plan_id: int, machine: str, start: dt.datetime, end: dt.datetime) -> list[str]:
        return list(self.session.scalars(
            select(PlanOperationRow.op_key).join(MachineRow, MachineRow.id == PlanOperationRow.machine_id)
            .where(PlanOperationRow.plan_id == plan_id, MachineRow.code == machine, PlanOperationRow.end > start,
                   PlanOperationRow.start < end)))

    # jobs (one per order line): completion, lateness and why
    def jobs(self, plan_id: int) -> list[PlanJobRow]:
        return list(self.session.scalars(select(PlanJobRow).where(PlanJobRow.plan_id == plan_id)
                                         .order_by(PlanJobRow.id)))

    def job_outcomes(self, plan_id: int) -> list[tuple]:
        """(order, completion, late, why late: the stored reason) of every job, as plain values."""
        return [tuple(r) for r in self.session.execute(
            select(PlanJobRow.order_number, PlanJobRow.completion, PlanJobRow.late,
                   PlanJobRow.late_reason).where(PlanJobRow.plan_id == plan_id).order_by(PlanJobRow.id))]

    def late_by_job(self, plan_id: int) -> dict[str, bool]:
        return dict(self.session.execute(select(PlanJobRow.job_key, PlanJobRow.late)
                                         .where(PlanJobRow.plan_id == plan_id)).all())

    def late_orders(self, plan_id: int) -> set[str]:
        return set(self.session.scalars(select(PlanJobRow.order_number)
                                        .where(PlanJobRow.plan_id == plan_id, PlanJobRow.late)))

    def orders_late_alone(self, plan_id: int) -> set[str]:
        """Orders late even with the shop to themselves (their earliest completion is after their due)."""
        return set(self.session.scalars(select(PlanJobRow.order_number)
                                        .where(PlanJobRow.plan_id == plan_id, PlanJobRow.earliest > PlanJobRow.due)))


class NestRecords:
    """Stored nests: sheets with their placements and remnants, and the order lines they cut."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, nest: dict, sheets: list[dict], lines: list[dict]) -> NestRow:
        row = NestRow(**nest)
        row.sheets.extend(NestSheetRow(**sheet) for sheet in sheets)
        row.lines.extend(NestLineRow(**line) for line in lines)
        self.session.add(row)
        self.session.flush()
        return row

    def delete_for_orders(self, orders: set[str]) -> int:
        """Every nest with a part of these orders."""
        ids = set(self.session.scalars(select(NestLineRow.nest_id).where(NestLineRow.order_number.in_(orders))
                                       .distinct()))
        if ids:
            self.session.execute(delete(NestRow).where(NestRow.id.in_(ids)))
        return len(ids)

    def recent(self, limit: int = 50) -> list[NestRow]:
        return list(self.session.scalars(select(NestRow).order_by(NestRow.id.desc()).limit(limit)))

    def get(self, nest_id: int) -> NestRow:
        row = self.session.scalars(select(NestRow).where(NestRow.id == nest_id)
                                   .options(selectinload(NestRow.sheets), selectinload(NestRow.lines))).one_or_none()
        if row is None:
            raise NotFoundError("nest", nest_id)
        return row

    def _live_lines(self, *where):
        return (select(NestLineRow).join(NestRow, NestRow.id == NestLineRow.nest_id)
                .where(NestRow.status != "cancelled", *where))

    def nested_lines(self) -> set[tuple[str, int]]:
        """(order, line) of every line in a nest that is not cancelled."""
        return {(r.order_number, r.line_no) for r in self.session.scalars(self._live_lines())}

    def utilisation_by_line(self, order: str | None = None) -> dict[str, dict[int, float]]:
        """order -> line -> the utilisation of the live nest the line is cut in, net of the remnants kept (for
        every nested line, or one order's), in two queries."""
        query = (select(NestLineRow.order_number, NestLineRow.line_no, NestRow)
                 .join(NestRow, NestRow.id == NestLineRow.nest_id).where(NestRow.status != "cancelled")
                 .options(selectinload(NestRow.sheets)))
        if order is not None:
            query = query.where(NestLineRow.order_number == order)
        out = {}
        for number, line_no, nest in self.session.execute(query):
            sheet_area = sum(s.sheet_area_mm2 for s in nest.sheets) - nest.remnant_area_mm2
            part_area = sum(s.part_area_mm2 for s in nest.sheets)
            if sheet_area > 0 and 0 < part_area <= sheet_area:
                out.setdefault(number, {})[line_no] = part_area / sheet_area
        return out

    def material_costs(self, order: str) -> list[float]:
        """The material cost of each nested line of an order (each sheet's price less its remnant, by area)."""
        return [line.material_cost for line in self.session.scalars(
            self._live_lines(NestLineRow.order_number == order))]

    def for_line(self, order: str, line_no: int) -> list[NestRow]:
        """The live nests an order line is cut in, with their sheets."""
        return list(self.session.scalars(
            select(NestRow).join(NestLineRow, NestLineRow.nest_id == NestRow.id)
            .where(NestLineRow.order_number == order, NestLineRow.line_no == line_no, NestRow.status != "cancelled")
            .options(selectinload(NestRow.sheets)).order_by(NestRow.id)).unique())


class JobRecords:
    """Background jobs (planning, nesting): queued, running, done or failed, with their result or error."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, kind: str, parameters: dict, user: str, now: dt.datetime) -> int:
        row = JobRow(kind=kind, status="queued", parameters=parameters, created_by=user, created_at=now)
        self.session.add(row)
        self.session.flush()
        return row.id

    def get(self, job_id: int) -> JobRow | None:
        return self.session.get(JobRow, job_id)

    def fail_unfinished(self, error: str, now: dt.datetime) -> int:
        """Mark every queued or running job failed (a restart interrupted them); how many there were."""
        result = self.session.execute(update(JobRow).where(JobRow.status.in_(("queued", "running")))
                                      .values(status="failed", error=error, finished_at=now))
        return result.rowcount or 0

    def recent_ids(self, limit: int = 20) -> list[int]:
        return list(self.session.scalars(select(JobRow.id).order_by(JobRow.id.desc()).limit(limit)))


class FloorRecords:
    """What the floor books: events (one per idempotency key), time entries, and the operations they move on."""

    def __init__(self, session: Session):
        self.session = session

    # events
    def delete_events_of(self, work_orders: set[str]) -> int:
        """The floor's events on operations of these work orders (an operation's key is 'work order/sequence')."""
        ids = [e.id for e in self.session.scalars(select(FloorEventRow))
               if e.op_key.rsplit("/", 1)[0] in work_orders]
        if ids:
            self.session.execute(delete(FloorEventRow).where(FloorEventRow.id.in_(ids)))
        return len(ids)

    def event_by_key(self, idempotency_key: str) -> FloorEventRow | None:
        return self.session.scalar(select(FloorEventRow).where(FloorEventRow.idempotency_key == idempotency_key))

    def add_event(self, **fields) -> FloorEventRow:
        """Store the event at once: a concurrent twin with the same key fails here, before anything else."""
        event = FloorEventRow(**fields)
        self.session.add(event)
        self.session.flush()
        return event

    def events(self, unhandled: bool = False, limit: int = 200) -> list[FloorEventRow]:
        query = select(FloorEventRow).order_by(FloorEventRow.id.desc()).limit(limit)
        if unhandled:
            query = query.where(FloorEventRow.handled.is_(False))
        return list(self.session.scalars(query))

    def event(self, event_id: int) -> FloorEventRow:
        event = self.session.get(FloorEventRow, event_id)
        if event is None:
            raise NotFoundError("floor event", event_id)
        return event

    # time entries
    def open_entries(self, *, operation_id: int | None = None, operator: str | None = None,
                     not_operation_id: int | None = None, started_before: dt.datetime | None = None,
                     lock: bool = False) -> list[TimeEntryRow]:
        """Entries still running, narrowed by the arguments given; ``lock`` holds them for this transaction."""
        query = select(TimeEntryRow).where(TimeEntryRow.ended_at.is_(None))
        if operation_id is not None:
            query = query.where(TimeEntryRow.operation_id == operation_id)
        if not_operation_id is not None:
            query = query.where(TimeEntryRow.operation_id != not_operation_id)
        if operator is not None:
            query = query.where(TimeEntryRow.operator_code == operator)
        if started_before is not None:
            query = query.where(TimeEntryRow.started_at < started_before)
        if lock:
            query = query.with_for_update()
        return list(self.session.scalars(query.order_by(TimeEntryRow.id)))

    def open_entry(self, **fields) -> TimeEntryRow:
        entry = TimeEntryRow(ended_at=None, **fields)
        self.session.add(entry)
        return entry

    def entries_for(self, op_keys) -> list[TimeEntryRow]:
        """Every entry (open or closed) on these operations, oldest first."""
        keys = list(op_keys)
        if not keys:
            return []
        return list(self.session.scalars(select(TimeEntryRow).where(TimeEntryRow.op_key.in_(keys))
                                         .order_by(TimeEntryRow.id)))

    def keys_booked_between(self, start: dt.datetime, end: dt.datetime) -> set[str]:
        """Operations with an entry started in [start, end)."""
        return set(self.session.scalars(select(TimeEntryRow.op_key).where(TimeEntryRow.started_at >= start,
                                                                          TimeEntryRow.started_at < end)))

    # the operations bookings move on
    def operation(self, op_key: str, lock: bool = True) -> tuple[WorkOrderRow, WorkOrderOperationRow]:
        """The work order and the operation row of ``work order/sequence``; ``lock`` holds the operation row
        (SELECT ... FOR UPDATE) so two bookings on it take turns."""
        number, _, sequence = op_key.rpartition("/")
        if not number or not sequence.isdigit():
            raise NotFoundError("operation", op_key)
        query = (select(WorkOrderOperationRow)
                 .join(WorkOrderRow, WorkOrderRow.id == WorkOrderOperationRow.work_order_id)
                 .where(WorkOrderRow.number == number, WorkOrderOperationRow.sequence == int(sequence)))
        if lock:
            query = query.with_for_update()
        row = self.session.scalars(query).one_or_none()
        if row is None:
            raise NotFoundError("operation", op_key)
        work_order = self.session.scalars(select(WorkOrderRow).where(WorkOrderRow.id == row.work_order_id)
                                          .options(selectinload(WorkOrderRow.operations))).one()
        return work_order, row

    def order_with_work(self, order_id: int) -> tuple[OrderRow, list[WorkOrderRow], int]:
        """An order row, its work orders and how many lines it has (to move its status on)."""
        order = self.session.get(OrderRow, order_id)
        work = list(self.session.scalars(
            select(WorkOrderRow).join(OrderLineRow, OrderLineRow.id == WorkOrderRow.order_line_id)
            .where(OrderLineRow.order_id == order_id)))
        lines = self.session.scalar(select(func.count(OrderLineRow.id)).where(OrderLineRow.order_id == order_id))
        return order, work, lines

    def work_in_progress(self) -> list[WorkOrderRow]:
        """Released and started work orders with their operations, eligible machines and part loaded."""
        return list(self.session.scalars(
            select(WorkOrderRow).where(WorkOrderRow.status.in_(("released", "in_progress")))
            .options(selectinload(WorkOrderRow.operations).selectinload(WorkOrderOperationRow.machines)
                     .selectinload(OperationMachineRow.machine), selectinload(WorkOrderRow.part))))


class UserRecords:
    """People who log in. The service checks names, roles and secrets; this only finds and stores rows."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, **fields) -> UserRow:
        row = UserRow(**fields)
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, user_id: int) -> UserRow | None:
        return self.session.get(UserRow, user_id)

    def by_username(self, username: str) -> UserRow | None:
        return self.session.scalar(select(UserRow).where(UserRow.username == username))

    def by_badge(self, badge: str) -> UserRow | None:
        return self.session.scalar(select(UserRow).where(UserRow.badge == badge))

    def all(self) -> list[UserRow]:
        return list(self.session.scalars(select(UserRow).order_by(UserRow.username)))


def drawing_refs(session: Session) -> list[str]:
    """The stored drawing reference of every part that has one."""
    return [ref for ref in session.scalars(select(PartRow.geometry_ref)) if ref]


def data_version(session: Session) -> dict[str, tuple]:
    """Per topic a value that changes whenever a record of that topic changes (count and sum of versions; the
    current plan's id; nests by count, newest and cancelled), all in one query."""

    def versions(row):
        return (select(func.count()).select_from(row).scalar_subquery(),
                select(func.coalesce(func.sum(row.version), 0)).scalar_subquery())

    tables = {"orders": OrderRow, "operations": WorkOrderOperationRow, "machines": MachineRow,
              "calendars": CalendarRow, "customers": CustomerRow, "parts": PartRow, "materials": MaterialRow}
    columns = [column for row in tables.values() for column in versions(row)]
    columns += [select(func.max(PlanRow.id)).where(PlanRow.is_current.is_(True)).scalar_subquery(),
                select(func.count(NestRow.id)).scalar_subquery(), select(func.max(NestRow.id)).scalar_subquery(),
                select(func.count(NestRow.id)).where(NestRow.status == "cancelled").scalar_subquery()]
    values = session.execute(select(*columns)).one()
    out = {name: tuple(values[2 * k:2 * k + 2]) for k, name in enumerate(tables)}
    out["plan"] = (values[-4],)
    out["nests"] = tuple(values[-3:])
    return out
