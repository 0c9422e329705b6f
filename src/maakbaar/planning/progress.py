"""What a running solve reports: the phase, the time spent, the plan's objective and the bound it is held to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    phase: str
    elapsed: float
    objective: float | None = None
    bound: float | None = None
    message: str = ""
    late_jobs: int | None = None  # the plan's weighted late orders and minutes late, where a plan is behind it
    tardiness: int | None = None
    late_jobs_bound: int | None = None  # what no plan avoids of each, where the bound is known
    tardiness_bound: int | None = None
    first: str = ""  # the shop's first criterion (CRITERIA), which the progress leads with
