"""One clock for the whole product: every service, page and command reads 'now' and 'today' here.

The clock runs with the machine's time unless it is set:
- ``MAAKBAAR_NOW=2027-12-06`` (or ``2027-12-06T08:00``) in the environment starts it at that moment and lets it
  run on from there: a demonstration on another day, or the test suite run as if it were a year later (CI does).
- ``set_now(moment)`` does the same from code; ``frozen(moment)`` stops it at a moment for a test.

Engines take their times as arguments and never read a clock.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager

_offset = dt.timedelta(0)
_frozen: dt.datetime | None = None


def parse_moment(text: str) -> dt.datetime:
    """'2027-12-06' (that date at the machine's time of day) or '2027-12-06T08:00'."""
    text = text.strip()
    if "T" in text or " " in text:
        return dt.datetime.fromisoformat(text)
    day = dt.date.fromisoformat(text)
    return dt.datetime.combine(day, dt.datetime.now().time())


def now() -> dt.datetime:
    """The current local time (naive, as stored)."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now() + _offset


def today() -> dt.date:
    return now().date()


def set_now(moment: dt.datetime | None) -> None:
    """Run the clock from ``moment`` on (None: the machine's time again)."""
    global _offset, _frozen
    _frozen = None
    _offset = dt.timedelta(0) if moment is None else moment - dt.datetime.now()


def state() -> tuple[dt.timedelta, dt.datetime | None]:
    """How the clock is set now, for ``restore`` (a test that moves the clock puts it back)."""
    return _offset, _frozen


def restore(saved: tuple[dt.timedelta, dt.datetime | None]) -> None:
    global _offset, _frozen
    _offset, _frozen = saved


@contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    """The clock stands at ``moment`` inside the block."""
    global _frozen
    before = _frozen
    _frozen = moment
    try:
        yield
    finally:
        _frozen = before


def _from_environment() -> None:
    value = os.environ.get("MAAKBAAR_NOW", "").strip()
    if value:
        try:
            set_now(parse_moment(value))
        except ValueError:
            raise SystemExit(f"MAAKBAAR_NOW={value!r} is not a date (YYYY-MM-DD) or a moment (YYYY-MM-DDTHH:MM)") from None


_from_environment()
