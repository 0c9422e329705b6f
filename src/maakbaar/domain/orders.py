"""Customer orders, work orders with their operations, and quotes."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator, model_validator

from ..reasons import Day
from .common import (Code, DomainModel, OperationStatus, OrderStatus, QuoteStatus, ShopDate, Text, WorkCenterType,
                     refusal)
from .parts import RoutingStep, check_sequences

PRIORITY_NORMAL = 3


class OrderLine(DomainModel):
    line_no: int = Field(ge=1, le=9999)
    part: Code
    quantity: int = Field(gt=0, le=10_000_000)
    due_date: ShopDate | None = Field(default=None, description="defaults to the order's due date")
    unit_price: float | None = Field(default=None, ge=0, le=1e9)


class Order(DomainModel):
    """A customer order. Priority 1 (low) to 5 (rush); late orders weigh by priority in planning."""

    number: Code
    customer: Code
    customer_reference: Text = ""
    order_date: ShopDate
    release_date: ShopDate = Field(description="earliest start: material arrives, drawings approved")
    due_date: ShopDate
    priority: int = Field(default=PRIORITY_NORMAL, ge=1, le=5)
    status: OrderStatus = OrderStatus.ORDERED
    notes: Text = ""
    delivered_date: ShopDate | None = Field(default=None, description="when it went to the customer")
    lines: tuple[OrderLine, ...] = Field(min_length=1)

    @field_validator("lines")
    @classmethod
    def _unique_line_numbers(cls, lines: tuple[OrderLine, ...]):
        seen = set()
        for i, line in enumerate(lines):
            if line.line_no in seen:
                raise refusal("domain.line_twice", "[{i}].line_no: line {line} appears twice", i=i, line=line.line_no)
            seen.add(line.line_no)
        return lines

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.due_date < self.release_date:
            raise refusal("domain.due_before_release", "due_date: {due} is before release_date {release}",
                          due=Day(self.due_date, "medium"), release=Day(self.release_date, "medium"))
        for line in self.lines:
            if line.due_date is not None and line.due_date < self.release_date:
                raise refusal("domain.line_due_before_release", "lines[{line}].due_date: {due} is before "
                              "release_date {release}", line=line.line_no, due=Day(line.due_date, "medium"),
                              release=Day(self.release_date, "medium"))
        return self

    def line_due_date(self, line: OrderLine) -> dt.date:
        return line.due_date or self.due_date


class WorkOrderOperation(RoutingStep):
    """A routing step copied into a work order, editable there, with its progress on the floor."""

    status: OperationStatus = OperationStatus.PENDING
    fixed: bool = Field(default=False, description="planner pinned it: replanning must not move it")
    quantity_done: int = Field(default=0, ge=0)
    assigned_machine: Code | None = None

    @model_validator(mode="after")
    def _assigned_is_eligible(self):
        if (
            self.assigned_machine is not None
            and self.work_center_type != WorkCenterType.SUBCONTRACT
            and self.assigned_machine not in self.eligible_machines
        ):
            raise refusal("domain.assigned_not_eligible", "assigned_machine: {machine} is not among the eligible "
                          "machines {eligible} of step {step}", machine=self.assigned_machine,
                          eligible=", ".join(self.eligible_machines), step=self.sequence)
        return self

    @classmethod
    def from_routing_step(cls, step: RoutingStep) -> WorkOrderOperation:
        return cls(**step.model_dump())


class WorkOrder(DomainModel):
    """The production of one order line: its operations are the part's routing, copied and editable."""

    number: Code
    order: Code
    line_no: int = Field(ge=1)
    part: Code
    quantity: int = Field(gt=0, le=10_000_000)
    release_date: ShopDate
    due_date: ShopDate
    status: OrderStatus = OrderStatus.RELEASED
    operations: tuple[WorkOrderOperation, ...] = Field(min_length=1)

    @field_validator("operations")
    @classmethod
    def _operations_in_order(cls, operations):
        return check_sequences(operations)

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.due_date < self.release_date:
            raise refusal("domain.due_before_release", "due_date: {due} is before release_date {release}",
                          due=Day(self.due_date, "medium"), release=Day(self.release_date, "medium"))
        for op in self.operations:
            if op.quantity_done > self.quantity:
                raise refusal("domain.done_over_quantity", "operations[{step}].quantity_done: {done} is more than "
                              "the work order quantity {quantity}", step=op.sequence, done=op.quantity_done,
                              quantity=self.quantity)
        return self


class QuantityBreak(DomainModel):
    quantity: int = Field(gt=0, le=10_000_000)
    unit_price: float = Field(ge=0, le=1e9)
    lead_time_days: int = Field(default=10, ge=0, le=365)


class QuoteLine(DomainModel):
    line_no: int = Field(ge=1)
    part: Code
    breaks: tuple[QuantityBreak, ...] = Field(min_length=1)

    @field_validator("breaks")
    @classmethod
    def _ascending_quantities(cls, breaks: tuple[QuantityBreak, ...]):
        quantities = [b.quantity for b in breaks]
        if quantities != sorted(set(quantities)):
            raise refusal("domain.breaks_ascending", "quantities {quantities} must be distinct and ascending",
                          quantities=", ".join(map(str, quantities)))
        return breaks


class Quote(DomainModel):
    number: Code
    customer: Code
    quote_date: ShopDate
    valid_until: ShopDate
    status: QuoteStatus = QuoteStatus.DRAFT
    notes: Text = ""
    lines: tuple[QuoteLine, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _valid_after_date(self):
        if self.valid_until < self.quote_date:
            raise refusal("domain.valid_before_quote", "valid_until: {valid} is before quote_date {date}",
                          valid=Day(self.valid_until, "medium"), date=Day(self.quote_date, "medium"))
        line_numbers = [line.line_no for line in self.lines]
        if len(set(line_numbers)) != len(line_numbers):
            raise refusal("domain.line_number_twice", "lines: a line number appears twice")
        return self
