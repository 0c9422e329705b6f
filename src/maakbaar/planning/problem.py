"""The planning problem as immutable, validated plain data. Time is in whole minutes from ``origin``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cached_property

from ..reasons import Refusal
from .timeline import Window, Windows

CRITERIA = ("late_jobs", "tardiness", "setup", "flow_time")


def objective_order(names) -> tuple[str, ...]:
    """The objectives a user asked for, in order; ValueError naming what is wrong unless each is one of
    ``CRITERIA`` at most once."""
    criteria = tuple(str(n).strip() for n in names if str(n).strip())
    unknown = [c for c in criteria if c not in CRITERIA]
    if unknown or not criteria or len(set(criteria)) != len(criteria):
        raise Refusal("plan.objectives", f"give each of {', '.join(CRITERIA)} at most once (unknown: "
                      f"{', '.join(unknown) or 'none'})", criteria=", ".join(CRITERIA), unknown=", ".join(unknown) or "-")
    return criteria


MINUTES_PER_DAY = 1440


class ProblemError(ValueError):
    """The problem data is inconsistent; the message names what and where."""


@dataclass(frozen=True)
class MachineSpec:
    """A machine: its working windows, the setup family it starts with, and its changeover times:
    ``setup_times`` rows (from family, to family, minutes), families as patterns (``*`` for any text)."""

    code: str
    type: str
    windows: tuple[Window, ...]
    initial_family: str = ""
    setup_times: tuple[tuple[str, str, int], ...] = ()

    @cached_property
    def calendar(self) -> Windows:
        return Windows(self.windows)

    @cached_property
    def _changeovers(self) -> dict[tuple[str, str], int | None]:
        return {}

    def changeover(self, previous_family: str, op: OperationSpec) -> int:
        """Setup minutes ``op`` needs here after an operation of ``previous_family``: none for the same
        family or for started work; else the first row of ``setup_times`` matching both families; else the
        operation's own setup time."""
        if op.in_progress or (op.setup_family and op.setup_family == previous_family):
            return 0
        if op.setup_family and previous_family and self.setup_times:
            key = (previous_family, op.setup_family)
            cache = self._changeovers
            if key not in cache:
                cache[key] = next((minutes for source, target, minutes in self.setup_times
                                   if fnmatchcase(previous_family, source) and fnmatchcase(op.setup_family, target)),
                                  None)
            if cache[key] is not None:
                return cache[key]
        return op.setup


@dataclass(frozen=True)
class OperatorSpec:
    code: str
    windows: tuple[Window, ...]
    skills: Mapping[str, int]

    @cached_property
    def calendar(self) -> Windows:
        return Windows(self.windows)

    def can_do(self, work_center_type: str, min_level: int = 1) -> bool:
        return self.skills.get(work_center_type, 0) >= min_level


@dataclass(frozen=True)
class OperationSpec:
    """One operation. ``run`` is minutes per machine (setup excluded); subcontracted steps have ``lead_days``."""

    key: str
    job: str
    sequence: int
    work_center_type: str
    run: Mapping[str, int] = field(default_factory=dict)
    setup: int = 0
    setup_family: str = ""
    may_pause: bool = False
    unattended: bool = False
    lead_days: int | None = None
    wait_after: int = 0
    min_skill: int = 1
    needs_operator: bool = True
    fixed_machine: str | None = None
    fixed_start: int | None = None
    in_progress: bool = False
    paused: bool = False  # started earlier, nobody on it now (in_progress too)
    label: str = ""

    @property
    def is_subcontracted(self) -> bool:
        return self.lead_days is not None

    @property
    def held(self) -> bool:
        """Pinned or started: every plan has it where it is, no search step moves it."""
        return self.fixed_start is not None or self.in_progress

    @property
    def eligible(self) -> tuple[str, ...]:
        if self.fixed_machine is not None:
            return (self.fixed_machine,)
        return tuple(self.run)

    def operator_needed(self, setup_applied: int) -> bool:
        if self.is_subcontracted or not self.needs_operator:
            return False
        return not self.unattended or setup_applied > 0


@dataclass(frozen=True)
class JobSpec:
    """A work order (or an order line not yet released): operations in sequence, a release and a due time."""

    key: str
    order: str
    release: int
    due: int
    weight: int
    operations: tuple[OperationSpec, ...]
    part: str = ""
    quantity: int = 0
    label: str = ""


@dataclass(frozen=True)
class PlanningProblem:
    origin: dt.datetime
    horizon: int
    machines: tuple[MachineSpec, ...]
    operators: tuple[OperatorSpec, ...]
    jobs: tuple[JobSpec, ...]
    workdays: frozenset[int] = frozenset(range(-7, 400))
    criteria: tuple[str, ...] = CRITERIA

    def __post_init__(self):
        problems = []
        if self.horizon <= 0:
            problems.append(f"horizon must be > 0 minutes, got {self.horizon}")
        machine_codes = [m.code for m in self.machines]
        if len(set(machine_codes)) != len(machine_codes):
            problems.append("a machine code appears twice")
        operator_codes = [o.code for o in self.operators]
        if len(set(operator_codes)) != len(operator_codes):
            problems.append("an operator code appears twice")
        known = set(machine_codes)
        for m in self.machines:
            for row in m.setup_times:
                if len(row) != 3 or row[2] < 0:
                    problems.append(f"machine {m.code}: setup time {row!r} must be (from, to, minutes >= 0)")
        keys = set()
        for job in self.jobs:
            if job.key in keys:
                problems.append(f"job {job.key} appears twice")
            keys.add(job.key)
            if not job.operations:
                problems.append(f"job {job.key} has no operations")
            if job.weight < 1:
                problems.append(f"job {job.key}: weight must be >= 1")
            for a, b in zip(job.operations, job.operations[1:]):
                if b.sequence <= a.sequence:
                    problems.append(f"job {job.key}: operation {b.sequence} does not follow {a.sequence}")
            for op in job.operations:
                if op.job != job.key:
                    problems.append(f"operation {op.key} says it belongs to {op.job}, not {job.key}")
                for machine, minutes in op.run.items():
                    if machine not in known:
                        problems.append(f"operation {op.key}: unknown machine {machine}")
                    if minutes < 0:
                        problems.append(f"operation {op.key}: negative run time on {machine}")
                if op.setup < 0 or op.wait_after < 0:
                    problems.append(f"operation {op.key}: negative setup or wait")
                if op.fixed_machine is not None and op.fixed_machine not in op.run:
                    problems.append(f"operation {op.key}: fixed on {op.fixed_machine}, which is not eligible")
        for criterion in self.criteria:
            if criterion not in CRITERIA:
                problems.append(f"unknown criterion '{criterion}' (known: {', '.join(CRITERIA)})")
        if problems:
            raise ProblemError("; ".join(problems))

    @cached_property
    def _combined_calendars(self) -> dict[tuple[str, str], Windows]:
        return {}

    def combined_calendar(self, machine: str, operator: str) -> Windows:
        """When machine and operator both work (computed once per problem)."""
        key = (machine, operator)
        cache = self._combined_calendars
        if key not in cache:
            cache[key] = self.machine_by_code[machine].calendar.intersect(self.operator_by_code[operator].calendar)
        return cache[key]

    @cached_property
    def machine_by_code(self) -> dict[str, MachineSpec]:
        return {m.code: m for m in self.machines}

    @cached_property
    def operator_by_code(self) -> dict[str, OperatorSpec]:
        return {o.code: o for o in self.operators}

    @cached_property
    def job_by_key(self) -> dict[str, JobSpec]:
        return {j.key: j for j in self.jobs}

    @cached_property
    def operation_by_key(self) -> dict[str, OperationSpec]:
        return {op.key: op for job in self.jobs for op in job.operations}

    def qualified_operators(self, op: OperationSpec) -> list[OperatorSpec]:
        return [o for o in self.operators if o.can_do(op.work_center_type, op.min_skill)]

    def subcontract_end(self, start: int, lead_days: int) -> int:
        """Same clock time ``lead_days`` working days later (counting from the day after ``start``)."""
        day = (self.origin.hour * 60 + self.origin.minute + start) // MINUTES_PER_DAY
        counted, cursor = 0, day
        while counted < lead_days:
            cursor += 1
            if cursor in self.workdays:
                counted += 1
            if cursor - day > 3 * 365:
                break
        return start + (cursor - day) * MINUTES_PER_DAY

    def to_datetime(self, minute: int) -> dt.datetime:
        return self.origin + dt.timedelta(minutes=minute)

    def to_minute(self, moment: dt.datetime) -> int:
        return int((moment - self.origin).total_seconds() // 60)
