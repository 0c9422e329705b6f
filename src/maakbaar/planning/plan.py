"""A plan: where and when every operation runs, who runs it, and how good it is."""

from __future__ import annotations

from dataclasses import dataclass, field

from .problem import PlanningProblem


@dataclass(frozen=True)
class PlannedOperation:
    key: str
    job: str
    machine: str | None
    operator: str | None
    start: int
    end: int
    setup: int = 0  # setup minutes included at the start of [start, end)


@dataclass(frozen=True)
class JobOutcome:
    key: str
    order: str
    completion: int
    due: int
    weight: int
    release: int

    @property
    def tardiness(self) -> int:
        return max(0, self.completion - self.due)

    @property
    def late(self) -> bool:
        return self.completion > self.due


@dataclass(frozen=True)
class Score:
    late_jobs: int  # weighted by priority
    tardiness: int  # weighted minutes
    setup: int  # minutes
    flow_time: int  # weighted minutes

    def ordered(self, criteria: tuple[str, ...]) -> tuple[int, ...]:
        return tuple(getattr(self, c) for c in criteria)


@dataclass(frozen=True)
class Plan:
    operations: tuple[PlannedOperation, ...]
    method: str = ""
    notes: tuple[str, ...] = field(default=())

    def by_key(self) -> dict[str, PlannedOperation]:
        return {op.key: op for op in self.operations}

    def outcomes(self, problem: PlanningProblem) -> list[JobOutcome]:
        planned = self.by_key()
        outcomes = []
        for job in problem.jobs:
            ends = [planned[op.key].end for op in job.operations if op.key in planned]
            completion = max(ends) if ends else 0
            outcomes.append(JobOutcome(job.key, job.order, completion, job.due, job.weight, job.release))
        return outcomes

    def score(self, problem: PlanningProblem) -> Score:
        outcomes = self.outcomes(problem)
        return Score(
            late_jobs=sum(o.weight for o in outcomes if o.late),
            tardiness=sum(o.weight * o.tardiness for o in outcomes),
            setup=sum(op.setup for op in self.operations),
            flow_time=sum(o.weight * max(0, o.completion - o.release) for o in outcomes),
        )

    def rank(self, problem: PlanningProblem) -> tuple[int, ...]:
        """Lexicographic rank: smaller is better, in the problem's order of criteria."""
        return self.score(problem).ordered(problem.criteria)
