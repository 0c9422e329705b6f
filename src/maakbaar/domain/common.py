"""Shared building blocks of the domain model: base class, identifiers, enumerations, errors."""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from ..reasons import Day, Reason

FIRST_DATE = dt.date(1990, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _sane_date(value: dt.date) -> dt.date:
    """Dates a job shop plans with: 1990 to 2100. 'No end date' exports (9999-12-31) and empty dates written
    as 0001-01-01 are refused with this reason instead of breaking planning for the whole shop."""
    if not FIRST_DATE <= value <= LAST_DATE:
        raise refusal("domain.date_out_of_range",
                      "{value} is not a date to plan with (between {first} and {last}); a 'no end date' value such "
                      "as 9999-12-31 needs a real due date",
                      value=value.isoformat(), first=Day(FIRST_DATE, "medium"), last=Day(LAST_DATE, "medium"))
    return value


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise refusal("domain.control_characters", "contains control characters (such as NUL); type the text again")
    return value


def refusal(code: str, message: str, **values) -> PydanticCustomError:
    """A broken rule of the shop's data, raised in a validator: pydantic's error whose type is the message key
    ``code`` (``domain.*``) and whose context holds the values; ``message`` is its English form with the values
    as ``{placeholders}`` (the logs', and pydantic's own ``str``)."""
    return PydanticCustomError(code, message, values)


def validation_reasons(error: ValidationError, prefix: str = "") -> list[Reason]:
    """Pydantic's problems as reasons, each naming its field path (``field``)."""
    out = []
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"])
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        out += [Reason.of("field", field=path, problem=r) if path else r for r in problem_reasons(item)]
    return out


def problem_reasons(item: dict) -> list[Reason]:
    """One of pydantic's problems (an item of ``ValidationError.errors()``) as reasons: a domain rule by its own
    code (``refusal``; the references check gives each broken reference), one of pydantic's checks as
    ``pydantic.<type>`` with its limit and its English text (shown for a check the catalogue does not hold)."""
    context = dict(item.get("ctx") or {})
    kind = item["type"]
    if "." in kind:  # ours (``refusal``)
        problems = context.pop("problems", None)
        return list(problems) if isinstance(problems, tuple) else [Reason.of(kind, **context)]
    context = {k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in context.items() if k != "error"}
    if "expected" in context:  # "'x' or 'y'": the choices without pydantic's English "or"
        context["expected"] = str(context["expected"]).replace(" or ", " / ")
    return [Reason.of(f"pydantic.{kind}", text=item["msg"].removeprefix("Value error, "), **context)]


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
