"""Working-time calendars: weekly shifts with breaks, holidays, one-off closures, downtime windows."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator, model_validator

from ..reasons import Day, Moment, Reason
from .common import Code, DomainModel, Name, Text, refusal

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


class Break(DomainModel):
    start: dt.time
    end: dt.time


class Shift(DomainModel):
    """One shift on one weekday. ``end`` at or before ``start`` means the shift runs past midnight."""

    weekday: int = Field(ge=0, le=6, description="0 = Monday ... 6 = Sunday")
    start: dt.time
    end: dt.time
    name: Text = ""
    breaks: tuple[Break, ...] = ()

    @property
    def start_minute_of_week(self) -> int:
        return self.weekday * MINUTES_PER_DAY + _minutes(self.start)

    @property
    def duration_min(self) -> int:
        length = (_minutes(self.end) - _minutes(self.start)) % MINUTES_PER_DAY
        return length or MINUTES_PER_DAY

    def _offset(self, t: dt.time) -> int:
        return (_minutes(t) - _minutes(self.start)) % MINUTES_PER_DAY

    @model_validator(mode="after")
    def _breaks_inside_and_apart(self):
        spans = []
        for i, brk in enumerate(self.breaks):
            a, b = self._offset(brk.start), self._offset(brk.end)
            if not (0 < a < b < self.duration_min):
                raise refusal("domain.break_outside", "breaks[{i}] {brk} lies outside the shift {shift}", i=i,
                              brk=f"{brk.start:%H:%M}-{brk.end:%H:%M}", shift=f"{self.start:%H:%M}-{self.end:%H:%M}")
            spans.append((a, b, i))
        spans.sort()
        for (a1, b1, i1), (a2, b2, i2) in zip(spans, spans[1:]):
            if a2 < b1:
                raise refusal("domain.breaks_overlap", "breaks[{a}] and breaks[{b}] overlap", a=i1, b=i2)
        return self

    @property
    def working_min(self) -> int:
        return self.duration_min - sum(self._offset(b.end) - self._offset(b.start) for b in self.breaks)

    def working_spans(self) -> list[tuple[int, int]]:
        """Working minutes of this shift as (start, end) offsets from its start, breaks cut out."""
        spans, cursor = [], 0
        for brk in sorted(self.breaks, key=lambda b: self._offset(b.start)):
            spans.append((cursor, self._offset(brk.start)))
            cursor = self._offset(brk.end)
        spans.append((cursor, self.duration_min))
        return [(a, b) for a, b in spans if b > a]


class Holiday(DomainModel):
    date: dt.date
    name: Text = ""


class Closure(DomainModel):
    """A period in which nobody works to this calendar (company closure) or a machine is down."""

    start: dt.datetime
    end: dt.datetime
    reason: Text = ""

    @model_validator(mode="after")
    def _end_after_start(self):
        if self.end <= self.start:
            raise refusal("domain.end_after_start", "end ({end}) must be after start ({start})", end=Moment(self.end),
                          start=Moment(self.start))
        return self


class Calendar(DomainModel):
    """A named working-time pattern: the weekly shifts minus holidays and closures."""

    code: Code
    name: Name
    shifts: tuple[Shift, ...] = Field(min_length=1)
    holidays: tuple[Holiday, ...] = ()
    closures: tuple[Closure, ...] = ()

    @field_validator("shifts")
    @classmethod
    def _shifts_do_not_overlap(cls, shifts: tuple[Shift, ...]):
        spans = []
        for i, shift in enumerate(shifts):
            start = shift.start_minute_of_week
            end = start + shift.duration_min
            spans.append((start, end, i))
            if end > MINUTES_PER_WEEK:  # Sunday night into Monday morning
                spans.append((start - MINUTES_PER_WEEK, end - MINUTES_PER_WEEK, i))
        spans.sort()
        for (a1, b1, i1), (a2, b2, i2) in zip(spans, spans[1:]):
            if a2 < b1 and i1 != i2:
                s1, s2 = shifts[i1], shifts[i2]
                raise refusal("domain.shifts_overlap", "shifts[{a}] ({day_a} {span_a}) overlaps shifts[{b}] ({day_b} "
                              "{span_b})", a=i1, b=i2, day_a=Reason.of(f"weekday.{s1.weekday}"),
                              day_b=Reason.of(f"weekday.{s2.weekday}"), span_a=f"{s1.start:%H:%M}-{s1.end:%H:%M}",
                              span_b=f"{s2.start:%H:%M}-{s2.end:%H:%M}")
        return shifts

    @field_validator("holidays")
    @classmethod
    def _holidays_unique(cls, holidays: tuple[Holiday, ...]):
        seen = set()
        for i, holiday in enumerate(holidays):
            if holiday.date in seen:
                raise refusal("domain.holiday_twice", "holidays[{i}]: {day} is listed twice", i=i,
                              day=Day(holiday.date, "medium"))
            seen.add(holiday.date)
        return holidays

    @property
    def weekly_hours(self) -> float:
        return sum(s.working_min for s in self.shifts) / 60

    def working_intervals(
        self, start: dt.datetime, end: dt.datetime, extra_closures: tuple[Closure, ...] = ()
    ) -> list[tuple[dt.datetime, dt.datetime]]:
        """Working time between ``start`` and ``end``: shifts minus breaks, holidays and closures, merged."""
        if end <= start:
            return []
        holidays = {h.date for h in self.holidays}
        pieces: list[tuple[dt.datetime, dt.datetime]] = []
        day = start.date() - dt.timedelta(days=1)  # a night shift of the day before may reach into the window
        while day <= end.date():
            if day not in holidays:
                for shift in self.shifts:
                    if shift.weekday != day.weekday():
                        continue
                    shift_start = dt.datetime.combine(day, shift.start, tzinfo=start.tzinfo)
                    for a, b in shift.working_spans():
                        pieces.append((shift_start + dt.timedelta(minutes=a), shift_start + dt.timedelta(minutes=b)))
            day += dt.timedelta(days=1)
        pieces = [(max(a, start), min(b, end)) for a, b in pieces if b > start and a < end]
        for closure in (*self.closures, *extra_closures):
            cut = []
            for a, b in pieces:
                if closure.end <= a or closure.start >= b:
                    cut.append((a, b))
                    continue
                if closure.start > a:
                    cut.append((a, closure.start))
                if closure.end < b:
                    cut.append((closure.end, b))
            pieces = cut
        pieces.sort()
        merged: list[tuple[dt.datetime, dt.datetime]] = []
        for a, b in pieces:
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        return merged
