"""SQLAlchemy 2 mapping of the shop. Integer keys inside, the shop's own codes as unique business keys."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CODE = 40


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class VersionedMixin:
    """A version counter for optimistic locking (editing a changed record is a conflict)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class ShopSettingRow(Base):
    __tablename__ = "shop_settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class MaterialRow(Base, VersionedMixin):
    __tablename__ = "materials"
    id: Mapped[int] = mapped_column(primary_key=True)
    grade: Mapped[str] = mapped_column(String(CODE), unique=True)
    family: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))
    density_kg_m3: Mapped[float] = mapped_column(Float)
    price_per_kg: Mapped[float] = mapped_column(Float)
    price_date: Mapped[dt.date] = mapped_column(Date)
    price_source: Mapped[str] = mapped_column(String(500), default="")
    co2_per_kg: Mapped[float] = mapped_column(Float)
    co2_source: Mapped[str] = mapped_column(String(500), default="")
    __table_args__ = (
        CheckConstraint("density_kg_m3 > 0", name="density_positive"),
        CheckConstraint("price_per_kg >= 0", name="price_not_negative"),
        CheckConstraint("co2_per_kg >= 0", name="co2_not_negative"),
    )


class CalendarRow(Base, VersionedMixin):
    __tablename__ = "calendars"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    shifts: Mapped[list[ShiftRow]] = relationship(
        back_populates="calendar", cascade="all, delete-orphan", order_by="ShiftRow.position"
    )
    holidays: Mapped[list[HolidayRow]] = relationship(
        cascade="all, delete-orphan", order_by="HolidayRow.id"
    )
    closures: Mapped[list[ClosureRow]] = relationship(
        cascade="all, delete-orphan", order_by="ClosureRow.id"
    )


class ShiftRow(Base):
    __tablename__ = "calendar_shifts"
    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    weekday: Mapped[int] = mapped_column(Integer)
    start: Mapped[dt.time] = mapped_column(Time)
    end: Mapped[dt.time] = mapped_column(Time)
    name: Mapped[str] = mapped_column(String(500), default="")
    breaks: Mapped[list] = mapped_column(JSON, default=list)
    calendar: Mapped[CalendarRow] = relationship(back_populates="shifts")
    __table_args__ = (CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),)


class HolidayRow(Base):
    __tablename__ = "calendar_holidays"
    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(500), default="")
    __table_args__ = (UniqueConstraint("calendar_id", "date", name="uq_calendar_holidays_day"),)


class ClosureRow(Base):
    __tablename__ = "calendar_closures"
    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"), index=True)
    start: Mapped[dt.datetime] = mapped_column(DateTime)
    end: Mapped[dt.datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(500), default="")
    __table_args__ = (CheckConstraint('"end" > start', name="end_after_start"),)


class WorkCenterRow(Base, VersionedMixin):
    __tablename__ = "work_centers"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))


class MachineRow(Base, VersionedMixin):
    __tablename__ = "machines"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    work_center_id: Mapped[int] = mapped_column(ForeignKey("work_centers.id", ondelete="RESTRICT"), index=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="RESTRICT"), index=True)
    hourly_rate: Mapped[float] = mapped_column(Float)
    power_kw: Mapped[float] = mapped_column(Float)
    max_sheet_length_mm: Mapped[float | None] = mapped_column(Float)
    max_sheet_width_mm: Mapped[float | None] = mapped_column(Float)
    max_thickness_mm: Mapped[dict] = mapped_column(JSON, default=dict)
    bend_length_mm: Mapped[float | None] = mapped_column(Float)
    tonnage_t: Mapped[float | None] = mapped_column(Float)
    setup_times: Mapped[list] = mapped_column(JSON, default=list)  # [[from family, to family, minutes], ...]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    work_center: Mapped[WorkCenterRow] = relationship()
    calendar: Mapped[CalendarRow] = relationship()
    downtimes: Mapped[list[MachineDowntimeRow]] = relationship(
        cascade="all, delete-orphan", order_by="MachineDowntimeRow.id"
    )
    __table_args__ = (
        CheckConstraint("hourly_rate >= 0", name="rate_not_negative"),
        CheckConstraint("power_kw >= 0", name="power_not_negative"),
    )


class MachineDowntimeRow(Base):
    __tablename__ = "machine_downtimes"
    id: Mapped[int] = mapped_column(primary_key=True)
    machine_id: Mapped[int] = mapped_column(ForeignKey("machines.id", ondelete="CASCADE"), index=True)
    start: Mapped[dt.datetime] = mapped_column(DateTime)
    end: Mapped[dt.datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(500), default="")
    __table_args__ = (CheckConstraint('"end" > start', name="end_after_start"),)


class OperatorRow(Base, VersionedMixin):
    __tablename__ = "operators"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    calendar: Mapped[CalendarRow] = relationship()
    skills: Mapped[list[OperatorSkillRow]] = relationship(
        cascade="all, delete-orphan", order_by="OperatorSkillRow.id"
    )


class OperatorSkillRow(Base):
    __tablename__ = "operator_skills"
    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id", ondelete="CASCADE"), index=True)
    work_center_type: Mapped[str] = mapped_column(String(20))
    level: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        UniqueConstraint("operator_id", "work_center_type", name="uq_operator_skills_type"),
        CheckConstraint("level BETWEEN 1 AND 3", name="level_range"),
    )


class CustomerRow(Base, VersionedMixin):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), default="")
    postcode: Mapped[str] = mapped_column(String(500), default="")
    city: Mapped[str] = mapped_column(String(500), default="")
    country: Mapped[str] = mapped_column(String(2), default="NL")
    email: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(500), default="")
    language: Mapped[str] = mapped_column(String(2), default="")  # documents' language; empty: by country


class StockItemRow(Base, VersionedMixin):
    __tablename__ = "stock_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE), unique=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="RESTRICT"), index=True)
    thickness_mm: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(20))
    length_mm: Mapped[float] = mapped_column(Float)
    width_mm: Mapped[float] = mapped_column(Float)
    outline: Mapped[list | None] = mapped_column(JSON)
    quantity: Mapped[int] = mapped_column(Integer)
    heat_number: Mapped[str] = mapped_column(String(500), default="")
    certificate_ref: Mapped[str] = mapped_column(String(500), default="")
    location: Mapped[str] = mapped_column(String(500), default="")
    price_per_sheet: Mapped[float | None] = mapped_column(Float)
    material: Mapped[MaterialRow] = relationship()
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("thickness_mm > 0", name="thickness_positive"),
        CheckConstraint("length_mm > 0 AND width_mm > 0", name="size_positive"),
    )


class RoutingStepColumns:
    """The columns a routing step and a work-order operation share."""

    sequence: Mapped[int] = mapped_column(Integer)
    work_center_type: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(500), default="")
    setup_min: Mapped[float] = mapped_column(Float, default=0)
    run_min_per_piece: Mapped[float] = mapped_column(Float, default=0)
    setup_family: Mapped[str] = mapped_column(String(500), default="")
    unattended: Mapped[bool] = mapped_column(Boolean, default=False)
    may_pause: Mapped[bool] = mapped_column(Boolean, default=False)
    subcontract_lead_days: Mapped[int | None] = mapped_column(Integer)
    supplier: Mapped[str] = mapped_column(String(500), default="")
    min_wait_after_min: Mapped[float] = mapped_column(Float, default=0)


class PartRow(Base, VersionedMixin):
    __tablename__ = "parts"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(CODE), unique=True)
    revision: Mapped[str] = mapped_column(String(500), default="")
    name: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="RESTRICT"), index=True)
    thickness_mm: Mapped[float] = mapped_column(Float)
    geometry_ref: Mapped[str] = mapped_column(String(500), default="")
    length_mm: Mapped[float] = mapped_column(Float, default=0)
    width_mm: Mapped[float] = mapped_column(Float, default=0)
    net_area_mm2: Mapped[float] = mapped_column(Float, default=0)
    cut_length_mm: Mapped[float] = mapped_column(Float, default=0)
    pierces: Mapped[int] = mapped_column(Integer, default=0)
    bends: Mapped[int] = mapped_column(Integer, default=0)
    bend_length_mm: Mapped[float] = mapped_column(Float, default=0)
    weld_length_mm: Mapped[float] = mapped_column(Float, default=0)
    coated_area_m2: Mapped[float] = mapped_column(Float, default=0)
    customer: Mapped[CustomerRow | None] = relationship()
    material: Mapped[MaterialRow] = relationship()
    routing: Mapped[list[RoutingStepRow]] = relationship(
        cascade="all, delete-orphan", order_by="RoutingStepRow.sequence"
    )
    __table_args__ = (CheckConstraint("thickness_mm > 0", name="thickness_positive"),)


class RoutingStepRow(Base, RoutingStepColumns):
    __tablename__ = "routing_steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id", ondelete="CASCADE"), index=True)
    machines: Mapped[list[RoutingStepMachineRow]] = relationship(
        cascade="all, delete-orphan", order_by="RoutingStepMachineRow.position"
    )
    __table_args__ = (UniqueConstraint("part_id", "sequence", name="uq_routing_steps_sequence"),)


class RoutingStepMachineRow(Base):
    __tablename__ = "routing_step_machines"
    step_id: Mapped[int] = mapped_column(ForeignKey("routing_steps.id", ondelete="CASCADE"), primary_key=True)
    machine_id: Mapped[int] = mapped_column(ForeignKey("machines.id", ondelete="RESTRICT"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    machine: Mapped[MachineRow] = relationship()


class OrderRow(Base, VersionedMixin):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(CODE), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"), index=True)
    customer_reference: Mapped[str] = mapped_column(String(500), default="")
    order_date: Mapped[dt.date] = mapped_column(Date)
    release_date: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date] = mapped_column(Date, index=True)
    priority: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    notes: Mapped[str] = mapped_column(String(500), default="")
    delivered_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    customer: Mapped[CustomerRow] = relationship()
    lines: Mapped[list[OrderLineRow]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLineRow.line_no"
    )
    __table_args__ = (
        CheckConstraint("due_date >= release_date", name="due_after_release"),
        CheckConstraint("priority BETWEEN 1 AND 5", name="priority_range"),
    )


class OrderLineRow(Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id", ondelete="RESTRICT"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    unit_price: Mapped[float | None] = mapped_column(Float)
    part: Mapped[PartRow] = relationship()
    order: Mapped[OrderRow] = relationship(back_populates="lines")
    __table_args__ = (
        UniqueConstraint("order_id", "line_no", name="uq_order_lines_line_no"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )


class WorkOrderRow(Base, VersionedMixin):
    __tablename__ = "work_orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(CODE), unique=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="RESTRICT"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id", ondelete="RESTRICT"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    release_date: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), index=True)
    order_line: Mapped[OrderLineRow] = relationship()
    part: Mapped[PartRow] = relationship()
    operations: Mapped[list[WorkOrderOperationRow]] = relationship(
        cascade="all, delete-orphan", order_by="WorkOrderOperationRow.sequence"
    )
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("due_date >= release_date", name="due_after_release"),
    )


class WorkOrderOperationRow(Base, RoutingStepColumns, VersionedMixin):
    __tablename__ = "work_order_operations"
    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    fixed: Mapped[bool] = mapped_column(Boolean, default=False)
    quantity_done: Mapped[int] = mapped_column(Integer, default=0)
    assigned_machine_id: Mapped[int | None] = mapped_column(ForeignKey("machines.id", ondelete="RESTRICT"))
    assigned_machine: Mapped[MachineRow | None] = relationship()
    machines: Mapped[list[OperationMachineRow]] = relationship(
        cascade="all, delete-orphan", order_by="OperationMachineRow.position"
    )
    __table_args__ = (
        UniqueConstraint("work_order_id", "sequence", name="uq_work_order_operations_sequence"),
        CheckConstraint("quantity_done >= 0", name="quantity_done_not_negative"),
    )


class OperationMachineRow(Base):
    __tablename__ = "operation_machines"
    operation_id: Mapped[int] = mapped_column(
        ForeignKey("work_order_operations.id", ondelete="CASCADE"), primary_key=True
    )
    machine_id: Mapped[int] = mapped_column(ForeignKey("machines.id", ondelete="RESTRICT"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    machine: Mapped[MachineRow] = relationship()


class QuoteRow(Base, VersionedMixin):
    __tablename__ = "quotes"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(CODE), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"), index=True)
    quote_date: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(String(500), default="")
    customer: Mapped[CustomerRow] = relationship()
    lines: Mapped[list[QuoteLineRow]] = relationship(
        cascade="all, delete-orphan", order_by="QuoteLineRow.line_no"
    )


class QuoteLineRow(Base):
    __tablename__ = "quote_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id", ondelete="RESTRICT"), index=True)
    part: Mapped[PartRow] = relationship()
    breaks: Mapped[list[QuantityBreakRow]] = relationship(
        cascade="all, delete-orphan", order_by="QuantityBreakRow.quantity"
    )
    __table_args__ = (UniqueConstraint("quote_id", "line_no", name="uq_quote_lines_line_no"),)


class QuantityBreakRow(Base):
    __tablename__ = "quote_breaks"
    id: Mapped[int] = mapped_column(primary_key=True)
    quote_line_id: Mapped[int] = mapped_column(ForeignKey("quote_lines.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[float] = mapped_column(Float)
    lead_time_days: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        UniqueConstraint("quote_line_id", "quantity", name="uq_quote_breaks_quantity"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="price_not_negative"),
    )


class PlanRow(Base):
    """One planning run: its settings, how good it is, and whether it is the plan the shop works to."""

    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    origin: Mapped[dt.datetime] = mapped_column(DateTime)
    horizon_min: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(40))
    time_limit_s: Mapped[float] = mapped_column(Float)
    elapsed_s: Mapped[float] = mapped_column(Float)
    first_plan_s: Mapped[float] = mapped_column(Float)
    late_jobs: Mapped[int] = mapped_column(Integer)
    tardiness_min: Mapped[int] = mapped_column(Integer)
    setup_min: Mapped[int] = mapped_column(Integer)
    flow_time_min: Mapped[int] = mapped_column(Integer)
    # weighted minutes late that no plan avoids (each order alone in the shop); None for older plans
    unavoidable_tardiness_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # machines late orders must share (the only one for one of their steps): [{machine, orders, minutes}]
    shared_machines: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    is_current: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    unplanned: Mapped[list] = mapped_column(JSON, default=list)
    # pins the plan could not keep: [{operation, order, reason (a code), detail}]; those operations are unpinned
    dropped_pins: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    operations: Mapped[list[PlanOperationRow]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanOperationRow.start"
    )
    jobs: Mapped[list[PlanJobRow]] = relationship(cascade="all, delete-orphan", order_by="PlanJobRow.id")


class PlanOperationRow(Base):
    __tablename__ = "plan_operations"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    op_key: Mapped[str] = mapped_column(String(120))
    job_key: Mapped[str] = mapped_column(String(80))
    order_number: Mapped[str] = mapped_column(String(CODE), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    work_center_type: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(500), default="")
    machine_id: Mapped[int | None] = mapped_column(ForeignKey("machines.id", ondelete="SET NULL"), index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id", ondelete="SET NULL"))
    start: Mapped[dt.datetime] = mapped_column(DateTime)
    end: Mapped[dt.datetime] = mapped_column(DateTime)
    setup_min: Mapped[int] = mapped_column(Integer, default=0)
    plan: Mapped[PlanRow] = relationship(back_populates="operations")
    machine: Mapped[MachineRow | None] = relationship()
    operator: Mapped[OperatorRow | None] = relationship()
    __table_args__ = (
        UniqueConstraint("plan_id", "op_key", name="uq_plan_operations_key"),
        CheckConstraint('"end" >= start', name="end_not_before_start"),
    )


class PlanJobRow(Base):
    __tablename__ = "plan_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    job_key: Mapped[str] = mapped_column(String(80))
    order_number: Mapped[str] = mapped_column(String(CODE))
    due: Mapped[dt.datetime] = mapped_column(DateTime)
    completion: Mapped[dt.datetime] = mapped_column(DateTime)
    tardiness_min: Mapped[int] = mapped_column(Integer)
    late: Mapped[bool] = mapped_column(Boolean)
    earliest: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)  # with the shop to itself
    late_reason: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # maakbaar.reasons.Reason.to_json()
    __table_args__ = (UniqueConstraint("plan_id", "job_key", name="uq_plan_jobs_key"),)


class NestRow(Base):
    """One nesting run for a material and thickness: its sheets, the order lines it covers, its remnants."""

    __tablename__ = "nests"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    material: Mapped[str] = mapped_column(String(CODE), index=True)
    thickness_mm: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="planned")  # planned, cut, cancelled
    method: Mapped[str] = mapped_column(String(60))
    time_limit_s: Mapped[float] = mapped_column(Float)
    elapsed_s: Mapped[float] = mapped_column(Float)
    spacing_mm: Mapped[float] = mapped_column(Float)
    margin_mm: Mapped[float] = mapped_column(Float)
    utilisation: Mapped[float] = mapped_column(Float)
    sheet_cost: Mapped[float] = mapped_column(Float)
    scrap_area_mm2: Mapped[float] = mapped_column(Float)
    remnant_area_mm2: Mapped[float] = mapped_column(Float)
    parts: Mapped[list] = mapped_column(JSON, default=list)  # the part shapes as nested, to draw the sheets again
    notes: Mapped[list] = mapped_column(JSON, default=list)
    unplaced: Mapped[list] = mapped_column(JSON, default=list)
    sheets: Mapped[list[NestSheetRow]] = relationship(
        back_populates="nest", cascade="all, delete-orphan", order_by="NestSheetRow.position"
    )
    lines: Mapped[list[NestLineRow]] = relationship(cascade="all, delete-orphan", order_by="NestLineRow.id")


class NestSheetRow(Base):
    __tablename__ = "nest_sheets"
    id: Mapped[int] = mapped_column(primary_key=True)
    nest_id: Mapped[int] = mapped_column(ForeignKey("nests.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    stock_code: Mapped[str] = mapped_column(String(CODE))
    sheet_index: Mapped[int] = mapped_column(Integer)
    length_mm: Mapped[float] = mapped_column(Float)
    width_mm: Mapped[float] = mapped_column(Float)
    outline: Mapped[list | None] = mapped_column(JSON, nullable=True)
    is_remnant: Mapped[bool] = mapped_column(Boolean, default=False)
    part_count: Mapped[int] = mapped_column(Integer)
    part_area_mm2: Mapped[float] = mapped_column(Float)
    sheet_area_mm2: Mapped[float] = mapped_column(Float)
    cut_seconds: Mapped[float] = mapped_column(Float)
    cost: Mapped[float] = mapped_column(Float)
    placements: Mapped[list] = mapped_column(JSON, default=list)
    offcut: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # remnant cut from this sheet, if kept
    nest: Mapped[NestRow] = relationship(back_populates="sheets")
    __table_args__ = (UniqueConstraint("nest_id", "position", name="uq_nest_sheets_position"),)


class NestLineRow(Base):
    __tablename__ = "nest_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    nest_id: Mapped[int] = mapped_column(ForeignKey("nests.id", ondelete="CASCADE"), index=True)
    order_number: Mapped[str] = mapped_column(String(CODE), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    part_number: Mapped[str] = mapped_column(String(CODE))
    quantity: Mapped[int] = mapped_column(Integer)
    material_cost: Mapped[float] = mapped_column(Float)


class UserRow(Base, VersionedMixin):
    """Someone who logs in: office staff with a password, operators also with a badge number and PIN."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(CODE), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # admin, planner, estimator, operator, viewer
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    badge: Mapped[str | None] = mapped_column(String(CODE), unique=True, nullable=True)
    pin_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    operator_code: Mapped[str | None] = mapped_column(String(CODE), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_login: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # wrong passwords or PINs in a row; from five on the account waits, from ten an admin must lift it
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # sessions carry it: log-out and a password change raise it, which ends every session of the user
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'planner', 'estimator', 'operator', 'viewer')", name="role_known"),
    )


class JobRow(Base):
    """Long work (planning, nesting) run by the background worker; the page polls its progress."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), index=True)  # queued, running, done, failed
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    progress: Mapped[str] = mapped_column(String(500), default="")
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(CODE), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class TimeEntryRow(Base):
    """Time an operator spent on an operation (setup or run), with the pieces he reported at its end."""

    __tablename__ = "time_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("work_order_operations.id", ondelete="CASCADE"), index=True)
    op_key: Mapped[str] = mapped_column(String(120), index=True)
    operator_code: Mapped[str] = mapped_column(String(CODE), index=True)
    machine_code: Mapped[str | None] = mapped_column(String(CODE), nullable=True)
    activity: Mapped[str] = mapped_column(String(10))  # setup, run
    unattended: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    end_reason: Mapped[str] = mapped_column(String(200), default="")
    good_qty: Mapped[int] = mapped_column(Integer, default=0)
    scrap_qty: Mapped[int] = mapped_column(Integer, default=0)
    auto_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (
        CheckConstraint("activity IN ('setup', 'run')", name="activity_known"),
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        CheckConstraint("good_qty >= 0 AND scrap_qty >= 0", name="quantities_not_negative"),
        # one open entry per operator and operation: two terminals can never both start the same person twice
        Index("uq_time_entries_open", "operation_id", "operator_code", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
    )


class FloorEventRow(Base):
    """Every booking from the floor, once: a request repeated after a network hiccup has the same key."""

    __tablename__ = "floor_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    operator_code: Mapped[str] = mapped_column(String(CODE))
    op_key: Mapped[str] = mapped_column(String(120), index=True)
    action: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    handled: Mapped[bool] = mapped_column(Boolean, default=False)  # for the planner: breakdowns, quality
