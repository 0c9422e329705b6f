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

    def terms(self, setup: int = 0) -> tuple[int, int, int, int]:
        """This job's share of each criterion of ``Score``, in its field order."""
        return (self.weight if self.late else 0, self.weight * self.tardiness, setup,
                self.weight * max(0, self.completion - self.release))


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
        totals = [0, 0, 0, 0]
        for outcome in self.outcomes(problem):
            for i, term in enumerate(outcome.terms()):
                totals[i] += term
        return Score(late_jobs=totals[0], tardiness=totals[1], setup=sum(op.setup for op in self.operations),
                     flow_time=totals[3])

    def rank(self, problem: PlanningProblem) -> tuple[int, ...]:
        """Lexicographic rank: smaller is better, in the problem's order of criteria."""
        return self.score(problem).ordered(problem.criteria)
