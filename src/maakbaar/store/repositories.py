"""Repositories: the domain's values in, the domain's values out. They never commit; the caller does."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..domain import (
    Break,
    Calendar,
    Closure,
    Customer,
    Holiday,
    Machine,
    MachineCapabilities,
    Material,
    Operator,
    Order,
    OrderLine,
    Part,
    QuantityBreak,
    Quote,
    QuoteLine,
    RoutingStep,
    SetupTime,
    Shift,
    Skill,
    StockItem,
    WorkCenter,
    WorkOrder,
    WorkOrderOperation,
)
from ..services.errors import ConflictError, DuplicateError, NotFoundError  # noqa: F401  (raised here)
from .tables import (
    CalendarRow,
    ClosureRow,
    CustomerRow,
    HolidayRow,
    MachineDowntimeRow,
    MachineRow,
    MaterialRow,
    OperationMachineRow,
    OperatorRow,
    OperatorSkillRow,
    OrderLineRow,
    OrderRow,
    NestRow,
    NestSheetRow,
    PartRow,
    PlanOperationRow,
    PlanRow,
    QuantityBreakRow,
    QuoteLineRow,
    QuoteRow,
    RoutingStepMachineRow,
    RoutingStepRow,
    ShiftRow,
    ShopSettingRow,
    StockItemRow,
    TimeEntryRow,
    UserRow,
    WorkCenterRow,
    WorkOrderOperationRow,
    WorkOrderRow,
)


Item = TypeVar("Item")


class Repository(Generic[Item]):
    """Add, read, replace and delete one kind of domain value, addressed by its own code."""

    row_class: ClassVar[type]
    key_attr: ClassVar[str] = "code"
    what: ClassVar[str]
    # the relationships ``to_domain`` reads, as dotted paths: loaded with the rows in a few queries instead of
    # one query per row and relationship (a list of 500 orders is 3 queries, not 1500)
    loads: ClassVar[tuple[str, ...]] = ()

    def __init__(self, session: Session):
        self.session = session

    # mapping, per kind
    def to_domain(self, row) -> Item:  # pragma: no cover - abstract
        raise NotImplementedError

    def fill(self, row, item: Item) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def key_of(self, item: Item) -> str:
        return getattr(item, self.key_attr)

    # queries
    def _row(self, key: str):
        column = getattr(self.row_class, self.key_attr)
        return self.session.scalars(select(self.row_class).where(column == key)).one_or_none()

    def row(self, key: str):
        row = self._row(key)
        if row is None:
            raise NotFoundError(self.what, key)
        return row

    def get(self, key: str) -> Item | None:
        row = self._row(key)
        return None if row is None else self.to_domain(row)

    def version(self, key: str) -> int:
        return self.row(key).version

    def versions(self) -> dict[str, int]:
        """Every record's version by its key, in one query (for lists that show them)."""
        key = getattr(self.row_class, self.key_attr)
        return dict(self.session.execute(select(key, self.row_class.version)).all())

    def _load_options(self) -> list:
        options = []
        for path in self.loads:
            owner, option = self.row_class, None
            for name in path.split("."):
                attribute = getattr(owner, name)
                option = selectinload(attribute) if option is None else option.selectinload(attribute)
                owner = attribute.property.mapper.class_
            options.append(option)
        return options

    def list(self) -> list[Item]:
        column = getattr(self.row_class, self.key_attr)
        query = select(self.row_class).options(*self._load_options()).order_by(column)
        return [self.to_domain(row) for row in self.session.scalars(query)]

    def keys(self) -> list[str]:
        column = getattr(self.row_class, self.key_attr)
        return list(self.session.scalars(select(column).order_by(column)))

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(self.row_class))

    # changes
    def add(self, item: Item) -> None:
        key = self.key_of(item)
        if self._row(key) is not None:
            raise DuplicateError(self.what, key)
        row = self.row_class()
        self.fill(row, item)
        row.version = 1
        self.session.add(row)
        self.session.flush()

    def replace(self, item: Item, expected_version: int | None = None) -> int:
        """Overwrite the stored value; with ``expected_version`` refuse if it changed meanwhile."""
        key = self.key_of(item)
        row = self.row(key)
        if expected_version is not None and row.version != expected_version:
            raise ConflictError(self.what, key, expected_version, row.version)
        self.fill(row, item)
        row.version += 1
        self.session.flush()
        return row.version

    def delete(self, key: str) -> None:
        self.session.delete(self.row(key))
        self.session.flush()

    def usage(self, key: str) -> dict[str, list[str]]:
        """What still refers to this record, by the kind of the referrer ("machine": ["LAS01", ...]): a record
        in use is not deleted. Kinds nothing refers to answer {}."""
        return {}

    def _keys(self, query) -> list[str]:
        return sorted({str(k) for k in self.session.scalars(query)})

    def _clear(self, row, *collections: str) -> None:
        """Empty child collections of a stored row and flush, so re-added children never clash on unique keys."""
        if getattr(row, "id", None) is None:
            return
        for name in collections:
            getattr(row, name).clear()
        self.session.flush()

    # references to other kinds
    def _id(self, row_class, attr: str, key: str, what: str) -> int:
        found = self.session.scalar(select(row_class.id).where(getattr(row_class, attr) == key))
        if found is None:
            raise NotFoundError(what, key)
        return found


class MaterialRepository(Repository[Material]):
    row_class = MaterialRow
    key_attr = "grade"
    what = "material"

    def to_domain(self, row: MaterialRow) -> Material:
        return Material(
            grade=row.grade, family=row.family, name=row.name, density_kg_m3=row.density_kg_m3,
            price_per_kg=row.price_per_kg, price_date=row.price_date, price_source=row.price_source,
            co2_per_kg=row.co2_per_kg, co2_source=row.co2_source,
        )

    def fill(self, row: MaterialRow, item: Material) -> None:
        row.grade, row.family, row.name = item.grade, item.family.value, item.name
        row.density_kg_m3, row.price_per_kg, row.price_date = item.density_kg_m3, item.price_per_kg, item.price_date
        row.price_source, row.co2_per_kg, row.co2_source = item.price_source, item.co2_per_kg, item.co2_source

    def usage(self, key: str) -> dict[str, list[str]]:
        own = self.row(key).id
        return {"part": self._keys(select(PartRow.number).where(PartRow.material_id == own)),
                "stock item": self._keys(select(StockItemRow.code).where(StockItemRow.material_id == own)),
                "nest": self._keys(select(NestRow.id).where(NestRow.material == key))}


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


class CalendarRepository(Repository[Calendar]):
    row_class = CalendarRow
    what = "calendar"
    loads = ("shifts", "holidays", "closures")

    def to_domain(self, row: CalendarRow) -> Calendar:
        return Calendar(
            code=row.code,
            name=row.name,
            shifts=tuple(
                Shift(
                    weekday=s.weekday, start=s.start, end=s.end, name=s.name,
                    breaks=tuple(Break(start=_time(b["start"]), end=_time(b["end"])) for b in s.breaks),
                )
                for s in row.shifts
            ),
            holidays=tuple(Holiday(date=h.date, name=h.name) for h in row.holidays),
            closures=tuple(Closure(start=c.start, end=c.end, reason=c.reason) for c in row.closures),
        )

    def fill(self, row: CalendarRow, item: Calendar) -> None:
        row.code, row.name = item.code, item.name
        self._clear(row, "shifts", "holidays", "closures")
        row.shifts = [
            ShiftRow(
                position=i, weekday=s.weekday, start=s.start, end=s.end, name=s.name,
                breaks=[{"start": b.start.isoformat("minutes"), "end": b.end.isoformat("minutes")} for b in s.breaks],
            )
            for i, s in enumerate(item.shifts)
        ]
        row.holidays = [HolidayRow(date=h.date, name=h.name) for h in item.holidays]
        row.closures = [ClosureRow(start=c.start, end=c.end, reason=c.reason) for c in item.closures]

    def usage(self, key: str) -> dict[str, list[str]]:
        own = self.row(key).id
        return {"machine": self._keys(select(MachineRow.code).where(MachineRow.calendar_id == own)),
                "operator": self._keys(select(OperatorRow.code).where(OperatorRow.calendar_id == own))}


class WorkCenterRepository(Repository[WorkCenter]):
    row_class = WorkCenterRow
    what = "work center"

    def to_domain(self, row: WorkCenterRow) -> WorkCenter:
        return WorkCenter(code=row.code, name=row.name, type=row.type)

    def fill(self, row: WorkCenterRow, item: WorkCenter) -> None:
        row.code, row.name, row.type = item.code, item.name, item.type.value

    def usage(self, key: str) -> dict[str, list[str]]:
        own = self.row(key).id
        return {"machine": self._keys(select(MachineRow.code).where(MachineRow.work_center_id == own))}


class MachineRepository(Repository[Machine]):
    row_class = MachineRow
    loads = ("work_center", "calendar", "downtimes")

    def id_of(self, code: str) -> int | None:
        """The stored id of a machine (to point a plan or an operation at it), or None for an unknown code."""
        return self.session.scalar(select(MachineRow.id).where(MachineRow.code == code))
    what = "machine"

    def to_domain(self, row: MachineRow) -> Machine:
        return Machine(
            code=row.code, name=row.name, work_center=row.work_center.code, hourly_rate=row.hourly_rate,
            power_kw=row.power_kw, calendar=row.calendar.code, active=row.active,
            capabilities=MachineCapabilities(
                max_sheet_length_mm=row.max_sheet_length_mm, max_sheet_width_mm=row.max_sheet_width_mm,
                max_thickness_mm=row.max_thickness_mm or {}, bend_length_mm=row.bend_length_mm,
                tonnage_t=row.tonnage_t,
            ),
            downtimes=tuple(Closure(start=d.start, end=d.end, reason=d.reason) for d in row.downtimes),
            setup_times=tuple(SetupTime(from_family=a, to_family=b, minutes=m) for a, b, m in row.setup_times or ()),
        )

    def fill(self, row: MachineRow, item: Machine) -> None:
        caps = item.capabilities
        row.code, row.name, row.active = item.code, item.name, item.active
        row.work_center_id = self._id(WorkCenterRow, "code", item.work_center, "work center")
        row.calendar_id = self._id(CalendarRow, "code", item.calendar, "calendar")
        row.hourly_rate, row.power_kw = item.hourly_rate, item.power_kw
        row.max_sheet_length_mm, row.max_sheet_width_mm = caps.max_sheet_length_mm, caps.max_sheet_width_mm
        row.max_thickness_mm = {family.value: value for family, value in caps.max_thickness_mm.items()}
        row.bend_length_mm, row.tonnage_t = caps.bend_length_mm, caps.tonnage_t
        row.setup_times = [[s.from_family, s.to_family, s.minutes] for s in item.setup_times]
        self._clear(row, "downtimes")
        row.downtimes = [MachineDowntimeRow(start=d.start, end=d.end, reason=d.reason) for d in item.downtimes]

    def usage(self, key: str) -> dict[str, list[str]]:
        own = self.row(key).id
        parts = (select(PartRow.number).join(RoutingStepRow, RoutingStepRow.part_id == PartRow.id)
                 .join(RoutingStepMachineRow, RoutingStepMachineRow.step_id == RoutingStepRow.id)
                 .where(RoutingStepMachineRow.machine_id == own))
        eligible = (select(WorkOrderRow.number)
                    .join(WorkOrderOperationRow, WorkOrderOperationRow.work_order_id == WorkOrderRow.id)
                    .join(OperationMachineRow, OperationMachineRow.operation_id == WorkOrderOperationRow.id)
                    .where(OperationMachineRow.machine_id == own))
        assigned = (select(WorkOrderRow.number)
                    .join(WorkOrderOperationRow, WorkOrderOperationRow.work_order_id == WorkOrderRow.id)
                    .where(WorkOrderOperationRow.assigned_machine_id == own))
        return {"part": self._keys(parts), "work order": sorted(set(self._keys(eligible)) | set(self._keys(assigned)))}


class OperatorRepository(Repository[Operator]):
    row_class = OperatorRow
    loads = ("calendar", "skills")
    what = "operator"

    def to_domain(self, row: OperatorRow) -> Operator:
        return Operator(
            code=row.code, name=row.name, calendar=row.calendar.code, active=row.active,
            skills=tuple(Skill(work_center_type=s.work_center_type, level=s.level) for s in row.skills),
        )

    def fill(self, row: OperatorRow, item: Operator) -> None:
        row.code, row.name, row.active = item.code, item.name, item.active
        row.calendar_id = self._id(CalendarRow, "code", item.calendar, "calendar")
        self._clear(row, "skills")
        row.skills = [OperatorSkillRow(work_center_type=s.work_center_type.value, level=s.level) for s in item.skills]

    def usage(self, key: str) -> dict[str, list[str]]:
        """Booked hours and a log-in keep an operator (set him inactive instead); so does the plan the shop works
        to, which would otherwise lose who does what."""
        own = self.row(key).id
        booked = (select(WorkOrderRow.number)
                  .join(WorkOrderOperationRow, WorkOrderOperationRow.work_order_id == WorkOrderRow.id)
                  .join(TimeEntryRow, TimeEntryRow.operation_id == WorkOrderOperationRow.id)
                  .where(TimeEntryRow.operator_code == key))
        planned = (select(PlanOperationRow.order_number).join(PlanRow, PlanRow.id == PlanOperationRow.plan_id)
                   .where(PlanRow.is_current.is_(True), PlanOperationRow.operator_id == own))
        return {"work order": self._keys(booked), "user": self._keys(select(UserRow.username).where(
            UserRow.operator_code == key)), "order": self._keys(planned)}


class CustomerRepository(Repository[Customer]):
    row_class = CustomerRow
    what = "customer"
    fields = ("code", "name", "address", "postcode", "city", "country", "email", "phone", "language")

    def to_domain(self, row: CustomerRow) -> Customer:
        return Customer(**{f: getattr(row, f) for f in self.fields})

    def names(self) -> dict[str, str]:
        """Code -> name of every customer (what lists show of a customer)."""
        return {code: name for code, name in self.session.execute(select(CustomerRow.code, CustomerRow.name))}

    def fill(self, row: CustomerRow, item: Customer) -> None:
        for f in self.fields:
            setattr(row, f, getattr(item, f))

    def usage(self, key: str) -> dict[str, list[str]]:
        own = self.row(key).id
        return {"order": self._keys(select(OrderRow.number).where(OrderRow.customer_id == own)),
                "quote": self._keys(select(QuoteRow.number).where(QuoteRow.customer_id == own)),
                "part": self._keys(select(PartRow.number).where(PartRow.customer_id == own))}


class StockRepository(Repository[StockItem]):
    row_class = StockItemRow
    loads = ("material",)
    what = "stock item"
    plain = ("code", "thickness_mm", "length_mm", "width_mm", "quantity", "heat_number", "certificate_ref",
             "location", "price_per_sheet")

    def usage(self, key: str) -> dict[str, list[str]]:
        """A sheet a stored nest was cut from stays (its heat is traced through it)."""
        return {"nest": self._keys(select(NestSheetRow.nest_id).where(NestSheetRow.stock_code == key))}

    def to_domain(self, row: StockItemRow) -> StockItem:
        return StockItem(
            **{f: getattr(row, f) for f in self.plain}, material=row.material.grade, kind=row.kind,
            outline=None if row.outline is None else tuple(tuple(p) for p in row.outline),
        )

    def fill(self, row: StockItemRow, item: StockItem) -> None:
        for f in self.plain:
            setattr(row, f, getattr(item, f))
        row.kind = item.kind.value
        row.material_id = self._id(MaterialRow, "grade", item.material, "material")
        row.outline = None if item.outline is None else [list(p) for p in item.outline]


STEP_FIELDS = ("sequence", "description", "setup_min", "run_min_per_piece", "setup_family", "unattended",
               "may_pause", "subcontract_lead_days", "supplier", "min_wait_after_min")


def _step_values(row) -> dict:
    values = {f: getattr(row, f) for f in STEP_FIELDS}
    values["work_center_type"] = row.work_center_type
    values["eligible_machines"] = tuple(link.machine.code for link in row.machines)
    return values


class PartRepository(Repository[Part]):
    row_class = PartRow
    loads = ("customer", "material", "routing.machines.machine")
    key_attr = "number"
    what = "part"
    plain = ("number", "revision", "name", "thickness_mm", "geometry_ref", "length_mm", "width_mm", "net_area_mm2",
             "cut_length_mm", "pierces", "bends", "bend_length_mm", "weld_length_mm", "coated_area_m2")

    def usage(self, key: str) -> dict[str, list[str]]:
        own = self.row(key).id
        return {"order": self._keys(select(OrderRow.number).join(OrderLineRow, OrderLineRow.order_id == OrderRow.id)
                                    .where(OrderLineRow.part_id == own)),
                "quote": self._keys(select(QuoteRow.number).join(QuoteLineRow, QuoteLineRow.quote_id == QuoteRow.id)
                                    .where(QuoteLineRow.part_id == own)),
                "work order": self._keys(select(WorkOrderRow.number).where(WorkOrderRow.part_id == own))}

    def material_and_thickness(self) -> dict[str, tuple[str, float]]:
        """Every part's material grade and thickness by part number, in one query."""
        return {number: (grade, thickness) for number, grade, thickness in self.session.execute(
            select(PartRow.number, MaterialRow.grade, PartRow.thickness_mm)
            .join(MaterialRow, MaterialRow.id == PartRow.material_id))}

    def numbers_with_routing(self) -> list[str]:
        """Parts that have a routing (can be ordered and planned), without loading every routing."""
        return list(self.session.scalars(select(PartRow.number).where(PartRow.id.in_(select(RoutingStepRow.part_id)))
                                         .order_by(PartRow.number)))

    def to_domain(self, row: PartRow) -> Part:
        return Part(
            **{f: getattr(row, f) for f in self.plain},
            customer=row.customer.code if row.customer else None,
            material=row.material.grade,
            routing=tuple(RoutingStep(**_step_values(step)) for step in row.routing),
        )

    def fill(self, row: PartRow, item: Part) -> None:
        for f in self.plain:
            setattr(row, f, getattr(item, f))
        row.material_id = self._id(MaterialRow, "grade", item.material, "material")
        row.customer_id = None if item.customer is None else self._id(CustomerRow, "code", item.customer, "customer")
        self._clear(row, "routing")
        row.routing = [self._step_row(step) for step in item.routing]

    def _step_row(self, step: RoutingStep) -> RoutingStepRow:
        step_row = RoutingStepRow(**{f: getattr(step, f) for f in STEP_FIELDS})
        step_row.work_center_type = step.work_center_type.value
        step_row.machines = [
            RoutingStepMachineRow(position=i, machine_id=self._id(MachineRow, "code", code, "machine"))
            for i, code in enumerate(step.eligible_machines)
        ]
        return step_row


class OrderRepository(Repository[Order]):
    row_class = OrderRow
    loads = ("customer", "lines.part")
    key_attr = "number"
    what = "order"
    plain = ("number", "customer_reference", "order_date", "release_date", "due_date", "priority", "notes",
             "delivered_date")

    def summaries(self, statuses=None) -> list[tuple]:
        """One row per order, earliest due date first, with what a list shows, counted by the database:
        (number, customer code, customer name, reference, order date, release date, due date, status, priority,
        lines, pieces, value)."""
        query = (select(OrderRow.number, CustomerRow.code, CustomerRow.name, OrderRow.customer_reference,
                        OrderRow.order_date, OrderRow.release_date, OrderRow.due_date, OrderRow.status,
                        OrderRow.priority, func.count(OrderLineRow.id), func.coalesce(func.sum(OrderLineRow.quantity), 0),
                        func.coalesce(func.sum(OrderLineRow.quantity * func.coalesce(OrderLineRow.unit_price, 0)), 0))
                 .join(CustomerRow, CustomerRow.id == OrderRow.customer_id)
                 .outerjoin(OrderLineRow, OrderLineRow.order_id == OrderRow.id)
                 .group_by(OrderRow.id, CustomerRow.id).order_by(OrderRow.due_date, OrderRow.number))
        if statuses is not None:
            query = query.where(OrderRow.status.in_(list(statuses)))
        return [tuple(row) for row in self.session.execute(query)]

    def due_dates_delivered_since(self, start: dt.date) -> list[tuple[dt.date, dt.date]]:
        """(delivered, due) of every order delivered on or after ``start``."""
        return [tuple(r) for r in self.session.execute(
            select(OrderRow.delivered_date, OrderRow.due_date)
            .where(OrderRow.delivered_date.is_not(None), OrderRow.delivered_date >= start))]

    def to_domain(self, row: OrderRow) -> Order:
        return Order(
            **{f: getattr(row, f) for f in self.plain}, customer=row.customer.code, status=row.status,
            lines=tuple(
                OrderLine(line_no=line.line_no, part=line.part.number, quantity=line.quantity,
                          due_date=line.due_date, unit_price=line.unit_price)
                for line in row.lines
            ),
        )

    def fill(self, row: OrderRow, item: Order) -> None:
        for f in self.plain:
            setattr(row, f, getattr(item, f))
        row.status = item.status.value
        row.customer_id = self._id(CustomerRow, "code", item.customer, "customer")
        existing = {line.line_no: line for line in row.lines}
        new_lines = []
        for line in item.lines:
            line_row = existing.get(line.line_no) or OrderLineRow(line_no=line.line_no)
            line_row.part_id = self._id(PartRow, "number", line.part, "part")
            line_row.quantity, line_row.due_date, line_row.unit_price = line.quantity, line.due_date, line.unit_price
            new_lines.append(line_row)
        row.lines = new_lines

    def list_open(self) -> list[Order]:
        from ..domain import OrderStatus

        open_states = [s.value for s in OrderStatus if s.is_open]
        rows = self.session.scalars(
            select(OrderRow).where(OrderRow.status.in_(open_states)).order_by(OrderRow.due_date, OrderRow.number)
        )
        return [self.to_domain(row) for row in rows]


class WorkOrderRepository(Repository[WorkOrder]):
    row_class = WorkOrderRow
    loads = ("order_line.order", "part", "operations.machines.machine", "operations.assigned_machine")
    key_attr = "number"
    what = "work order"

    def to_domain(self, row: WorkOrderRow) -> WorkOrder:
        return WorkOrder(
            number=row.number, order=row.order_line.order.number, line_no=row.order_line.line_no,
            part=row.part.number, quantity=row.quantity, release_date=row.release_date, due_date=row.due_date,
            status=row.status,
            operations=tuple(
                WorkOrderOperation(
                    **_step_values(op), status=op.status, fixed=op.fixed, quantity_done=op.quantity_done,
                    assigned_machine=op.assigned_machine.code if op.assigned_machine else None,
                )
                for op in row.operations
            ),
        )

    def fill(self, row: WorkOrderRow, item: WorkOrder) -> None:
        order_id = self._id(OrderRow, "number", item.order, "order")
        line_id = self.session.scalar(
            select(OrderLineRow.id).where(OrderLineRow.order_id == order_id, OrderLineRow.line_no == item.line_no)
        )
        if line_id is None:
            raise NotFoundError("order line", f"{item.order}/{item.line_no}")
        row.number, row.order_line_id = item.number, line_id
        row.part_id = self._id(PartRow, "number", item.part, "part")
        row.quantity, row.release_date, row.due_date = item.quantity, item.release_date, item.due_date
        row.status = item.status.value
        # operations keep their identity (bookings will point at them): update in place by sequence
        existing = {op.sequence: op for op in row.operations} if row.id is not None else {}
        keep = {op.sequence for op in item.operations}
        if row.id is not None and any(seq not in keep for seq in existing):
            row.operations = [op for op in row.operations if op.sequence in keep]
            self.session.flush()
        row.operations = [self._operation_row(op, existing.get(op.sequence)) for op in item.operations]

    def _operation_row(self, op: WorkOrderOperation, op_row: WorkOrderOperationRow | None) -> WorkOrderOperationRow:
        if op_row is None:
            op_row = WorkOrderOperationRow(version=1)
        else:
            op_row.version += 1
            self._clear(op_row, "machines")
        for f in STEP_FIELDS:
            setattr(op_row, f, getattr(op, f))
        op_row.work_center_type = op.work_center_type.value
        op_row.status, op_row.fixed, op_row.quantity_done = op.status.value, op.fixed, op.quantity_done
        op_row.assigned_machine_id = (
            None if op.assigned_machine is None else self._id(MachineRow, "code", op.assigned_machine, "machine")
        )
        op_row.machines = [
            OperationMachineRow(position=i, machine_id=self._id(MachineRow, "code", code, "machine"))
            for i, code in enumerate(op.eligible_machines)
        ]
        return op_row

    def for_order(self, order_number: str) -> list[WorkOrder]:
        rows = self.session.scalars(
            select(WorkOrderRow).options(*self._load_options())
            .join(OrderLineRow, WorkOrderRow.order_line_id == OrderLineRow.id)
            .join(OrderRow, OrderLineRow.order_id == OrderRow.id)
            .where(OrderRow.number == order_number)
            .order_by(WorkOrderRow.number)
        )
        return [self.to_domain(row) for row in rows]

    def pinned_keys(self) -> set[str]:
        """'work order/sequence' of every operation the planner pinned."""
        rows = self.session.execute(
            select(WorkOrderRow.number, WorkOrderOperationRow.sequence)
            .join(WorkOrderOperationRow, WorkOrderOperationRow.work_order_id == WorkOrderRow.id)
            .where(WorkOrderOperationRow.fixed.is_(True)))
        return {f"{number}/{sequence}" for number, sequence in rows}


class QuoteRepository(Repository[Quote]):
    row_class = QuoteRow
    loads = ("customer", "lines.part", "lines.breaks")
    key_attr = "number"
    what = "quote"

    def to_domain(self, row: QuoteRow) -> Quote:
        return Quote(
            number=row.number, customer=row.customer.code, quote_date=row.quote_date, valid_until=row.valid_until,
            status=row.status, notes=row.notes,
            lines=tuple(
                QuoteLine(
                    line_no=line.line_no, part=line.part.number,
                    breaks=tuple(
                        QuantityBreak(quantity=b.quantity, unit_price=b.unit_price, lead_time_days=b.lead_time_days)
                        for b in line.breaks
                    ),
                )
                for line in row.lines
            ),
        )

    def fill(self, row: QuoteRow, item: Quote) -> None:
        row.number, row.quote_date, row.valid_until = item.number, item.quote_date, item.valid_until
        row.status, row.notes = item.status.value, item.notes
        row.customer_id = self._id(CustomerRow, "code", item.customer, "customer")
        self._clear(row, "lines")
        row.lines = [
            QuoteLineRow(
                line_no=line.line_no, part_id=self._id(PartRow, "number", line.part, "part"),
                breaks=[
                    QuantityBreakRow(quantity=b.quantity, unit_price=b.unit_price, lead_time_days=b.lead_time_days)
                    for b in line.breaks
                ],
            )
            for line in item.lines
        ]


class SettingsRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, key: str, default: str | None = None) -> str | None:
        row = self.session.get(ShopSettingRow, key)
        return default if row is None else row.value

    def set(self, key: str, value: str) -> None:
        row = self.session.get(ShopSettingRow, key)
        if row is None:
            self.session.add(ShopSettingRow(key=key, value=value))
        else:
            row.value = value
        self.session.flush()


class Repositories:
    """All repositories on one session, in the order a whole shop must be stored."""

    FIELDS = (
        ("materials", MaterialRepository), ("calendars", CalendarRepository), ("work_centers", WorkCenterRepository),
        ("machines", MachineRepository), ("operators", OperatorRepository), ("customers", CustomerRepository),
        ("stock", StockRepository), ("parts", PartRepository), ("orders", OrderRepository),
        ("work_orders", WorkOrderRepository), ("quotes", QuoteRepository),
    )

    def __init__(self, session: Session):
        self.session = session
        self.settings = SettingsRepository(session)
        self.materials = MaterialRepository(session)
        self.calendars = CalendarRepository(session)
        self.work_centers = WorkCenterRepository(session)
        self.machines = MachineRepository(session)
        self.operators = OperatorRepository(session)
        self.customers = CustomerRepository(session)
        self.stock = StockRepository(session)
        self.parts = PartRepository(session)
        self.orders = OrderRepository(session)
        self.work_orders = WorkOrderRepository(session)
        self.quotes = QuoteRepository(session)

    def in_store_order(self) -> list[tuple[str, Repository]]:
        return [(field, getattr(self, field)) for field, _cls in self.FIELDS]
