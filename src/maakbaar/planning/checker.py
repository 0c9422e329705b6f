"""An independent plan checker: verifies a plan against the problem and lists every violation.

It shares no placement code with the dispatcher or solver: it recomputes working time with plain loops
over the calendar windows, so a bug in the engine's fast arithmetic cannot hide itself here.
"""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from dataclasses import dataclass, field

from ..reasons import Minutes, Moment, Reason
from .plan import Plan, PlannedOperation
from .problem import OperationSpec, PlanningProblem


@dataclass(frozen=True)
class Violation:
    kind: str  # missing, unknown, machine, precedence, release, overlap, operator, skill, calendar, setup, fixed, subcontract
    operation: str
    message: str  # for tests and logs (English); people read ``reason`` through the catalogue
    reason: Reason | None = field(default=None, compare=False)  # conflict.<code> with dates, not minutes

    def __str__(self) -> str:
        return f"[{self.kind}] {self.message}"


def _minutes_in(windows, a: int, b: int) -> int:
    total = 0
    for s, e in windows:
        lo, hi = max(s, a), min(e, b)
        if hi > lo:
            total += hi - lo
    return total


def _inside_one(windows, a: int, b: int) -> bool:
    return any(s <= a and b <= e for s, e in windows)


def _is_working(windows, t: int) -> bool:
    return any(s <= t < e for s, e in windows)


def _intersection(w1, w2):
    """Both sorted lists of disjoint windows: a two-pointer merge."""
    out, i, j = [], 0, 0
    while i < len(w1) and j < len(w2):
        lo, hi = max(w1[i][0], w2[j][0]), min(w1[i][1], w2[j][1])
        if lo < hi:
            out.append((lo, hi))
        if w1[i][1] < w2[j][1]:
            i += 1
        else:
            j += 1
    return out


def check_plan(problem: PlanningProblem, plan: Plan) -> list[Violation]:
    violations: list[Violation] = []

    def add(kind: str, op: str, message: str, code: str = "", **values) -> None:
        violations.append(Violation(kind, op, message, Reason.of(f"conflict.{code or kind}", operation=op, **values)))

    def at(minute: int) -> Moment:
        return Moment(problem.to_datetime(minute))

    planned: dict[str, PlannedOperation] = {}
    for p in plan.operations:
        if p.key in planned:
            add("duplicate", p.key, f"{p.key} is planned twice")
        planned[p.key] = p
    ops = problem.operation_by_key
    for key in planned:
        if key not in ops:
            add("unknown", key, f"{key} is planned but is not in the problem")

    machines = problem.machine_by_code
    operators = problem.operator_by_code
    by_machine: dict[str, list[PlannedOperation]] = defaultdict(list)
    shared_time: dict[tuple[str, str], list[tuple[int, int]]] = {}
    operator_busy: dict[str, list[tuple[int, int, str]]] = defaultdict(list)

    for job in problem.jobs:
        previous: tuple[OperationSpec, PlannedOperation] | None = None
        for op in job.operations:
            p = planned.get(op.key)
            if p is None:
                add("missing", op.key, f"{op.key} of job {job.key} is not planned")
                previous = None
                continue
            if p.end < p.start:
                add("time", op.key, f"{op.key} ends ({p.end}) before it starts ({p.start})",
                    start=at(p.start), end=at(p.end))
            if previous is None and job.operations[0] is op and p.start < job.release:
                add("release", op.key, f"{op.key} starts at {p.start}, before job {job.key} is released at {job.release}",
                    start=at(p.start), release=at(job.release))
            if previous is not None:
                prev_op, prev_p = previous
                if p.start < prev_p.end + prev_op.wait_after:
                    add("precedence", op.key, f"{op.key} starts at {p.start}, before {prev_op.key} ends at "
                                              f"{prev_p.end} plus {prev_op.wait_after} min wait",
                        start=at(p.start), previous=prev_op.key, ready=at(prev_p.end + prev_op.wait_after))
            previous = (op, p)
            if op.fixed_start is not None and p.start != op.fixed_start:
                add("fixed", op.key, f"{op.key} is pinned at {op.fixed_start} but planned at {p.start}", "fixed_start",
                    pinned=at(op.fixed_start), start=at(p.start))
            if op.fixed_machine is not None and p.machine != op.fixed_machine:
                add("fixed", op.key, f"{op.key} is pinned to {op.fixed_machine} but planned on {p.machine}", "fixed_machine",
                    pinned=op.fixed_machine, machine=p.machine or "-")
            if op.is_subcontracted:
                if p.machine is not None or p.operator is not None:
                    add("machine", op.key, f"{op.key} is subcontracted but planned on a machine or operator",
                        "subcontract_machine")
                expected = problem.subcontract_end(p.start, op.lead_days)
                if p.end != expected:
                    add("subcontract", op.key, f"{op.key}: {op.lead_days} working days from {p.start} end at "
                                               f"{expected}, not {p.end}", n=op.lead_days, start=at(p.start), expected=at(expected),
                        end=at(p.end))
                continue
            if p.machine not in op.run:
                add("machine", op.key, f"{op.key} is planned on {p.machine}, which is not eligible "
                                       f"({', '.join(op.run)})", machine=p.machine or "-", eligible=tuple(op.run))
                continue
            by_machine[p.machine].append(p)
            machine_windows = machines[p.machine].calendar.spans
            work = op.run[p.machine] + p.setup
            needs_operator = op.operator_needed(p.setup)
            if needs_operator:
                if p.operator is None:
                    add("operator", op.key, f"{op.key} needs an operator and has none", "no_operator")
                    continue
                if p.operator not in operators:
                    add("operator", op.key, f"{op.key}: unknown operator {p.operator}", "unknown_operator",
                        operator=p.operator)
                    continue
                operator = operators[p.operator]
                if operator.skills.get(op.work_center_type, 0) < op.min_skill:
                    add("skill", op.key, f"{op.key} ({op.work_center_type}) is given to {p.operator}, who lacks "
                                         f"that skill at level {op.min_skill}", skill=op.work_center_type, operator=p.operator,
                        level=op.min_skill)
                pair = (p.machine, p.operator)
                if pair not in shared_time:
                    shared_time[pair] = _intersection(machine_windows, operator.calendar.spans)
                both = shared_time[pair]
                if op.unattended:
                    operator_busy[p.operator].append((p.start, p.start + p.setup, op.key))
                    if p.setup and not _inside_one(both, p.start, p.start + p.setup):
                        add("calendar", op.key, f"{op.key}: its setup {p.start}-{p.start + p.setup} is not inside "
                                                f"one shift of both {p.machine} and {p.operator}", "setup_outside",
                            start=at(p.start), end=at(p.start + p.setup), machine=p.machine, operator=p.operator)
                    working = machine_windows
                else:
                    operator_busy[p.operator].append((p.start, p.end, op.key))
                    working = both
            else:
                working = machine_windows
            if work == 0:
                if p.end != p.start:
                    add("calendar", op.key, f"{op.key} has no work but lasts {p.end - p.start} min", "no_work",
                        duration=Minutes(p.end - p.start))
                continue
            if op.may_pause:
                done = _minutes_in(working, p.start, p.end)
                if done != work:
                    add("calendar", op.key, f"{op.key} needs {work} working minutes but gets {done} between "
                                            f"{p.start} and {p.end}", "short", work=Minutes(work), done=Minutes(done),
                        start=at(p.start), end=at(p.end))
                if not _is_working(working, p.start) or not _is_working(working, p.end - 1):
                    add("calendar", op.key, f"{op.key} starts or ends outside working time", "outside")
            else:
                if p.end - p.start != work:
                    add("calendar", op.key, f"{op.key} may not pause: it needs {work} min but spans "
                                            f"{p.end - p.start}", "no_pause_length", work=Minutes(work), span=Minutes(p.end - p.start))
                if not _inside_one(working, p.start, p.end):
                    add("calendar", op.key, f"{op.key} may not pause but {p.start}-{p.end} is not inside one "
                                            f"working window", "no_pause_window", start=at(p.start), end=at(p.end))

    for machine, items in by_machine.items():
        items.sort(key=lambda p: (p.start, p.end))
        previous_family = machines[machine].initial_family
        longest = None
        for p in items:
            op = ops[p.key]
            if longest is not None and p.start < longest.end and p.end > p.start and longest.end > longest.start:
                add("overlap", p.key, f"{p.key} and {longest.key} overlap on {machine}", other=longest.key,
                    machine=machine)
            if longest is None or p.end > longest.end:
                longest = p
            needed = _setup_needed(machines[machine].setup_times, previous_family, op)
            if p.setup < needed:
                add("setup", p.key, f"{p.key} on {machine} needs {needed} min setup after family "
                                    f"'{previous_family}', plan gives {p.setup}", machine=machine, needed=Minutes(needed),
                    family=previous_family or "-", given=Minutes(p.setup))
            previous_family = op.setup_family

    for operator, spans in operator_busy.items():
        spans.sort()
        for (a1, b1, k1), (a2, b2, k2) in zip(spans, spans[1:]):
            if a2 < b1 and b1 > a1 and b2 > a2:
                add("operator", k2, f"{operator} is on {k1} and {k2} at the same time", "operator_double",
                    operator=operator, other=k1)
    return violations


def _setup_needed(matrix, previous_family: str, op) -> int:
    """The checker's own reading of the setup rule (kept apart from the placement code on purpose)."""
    if op.in_progress:
        return 0
    if op.setup_family != "" and op.setup_family == previous_family:
        return 0
    if op.setup_family != "" and previous_family != "":
        for source, target, minutes in matrix:
            if fnmatch.fnmatchcase(previous_family, source) and fnmatch.fnmatchcase(op.setup_family, target):
                return minutes
    return op.setup
