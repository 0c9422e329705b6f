"""The shop floor: bookings from the terminals, their consequences, forgotten clock-outs, and the queue.

Never commits. A booking locks its operation row (SELECT ... FOR UPDATE on PostgreSQL; SQLite has one writer
at a time) and the operator's open entries, decides with the pure state machine, and records itself in
``floor_events`` under its idempotency key first: a request repeated after a network hiccup finds its key
and gets the stored answer; two at the same moment collide on the key and the second gets the first's answer.
A partial unique index allows one open time entry per operator and operation.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .. import clock
from ..domain import OperationStatus, OrderStatus, WorkOrder, WorkOrderOperation
from ..floor import BookingError, Entry, OperationState, decide
from ..store.records import FloorRecords, NestRecords, PlanRecords
from ..store.repositories import NotFoundError, Repositories
from .planning_service import add_downtime

AUTO_CLOSE_GRACE = dt.timedelta(minutes=30)
BREAKDOWN_HOURS = 4


def now_minute() -> dt.datetime:
    return clock.now().replace(second=0, microsecond=0)


def new_key() -> str:
    return uuid.uuid4().hex


def _operation_row(session: Session, op_key: str, lock: bool = True):
    return FloorRecords(session).operation(op_key, lock)


def _previous_done(work_order, row) -> int | None:
    earlier = [o for o in work_order.operations if o.sequence < row.sequence]
    if not earlier:
        return None
    previous = max(earlier, key=lambda o: o.sequence)
    if previous.status == OperationStatus.DONE.value:
        return previous.quantity_done if previous.quantity_done else work_order.quantity
    return previous.quantity_done


def _entries(session: Session, lock: bool = False, **where) -> list:
    return FloorRecords(session).open_entries(lock=lock, **where)


@dataclass(frozen=True)
class BookingResult:
    op_key: str
    action: str
    status: str
    quantity_done: int
    quantity: int
    messages: tuple[str, ...]
    remake: str | None = None
    machine_down: str | None = None
    repeated: bool = False
    notes: tuple = ()  # the messages as (catalogue key, values): the terminal shows them in its language

    def as_dict(self) -> dict:
        return {"op_key": self.op_key, "action": self.action, "status": self.status,
                "quantity_done": self.quantity_done, "quantity": self.quantity, "messages": list(self.messages),
                "remake": self.remake, "machine_down": self.machine_down, "repeated": self.repeated,
                "notes": [[code, params] for code, params in self.notes]}


def stored_result(session: Session, idempotency_key: str, op_key: str | None = None, action: str | None = None,
                  operator: str | None = None) -> BookingResult | None:
    """The answer stored for this idempotency key, or None. A key is bound to the operation, action and operator
    it was first used for: the same key for another booking is refused (BookingError), never answered with the
    old booking while the new one is silently dropped."""
    event = FloorRecords(session).event_by_key(idempotency_key)
    if event is None:
        return None
    if op_key is not None and (event.op_key, event.action, event.operator_code) != (op_key, action, operator):
        raise BookingError("key_reused", f"idempotency key {idempotency_key!r} was used for {event.action} on "
                           f"{event.op_key} by {event.operator_code}; a new booking needs a new key",
                           op=event.op_key, operator=event.operator_code)
    return BookingResult(**{**event.result, "messages": tuple(event.result.get("messages", ())), "repeated": True,
                            "notes": tuple((code, params) for code, params in event.result.get("notes", ()))})


def book(session: Session, op_key: str, action: str, operator: str, idempotency_key: str, good: int = 0,
         scrap: int = 0, last: bool = False, reason: str = "", machine: str | None = None,
         now: dt.datetime | None = None, for_someone_else: bool = False) -> BookingResult:
    """Book ``action`` by ``operator`` on ``op_key``; the same idempotency key twice books once.
    ``for_someone_else``: a planner books for ``operator``, who must be one of the shop's operators."""
    if not idempotency_key or len(idempotency_key) > 80:
        raise BookingError("key_missing", "every booking needs an idempotency key (1-80 characters)")
    repeated = stored_result(session, idempotency_key, op_key, action, operator)
    if repeated is not None:
        return repeated
    if for_someone_else and Repositories(session).operators.get(operator) is None:
        raise NotFoundError("operator", operator)
    if machine is not None and Repositories(session).machines.get(machine) is None:
        raise NotFoundError("machine", machine)
    now = (now or now_minute()).replace(microsecond=0)
    work_order, row = _operation_row(session, op_key)
    # the event first: a concurrent twin with the same key fails here, before anything else is written
    records = FloorRecords(session)
    event = records.add_event(idempotency_key=idempotency_key, created_at=now, operator_code=operator, op_key=op_key,
                              action=action, payload={"good": good, "scrap": scrap, "last": last, "reason": reason,
                                                      "machine": machine}, result={},
                              handled=action not in ("breakdown", "quality"))
    on_op = _entries(session, operation_id=row.id, lock=True)
    mine_elsewhere = _entries(session, operator=operator, not_operation_id=row.id, lock=True)
    state = OperationState(op_key, row.status, work_order.quantity, row.quantity_done, bool(row.unattended),
                           _previous_done(work_order, row),
                           tuple(Entry(e.operator_code, op_key, e.activity, e.unattended) for e in on_op))
    transition = decide(state, action, operator,
                        tuple(Entry(e.operator_code, e.op_key, e.activity, e.unattended) for e in mine_elsewhere),
                        good=good, scrap=scrap, last=last, reason=reason)
    open_by = {(e.operator_code, e.op_key): e for e in (*on_op, *mine_elsewhere)}
    for who, key, why in transition.close:
        entry = open_by[(who, key)]
        entry.ended_at, entry.end_reason = max(now, entry.started_at), why[:200]
        if who == operator and key == op_key and action == "finish":
            entry.good_qty, entry.scrap_qty = good, scrap
    session.flush()  # closed entries leave the partial unique index before new ones open
    machine_code = machine or _machine_for(session, row, op_key)
    for entry in transition.open:
        records.open_entry(operation_id=row.id, op_key=op_key, operator_code=entry.operator,
                           machine_code=machine_code, activity=entry.activity, unattended=entry.unattended,
                           started_at=now)
    row.status = transition.status
    row.quantity_done += transition.good
    row.version += 1
    if transition.open and machine_code and row.assigned_machine_id is None:
        row.assigned_machine_id = Repositories(session).machines.id_of(machine_code)
    _switch_statuses(session, mine_elsewhere, transition)
    session.flush()
    remake = _remake(session, work_order, transition.remake) if transition.remake else None
    down = _machine_down(session, machine_code, now, reason) if transition.machine_down and machine_code else None
    _move_order_on(session, work_order)
    messages, notes = list(transition.messages), list(transition.notes)
    if remake:
        messages.append(f"{transition.remake} piece(s) to make again: work order {remake}")
        notes.append(("note.remake", {"n": transition.remake, "work_order": remake}))
    if down:
        messages.append(f"{down} marked down for {BREAKDOWN_HOURS} h; the planner is offered a replan")
        notes.append(("note.down", {"machine": down, "hours": BREAKDOWN_HOURS}))
    result = BookingResult(op_key, action, row.status, row.quantity_done, work_order.quantity, tuple(messages),
                           remake, down, notes=tuple(notes))
    event.result = {k: v for k, v in result.as_dict().items() if k != "repeated"}
    session.flush()
    return result


def _machine_for(session: Session, row, op_key: str) -> str | None:
    """The machine the plan has for this operation, else its assigned or first eligible machine."""
    plans = PlanRecords(session)
    plan_id = plans.current_id()
    if plan_id is not None:
        code = plans.machine_of(plan_id, op_key)
        if code:
            return code
    if row.assigned_machine is not None:
        return row.assigned_machine.code
    return row.machines[0].machine.code if row.machines else None


def _switch_statuses(session: Session, elsewhere: list, transition) -> None:
    """Operations whose last open entry was just switched off become paused."""
    touched = {key for _who, key, _why in transition.close if any(e.op_key == key for e in elsewhere)}
    for key in touched:
        _work_order, other = _operation_row(session, key, lock=False)
        if other.status == "started" and not _entries(session, operation_id=other.id):
            other.status = "paused"
            other.version += 1


def _remake(session: Session, work_order_row, quantity: int) -> str:
    """Scrap makes a remake need: a new work order for the scrapped pieces, the full routing again."""
    repos = Repositories(session)
    work_order = repos.work_orders.get(work_order_row.number)
    base = work_order.number.split("-R")[0]
    existing = [n for n in repos.work_orders.keys() if n.startswith(base + "-R")]
    number = f"{base}-R{len(existing) + 1}"
    part = repos.parts.get(work_order.part)
    operations = tuple(WorkOrderOperation.from_routing_step(s) for s in part.routing)
    repos.work_orders.add(WorkOrder(number=number, order=work_order.order, line_no=work_order.line_no,
                                    part=work_order.part, quantity=quantity, release_date=work_order.release_date,
                                    due_date=max(work_order.due_date, work_order.release_date),
                                    status=OrderStatus.RELEASED, operations=operations))
    return number


def _machine_down(session: Session, machine: str, now: dt.datetime, reason: str) -> str | None:
    if Repositories(session).machines.get(machine) is None:
        return None
    add_downtime(session, machine, now, now + dt.timedelta(hours=BREAKDOWN_HOURS),
                 f"storing: {reason}" if reason else "storing (gemeld op de vloer)")
    return machine


def _move_order_on(session: Session, work_order) -> None:
    """A started operation puts the order in progress; the last operation done finishes work order and order."""
    session.flush()
    statuses = [o.status for o in work_order.operations]
    if all(s == "done" for s in statuses):
        work_order.status = OrderStatus.DONE.value
    elif any(s != "pending" for s in statuses):
        work_order.status = OrderStatus.IN_PROGRESS.value
    order, all_work, line_count = FloorRecords(session).order_with_work(work_order.order_line.order_id)
    if order.status in (OrderStatus.RELEASED.value, OrderStatus.ORDERED.value) and work_order.status != "released":
        order.status = OrderStatus.IN_PROGRESS.value
        order.version += 1
    lines_done = {w.order_line_id for w in all_work if w.status == OrderStatus.DONE.value}
    open_work = [w for w in all_work if w.status != OrderStatus.DONE.value]
    if not open_work and len(lines_done) == line_count and order.status != OrderStatus.DONE.value:
        order.status = OrderStatus.DONE.value
        order.version += 1


def close_forgotten(session: Session, now: dt.datetime | None = None) -> list[str]:
    """Entries still open well after the operator's shift ended are closed at the shift end and marked, so
    nobody's time runs on through the night. Unattended machine runs are left running."""
    now = now or now_minute()
    repos = Repositories(session)
    operators = {o.code: o for o in repos.operators.list()}
    calendars = {c.code: c for c in repos.calendars.list()}
    closed = []
    for entry in _entries(session, started_before=now - AUTO_CLOSE_GRACE):
        if entry.activity == "run" and entry.unattended:
            continue
        operator = operators.get(entry.operator_code)
        calendar = calendars.get(operator.calendar) if operator else None
        if calendar is None:
            continue
        intervals = calendar.working_intervals(entry.started_at - dt.timedelta(hours=1), now)
        if any(a <= now < b for a, b in intervals):
            continue  # still on shift
        ends = [b for a, b in intervals if b > entry.started_at]
        end = ends[0] if ends else entry.started_at
        if now - end < AUTO_CLOSE_GRACE:
            continue
        entry.ended_at, entry.end_reason, entry.auto_closed = end, "forgotten: closed at the shift end", True
        _work_order, row = _operation_row(session, entry.op_key, lock=False)
        session.flush()
        if row.status == "started" and not _entries(session, operation_id=row.id):
            row.status = "paused"
            row.version += 1
        closed.append(f"{entry.operator_code} on {entry.op_key} until {end:%H:%M}")
    session.flush()
    return closed


def queue(session: Session, work_center: str) -> list[dict]:
    """The work of a work center in plan order: operations not done whose previous step has pieces ready.
    NotFoundError for an unknown work center."""
    repos = Repositories(session)
    if repos.work_centers.get(work_center) is None:
        raise NotFoundError("work center", work_center)
    machines = [m.code for m in repos.machines.list() if m.work_center == work_center]
    plans = PlanRecords(session)
    plan_id = plans.current_id()
    planned = {} if plan_id is None else plans.starts(plan_id, machines=machines)
    open_by_op: dict[str, list[str]] = {}
    for entry in _entries(session):
        open_by_op.setdefault(entry.op_key, []).append(f"{entry.operator_code} ({entry.activity})")
    items = []
    for work_order in FloorRecords(session).work_in_progress():
        for op in work_order.operations:
            if op.status == "done":
                continue
            eligible = [m.machine.code for m in op.machines]
            if not set(eligible) & set(machines):
                continue
            key = f"{work_order.number}/{op.sequence}"
            ready = _previous_done(work_order, op)
            if ready is not None and ready <= 0:
                continue
            start, machine = planned.get(key, (None, eligible[0] if eligible else ""))
            items.append({"op_key": key, "work_order": work_order.number, "part": work_order.part.number,
                          "part_name": work_order.part.name, "sequence": op.sequence,
                          "description": op.description or op.work_center_type, "status": op.status,
                          "quantity": work_order.quantity, "quantity_done": op.quantity_done,
                          "available": work_order.quantity if ready is None else ready,
                          "planned_start": start, "machine": machine, "on_it": open_by_op.get(key, []),
                          "due_date": work_order.due_date})
    items.sort(key=lambda i: (i["status"] not in ("started", "paused"), i["planned_start"] is None,
                              i["planned_start"] or dt.datetime.max, i["due_date"]))
    return items


def operator_entries(session: Session, operator: str) -> list:
    """The operator's open time entries (what he is booked on now)."""
    return _entries(session, operator=operator)


def book_committed(engine, op_key: str, action: str, operator: str, idempotency_key: str, attempts: int = 8,
                   **kwargs) -> BookingResult:
    """``book`` in a transaction of its own, committed. A twin request that lost the race on the idempotency
    key gets the stored answer; SQLite's 'database is locked' is tried again a few times."""
    import time

    from sqlalchemy.exc import IntegrityError, OperationalError

    from ..store.db import unit_of_work

    for attempt in range(attempts):
        try:
            with unit_of_work(engine.execution_options(write_lock=True)) as session:
                return book(session, op_key, action, operator, idempotency_key, **kwargs)
        except IntegrityError:
            with unit_of_work(engine) as session:
                stored = stored_result(session, idempotency_key, op_key, action, operator)
            if stored is not None:
                return stored
            if attempt == attempts - 1:
                raise BookingError("double", f"{op_key}: booking refused by the database (double booking)", op=op_key) from None
        except OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error) and "could not serialize" not in str(error):
                raise
            if attempt == attempts - 1:
                raise BookingError("busy", f"{op_key}: the database stayed busy; try again", op=op_key) from None
        time.sleep(0.05 * (attempt + 1))
    raise BookingError("failed", f"{op_key}: booking failed", op=op_key)


def floor_events(session: Session, unhandled: bool = False, limit: int = 200) -> list[dict]:
    """What happened on the floor that the planner should see (breakdowns, scrap, remakes), newest first."""
    return [{"id": e.id, "created_at": e.created_at, "operator": e.operator_code, "op_key": e.op_key,
             "action": e.action, "payload": e.payload, "result": e.result, "handled": e.handled}
            for e in FloorRecords(session).events(unhandled, limit)]


def mark_handled(session: Session, event_id: int) -> None:
    FloorRecords(session).event(event_id).handled = True


def operation_card(session: Session, op_key: str, operator: str) -> dict:
    """What the terminal shows for one operation: the work order, the step, the part and order, who is booked on
    it (``mine``: this operator's open booking) and the nested sheets its parts are on."""
    repos = Repositories(session)
    number, _, sequence = op_key.rpartition("/")
    work_order = repos.work_orders.get(number)
    op = None if work_order is None or not sequence.isdigit() else next(
        (o for o in work_order.operations if o.sequence == int(sequence)), None)
    if op is None:
        raise NotFoundError("operation", op_key)
    entries = FloorRecords(session).entries_for([op_key])
    name = f"{work_order.order}/{work_order.line_no}"
    sheet_rows = [s for nest in NestRecords(session).for_line(work_order.order, work_order.line_no)
                  for s in nest.sheets]
    return {"wo": work_order, "op": op, "part": repos.parts.get(work_order.part),
            "order": repos.orders.get(work_order.order), "entries": entries, "operator": operator,
            "mine": next((e for e in entries if e.ended_at is None and e.operator_code == operator), None),
            "nest_sheets": [(s.nest_id, s.position, s.stock_code) for s in sheet_rows
                            if any(p["part"] == name for p in s.placements)],
            "op_key": op_key, "others": [e for e in entries if e.ended_at is None and e.operator_code != operator]}


def work_order_sheet(session: Session, number: str) -> dict:
    """The printed work order's content: order, customer, part, material, each step with its planned start, and
    the nests its parts are cut in."""
    repos = Repositories(session)
    work_order = repos.work_orders.get(number)
    if work_order is None:
        raise NotFoundError("work order", number)
    part = repos.parts.get(work_order.part)
    order = repos.orders.get(work_order.order)
    customer = repos.customers.get(order.customer) if order else None
    plans = PlanRecords(session)
    plan_id = plans.current_id()
    planned = {} if plan_id is None else {
        key: f"{start:%d-%m %H:%M} {code or ''}".strip()
        for key, (start, code) in plans.starts(plan_id, work_order=number).items()}
    nests = [(n.id, n.material, n.thickness_mm) for n in NestRecords(session).for_line(work_order.order,
                                                                                        work_order.line_no)]
    return {"number": number, "order": work_order.order, "customer": customer.name if customer else "",
            "part": work_order.part, "part_name": part.name if part else "", "quantity": work_order.quantity,
            "due_date": work_order.due_date.strftime("%d-%m-%Y"),
            "material": f"{part.material} {part.thickness_mm:g} mm" if part else "",
            "notes": order.notes if order else "",
            "operations": [{"sequence": o.sequence, "description": o.description or o.work_center_type.value,
                            "machines": list(o.eligible_machines) or ["uitbesteed"], "setup_min": o.setup_min,
                            "run_min_per_piece": o.run_min_per_piece,
                            "planned_start": planned.get(f"{number}/{o.sequence}"),
                            "quantity_done": o.quantity_done, "status": o.status.value} for o in work_order.operations],
            "nests": [f"Nest {n} ({m} {t:g} mm)" for n, m, t in nests]}
