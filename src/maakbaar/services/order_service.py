"""Orders: overview for lists and pages, and releasing an order to production (work orders)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .errors import InvalidInput
from .. import clock
from pydantic import BaseModel, ConfigDict, Field

from ..domain import Order, OrderLine, OrderStatus, WorkOrder, WorkOrderOperation
from ..domain.common import ShopDate
from ..domain.orders import PRIORITY_NORMAL
from ..store.repositories import NotFoundError, Repositories
from ..reasons import Day, Reason
from ..store.records import PlanRecords


@dataclass(frozen=True)
class OrderSummary:
    number: str
    customer_code: str
    customer_name: str
    customer_reference: str
    order_date: dt.date
    release_date: dt.date
    due_date: dt.date
    status: OrderStatus
    priority: int
    line_count: int
    quantity: int
    value: float
    late: bool
    days_left: int
    planned_completion: dt.datetime | None = None
    planned_late: bool | None = None
    late_reason: Reason | None = None  # why it is late (maakbaar.reasons; i18n.say writes it in the reader's language)


def order_overview(session: Session, include_closed: bool = False, today: dt.date | None = None) -> list[OrderSummary]:
    """Orders with their customer and totals, earliest due date first."""
    today = today or clock.today()
    statuses = None if include_closed else [s.value for s in OrderStatus if s.is_open]
    planned = _planned_completion(session)
    summaries = []
    for (number, customer_code, customer_name, reference, order_date, release_date, due_date, status, priority,
         line_count, quantity, value) in Repositories(session).orders.summaries(statuses):
        status = OrderStatus(status)
        late = status.is_open and due_date < today
        plan_entry = planned.get(number, {})
        if late and not plan_entry.get("late_reason"):
            # late by the calendar (its due date has passed), whatever the plan said when it was made
            plan_entry = dict(plan_entry, late_reason=Reason.of("late.overdue", day=Day(due_date)))
        summaries.append(OrderSummary(
            number=number, customer_code=customer_code, customer_name=customer_name,
            customer_reference=reference, order_date=order_date, release_date=release_date,
            due_date=due_date, status=status, priority=priority, line_count=line_count, quantity=int(quantity),
            value=round(float(value), 2), late=late, days_left=(due_date - today).days, **plan_entry,
        ))
    return summaries


def _planned_completion(session: Session) -> dict[str, dict]:
    """Per order, from the current plan: when its last line is ready, whether that is late, and why."""
    plans = PlanRecords(session)
    plan_id = plans.current_id()
    if plan_id is None:
        return {}
    out: dict[str, dict] = {}
    for order, completion, late, reason in plans.job_outcomes(plan_id):
        entry = out.setdefault(order, {"planned_completion": completion, "planned_late": False, "late_reason": None})
        entry["planned_completion"] = max(entry["planned_completion"], completion)
        if late:
            entry["planned_late"] = True
            entry["late_reason"] = entry["late_reason"] or Reason.from_json(reason)
    return out


class ReleaseError(InvalidInput):
    pass


class DraftLine(BaseModel):
    """An order line as a person gives it: the part and how many; the number follows the order of the lines."""

    model_config = ConfigDict(extra="forbid")
    part: str
    quantity: int = Field(gt=0)
    unit_price: float | None = None
    line_no: int | None = None
    due_date: ShopDate | None = None


class OrderDraft(BaseModel):
    """What it takes to make an order; the service gives it a number (``ORD-<yy><nnnn>``) and today's date
    unless they are given. The same draft from the page, the API and the CLI stores the same order."""

    model_config = ConfigDict(extra="forbid")
    customer: str
    due_date: ShopDate
    lines: list[DraftLine] = Field(min_length=1)
    number: str | None = None
    customer_reference: str = ""
    order_date: ShopDate | None = None
    release_date: ShopDate | None = None
    priority: int = PRIORITY_NORMAL
    status: OrderStatus = OrderStatus.ORDERED
    notes: str = ""
    delivered_date: ShopDate | None = None


def next_number(existing: list[str], prefix: str) -> str:
    """The next free number after ``prefix`` (four digits at least): ORD-260001, OFF-260002, ..."""
    numbers = [int(n[len(prefix):]) for n in existing if n.startswith(prefix) and n[len(prefix):].isdigit()]
    return f"{prefix}{(max(numbers) + 1) if numbers else 1:04d}"


def next_order_number(session: Session, today: dt.date | None = None) -> str:
    """The next free order number of the year: ORD-260001, ORD-260002, ..."""
    return next_number(Repositories(session).orders.keys(), f"ORD-{(today or clock.today()):%y}")


def create_order(session: Session, draft: OrderDraft) -> Order:
    """Store a new order (checked in full: customer and parts known, dates in order)."""
    today = draft.order_date or clock.today()
    lines, used = [], set()
    for line in draft.lines:
        line_no = line.line_no or max(used | {0}) + 1
        used.add(line_no)
        lines.append(OrderLine(line_no=line_no, part=line.part, quantity=line.quantity, unit_price=line.unit_price,
                               due_date=line.due_date))
    order = Order(number=(draft.number or "").strip() or next_order_number(session, today), customer=draft.customer,
                  customer_reference=draft.customer_reference, order_date=today,
                  release_date=draft.release_date or today, due_date=draft.due_date, priority=draft.priority,
                  status=draft.status, notes=draft.notes, delivered_date=draft.delivered_date, lines=tuple(lines))
    Repositories(session).orders.add(order)
    return order


def edit_order(session: Session, number: str, version: int | None, **changes) -> Order:
    """Change an order's due date, priority, notes, reference or status (``version``: the one the user read;
    someone else's change in between is refused)."""
    repos = Repositories(session)
    order = repos.orders.get(number)
    if order is None:
        raise NotFoundError("order", number)
    allowed = {"due_date", "priority", "notes", "customer_reference", "status", "release_date", "delivered_date"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(f"an order's {', '.join(sorted(unknown))} cannot be changed here", code="order.fixed_fields",
                           fields=", ".join(sorted(unknown)))
    changed = Order.model_validate(order.model_dump() | {k: v for k, v in changes.items() if v is not None})
    repos.orders.replace(changed, version)
    return changed


def release_order(session: Session, number: str) -> list[WorkOrder]:
    """Release an order to production: one work order per line, operations copied from the part's routing."""
    repos = Repositories(session)
    order = repos.orders.get(number)
    if order is None:
        raise NotFoundError("order", number)
    if order.status not in (OrderStatus.QUOTED, OrderStatus.ORDERED):
        raise ReleaseError(f"order {number} is {order.status.value}; only quoted or ordered orders can be released",
                           code="order.not_releasable", order=number,
                           status=Reason.of(f"status.{order.status.value}", text=order.status.value))
    created = create_work_orders(session, order)
    repos.orders.replace(order.model_copy(update={"status": OrderStatus.RELEASED}))
    return created


def create_work_orders(session: Session, order: Order) -> list[WorkOrder]:
    """A work order for every line that has none yet, its operations copied from the part's routing."""
    repos = Repositories(session)
    created = []
    existing = {wo.line_no for wo in repos.work_orders.for_order(order.number)}
    for line in order.lines:
        if line.line_no in existing:
            continue
        part = repos.parts.get(line.part)
        if part is None or not part.routing:
            raise ReleaseError(f"order {order.number} line {line.line_no}: part {line.part} has no routing",
                               code="order.no_routing", order=order.number, line=line.line_no, part=line.part)
        work_order = WorkOrder(
            number=f"WO-{order.number.removeprefix('ORD-')}-{line.line_no}", order=order.number,
            line_no=line.line_no, part=part.number, quantity=line.quantity, release_date=order.release_date,
            due_date=order.line_due_date(line), status=OrderStatus.RELEASED,
            operations=tuple(WorkOrderOperation.from_routing_step(step) for step in part.routing),
        )
        repos.work_orders.add(work_order)
        created.append(work_order)
    return created


def filter_orders(rows: list[OrderSummary], status: str | None = None, customer: str | None = None,
                  late: bool | None = None, due_before: dt.date | None = None) -> list[OrderSummary]:
    """The order list's filters: status, customer (code or part of the name), late (due date passed or the
    plan finishes after it), due on or before a date."""
    out = []
    needle = (customer or "").strip().lower()
    for o in rows:
        if status and o.status.value != status:
            continue
        if needle and needle not in o.customer_code.lower() and needle not in o.customer_name.lower():
            continue
        is_late = o.late or bool(o.planned_late)
        if late is not None and is_late != late:
            continue
        if due_before is not None and o.due_date > due_before:
            continue
        out.append(o)
    return out


def order_detail(session: Session, number: str) -> dict:
    """An order with its lines, work orders and every operation with its planned machine and times."""
    from ..store.repositories import NotFoundError

    repos = Repositories(session)
    order = repos.orders.get(number)
    if order is None:
        raise NotFoundError("order", number)
    customer = repos.customers.get(order.customer)
    parts = {line.part: repos.parts.get(line.part) for line in order.lines}
    plans = PlanRecords(session)
    plan_id = plans.current_id()
    planned = {} if plan_id is None else {row.op_key: row for row in plans.operations(plan_id, order=number)}
    work_orders = []
    for wo in repos.work_orders.for_order(number):
        operations = []
        for op in wo.operations:
            row = planned.get(f"{wo.number}/{op.sequence}")
            operations.append({
                "sequence": op.sequence, "work_center_type": op.work_center_type.value,
                "description": op.description, "status": op.status.value, "fixed": op.fixed,
                "quantity_done": op.quantity_done, "setup_min": op.setup_min, "run_min_per_piece": op.run_min_per_piece,
                "machine": row.machine.code if row is not None and row.machine else None,
                "operator": row.operator.code if row is not None and row.operator else None,
                "start": row.start if row is not None else None, "end": row.end if row is not None else None})
        work_orders.append({"number": wo.number, "line_no": wo.line_no, "part": wo.part, "quantity": wo.quantity,
                            "status": wo.status.value, "operations": operations})
    planned_completion = _planned_completion(session).get(number, {})
    return {
        "number": order.number, "customer": order.customer, "customer_name": customer.name if customer else "",
        "customer_reference": order.customer_reference, "order_date": order.order_date,
        "release_date": order.release_date, "due_date": order.due_date, "priority": order.priority,
        "status": order.status.value, "notes": order.notes, "delivered_date": order.delivered_date,
        "lines": [{"line_no": line.line_no, "part": line.part,
                   "part_name": parts[line.part].name if parts.get(line.part) else "",
                   "material": parts[line.part].material if parts.get(line.part) else "",
                   "thickness_mm": parts[line.part].thickness_mm if parts.get(line.part) else None,
                   "quantity": line.quantity, "unit_price": line.unit_price, "due_date": order.line_due_date(line)}
                  for line in order.lines],
        "work_orders": work_orders, **planned_completion,
        "document_language": customer.document_language if customer else "nl",
    }


DOCUMENT_KINDS = ("confirmation", "delivery-note")


def order_document_html(session: Session, number: str, kind: str, language: str | None = None,
                        today: dt.date | None = None) -> str:
    """The order confirmation or the delivery note of an order (print-ready HTML), in ``language`` or else the
    customer's (``Customer.document_language``), dated ``today``."""
    from ..documents import OrderDocument, OrderDocumentLine, delivery_note_html, order_confirmation_html
    from .quoting import addressee, document_language
    from . import company_service

    if kind not in DOCUMENT_KINDS:
        raise NotFoundError("document", kind)
    repos = Repositories(session)
    order = repos.orders.get(number)
    if order is None:
        raise NotFoundError("order", number)
    party, customer_language = addressee(session, order.customer)
    lines: list[OrderDocumentLine] = []
    for line in order.lines:
        part = repos.parts.get(line.part)
        lines.append(OrderDocumentLine(line.line_no, line.part, part.name if part else "",
                                       part.material if part else "", part.thickness_mm if part else None,
                                       line.quantity, line.unit_price, order.line_due_date(line)))
    document = OrderDocument(company_service.sender(session), order.number, party, order.customer,
                             order.customer_reference, order.order_date, tuple(lines))
    render = order_confirmation_html if kind == "confirmation" else delivery_note_html
    return render(document, document_language(language) or customer_language, today or clock.today())
