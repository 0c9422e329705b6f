"""Reason codes with their values: what an engine says instead of a sentence.

An engine (planning, nesting, costing, the floor's booking rules) answers "why" with a ``Reason``: a code such as
``late.held_up`` and the values the message needs (an order number, a duration, a day). The catalogue
(``maakbaar.i18n.say``) turns it into the reader's language; a stored plan keeps the reason itself
(``to_json``/``from_json``), so the same plan reads in Dutch on the floor and in English in the API.

Values are plain: text, whole numbers, numbers, other reasons, tuples of these, and three marked kinds that each
language writes its own way: ``Minutes`` (a duration: 45 min, 3,5 u, 2,1 d), ``Day`` (a date: ma 7 dec),
``Moment`` (a date and clock time: ma 7 dec 14:30), ``Share`` (a fraction shown as a percentage) and ``Figure`` (a
number with its decimals: 0,012). A value
named ``n`` chooses the message's plural form. Reasons are immutable and hashable, so rows that carry them can be
cached per value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


# ``str()`` of a marked value is its plain English form, for the English message pydantic and the logs keep.


@dataclass(frozen=True)
class Minutes:
    value: int

    def __str__(self) -> str:
        return f"{self.value} min"


@dataclass(frozen=True)
class Day:
    """A date; ``form`` as ``i18n.day`` writes it: ``weekday`` (ma 7 dec) or ``medium`` (7 dec 2026)."""

    value: dt.date
    form: str = "weekday"

    def __str__(self) -> str:
        return self.value.isoformat()


@dataclass(frozen=True)
class Moment:
    value: dt.datetime

    def __str__(self) -> str:
        return self.value.isoformat(sep=" ", timespec="minutes")


@dataclass(frozen=True)
class Share:
    value: float

    def __str__(self) -> str:
        return f"{self.value:.0%}"


@dataclass(frozen=True)
class Figure:
    """A measured number with the decimals it deserves (a gap of 0,012 mm, a size of 2.400 mm)."""

    value: float
    digits: int = 1

    def __str__(self) -> str:
        return f"{self.value:.{self.digits}f}"


def size(value: float) -> Figure:
    """A size as a reason's value: a whole number without decimals (500 mm), else with one (12,5 mm)."""
    return Figure(float(value), 0 if float(value).is_integer() else 1)


def _frozen(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        raise TypeError("a reason's value cannot be a dict; give a Reason")
    return value


@dataclass(frozen=True)
class Reason:
    code: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, code: str, **values: Any) -> Reason:
        """``Reason.of("late.late", order="O-1", late=Minutes(90))``; values left as None are left out."""
        return cls(code, tuple(sorted((k, _frozen(v)) for k, v in values.items() if v is not None)))

    def get(self, name: str, default: Any = None) -> Any:
        return dict(self.values).get(name, default)

    def to_json(self) -> dict:
        return {"code": self.code, **{k: _encode(v) for k, v in self.values}}

    @classmethod
    def from_json(cls, data: dict | str | None) -> Reason | None:
        """The stored form back; text from before reasons were stored (or written by hand) becomes ``text``."""
        if not data:
            return None
        if isinstance(data, str):
            return cls.of("text", text=data)
        data = dict(data)
        code = str(data.pop("code", "text"))
        return cls(code, tuple(sorted((k, _decode(v)) for k, v in data.items())))

    def __str__(self) -> str:
        """The reason in English, for logs and the English message pydantic keeps (people read ``i18n.say``)."""
        from .i18n import say

        return say(self, "en")


class Refusal(ValueError):
    """An engine's refusal (a part too thick for the laser, a factor the set lacks): ``code`` and ``values`` for
    the reader (``reason``), ``message`` in English for the logs."""

    def __init__(self, code: str, message: str, **values: Any):
        super().__init__(message)
        self.code, self.params = code, values

    @property
    def reason(self) -> Reason:
        return Reason.of(self.code, **self.params)


def _encode(value: Any) -> Any:
    if isinstance(value, Reason):
        return value.to_json()
    if isinstance(value, Minutes):
        return {"minutes": value.value}
    if isinstance(value, Moment):
        return {"at": value.value.isoformat(timespec="minutes")}
    if isinstance(value, Day):
        return {"date": value.value.isoformat(), **({"form": value.form} if value.form != "weekday" else {})}
    if isinstance(value, Share):
        return {"share": value.value}
    if isinstance(value, Figure):
        return {"figure": value.value, "digits": value.digits}
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if isinstance(value, dict):
        if "code" in value:
            return Reason.from_json(value)
        if "minutes" in value:
            return Minutes(int(value["minutes"]))
        if "at" in value:
            return Moment(dt.datetime.fromisoformat(value["at"]))
        if "date" in value:
            return Day(dt.date.fromisoformat(value["date"]), str(value.get("form", "weekday")))
        if "share" in value:
            return Share(float(value["share"]))
        if "figure" in value:
            return Figure(float(value["figure"]), int(value.get("digits", 1)))
    return value


__all__ = ["Day", "Figure", "Minutes", "Moment", "Reason", "Refusal", "Share", "size"]
