"""Shared building blocks of the domain model: base class, identifiers, enumerations, errors."""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, ValidationError

FIRST_DATE = dt.date(1990, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _sane_date(value: dt.date) -> dt.date:
    """Dates a job shop plans with: 1990 to 2100. 'No end date' exports (9999-12-31) and empty dates written
    as 0001-01-01 are refused with this reason instead of breaking planning for the whole shop."""
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"{value} is not a date to plan with (between {FIRST_DATE} and {LAST_DATE}); "
                         "a 'no end date' value such as 9999-12-31 needs a real due date")
    return value


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("contains control characters (such as NUL); type the text again")
    return value


ShopDate = Annotated[dt.date, AfterValidator(_sane_date)]
"""A date between 1990 and 2100."""

Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._/+#\-]*$"),
]
"""A short human identifier: material grade, machine code, order number, ..."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(_no_control_characters)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                 AfterValidator(_no_control_characters)]


class DomainModel(BaseModel):
    """Immutable, validated value. Unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True, allow_inf_nan=False)


class MaterialFamily(enum.StrEnum):
    STEEL = "steel"
    STAINLESS = "stainless"
    ALUMINIUM = "aluminium"
    GALVANISED = "galvanised"
    COPPER = "copper"
    BRASS = "brass"
    OTHER = "other"


class WorkCenterType(enum.StrEnum):
    LASER = "laser"
    TUBE_LASER = "tube_laser"
    PRESS_BRAKE = "press_brake"
    WELDING = "welding"
    CNC_MILLING = "cnc_milling"
    CNC_TURNING = "cnc_turning"
    DEBURRING = "deburring"
    ASSEMBLY = "assembly"
    COATING = "coating"
    INSPECTION = "inspection"
    SUBCONTRACT = "subcontract"


class StockKind(enum.StrEnum):
    SHEET = "sheet"
    REMNANT = "remnant"


class OrderStatus(enum.StrEnum):
    QUOTED = "quoted"
    ORDERED = "ordered"
    RELEASED = "released"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self in (OrderStatus.QUOTED, OrderStatus.ORDERED, OrderStatus.RELEASED, OrderStatus.IN_PROGRESS)


class OperationStatus(enum.StrEnum):
    PENDING = "pending"
    STARTED = "started"
    PAUSED = "paused"
    DONE = "done"


class QuoteStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"


class DomainError(ValueError):
    """A rule of the shop's data is broken. ``field`` names where, e.g. ``parts[P-100].material``."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def describe_validation_error(error: ValidationError, prefix: str = "") -> list[str]:
    """Turn pydantic's error into plain lines ``field.path: reason`` a shop can read."""
    lines = []
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"])
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        message = item["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        lines.append(f"{path}: {message}" if path else message)
    return lines
