"""Shared building blocks of the domain model: base class, identifiers, enumerations, errors."""

from __future__ import annotations

import enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._/+#\-]*$"),
]
"""A short human identifier: material grade, machine code, order number, ..."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class DomainModel(BaseModel):
    """Immutable, validated value. Unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


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
