"""Small hand-made planning problems. Times in minutes from a Monday 00:00."""

from __future__ import annotations

import datetime as dt

from maakbaar.planning.problem import JobSpec, MachineSpec, OperationSpec, OperatorSpec, PlanningProblem

ORIGIN = dt.datetime(2026, 11, 30, 0, 0)  # a Monday
DAY = 1440


def days(n: int, start: int = 7 * 60, end: int = 16 * 60, breaks: tuple[tuple[int, int], ...] = ()) -> tuple:
    """Working windows for n consecutive days from 07:00 to 16:00, cut by breaks (minutes of the day)."""
    windows = []
    for d in range(n):
        cursor = start
        for a, b in breaks:
            windows.append((d * DAY + cursor, d * DAY + a))
            cursor = b
        windows.append((d * DAY + cursor, d * DAY + end))
    return tuple(windows)


ALWAYS = ((0, 30 * DAY),)


def machine(code: str, type_: str = "laser", windows=ALWAYS, family: str = "") -> MachineSpec:
    return MachineSpec(code, type_, windows, family)


def operator(code: str, skills: dict[str, int], windows=ALWAYS) -> OperatorSpec:
    return OperatorSpec(code, windows, skills)


def op(job: str, seq: int, type_: str, run: dict[str, int], **kw) -> OperationSpec:
    return OperationSpec(key=f"{job}/{seq}", job=job, sequence=seq, work_center_type=type_, run=run, **kw)


def job(key: str, ops: list[OperationSpec], due: int, release: int = 0, weight: int = 3, order: str | None = None):
    return JobSpec(key=key, order=order or key, release=release, due=due, weight=weight, operations=tuple(ops))


def problem(machines, operators, jobs, horizon: int = 30 * DAY, workdays=None) -> PlanningProblem:
    return PlanningProblem(origin=ORIGIN, horizon=horizon, machines=tuple(machines), operators=tuple(operators),
                           jobs=tuple(jobs), workdays=frozenset(workdays if workdays is not None else
                                                                [d for d in range(60) if d % 7 < 5]))
