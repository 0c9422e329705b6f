"""What no plan can avoid: lower bounds on the late orders and the minutes late.

Each job is placed alone, as early as it can go, in the shop with only the work every plan holds where it
is (pinned operations, and a started operation where it is the only one started on its machine: it goes on
first there in every plan), without setups (a job could always follow one of its own family). Every plan
finishes each job no earlier than that, so the sum over jobs bounds every plan's weighted tardiness and the
jobs late even then are late in every plan. Weighted late orders and weighted tardiness are bounded; setup
and flow time are not (their bound is reported as 0).

Placing one operation chain as early as possible is exact for it (an earlier ready time never makes the next
operation end later), so the bound is as strong as "each job alone" can be; what it leaves out is that jobs
compete with each other, which is what planning is about.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

from .problem import JobSpec, OperationSpec, PlanningProblem
from .state import PlacementError, ShopState


@dataclass(frozen=True)
class Bound:
    late_jobs: int  # weighted by priority, as in Score
    tardiness: int  # weighted minutes late
    earliest: dict[str, int]  # job key -> earliest completion with the shop to itself
    behind: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)  # job -> machines where
    # it waits for held work (started or pinned operations of other orders) even then

    def unavoidable(self, job: JobSpec) -> int:
        """Minutes the job is late in every plan."""
        return max(0, self.earliest[job.key] - job.due)


def without_setups(problem: PlanningProblem) -> PlanningProblem:
    """The same problem with every setup and changeover at zero (a relaxation)."""
    return dataclasses.replace(
        problem,
        machines=tuple(dataclasses.replace(m, setup_times=()) for m in problem.machines),
        jobs=tuple(dataclasses.replace(j, operations=tuple(dataclasses.replace(op, setup=0) for op in j.operations))
                   for j in problem.jobs))


def held_operations(problem: PlanningProblem) -> list[OperationSpec]:
    """Operations every plan has in the same place: pinned ones, and a started one that is alone on its
    machine (where several are started the plan chooses their order)."""
    started_on = Counter(op.eligible for job in problem.jobs for op in job.operations
                         if op.in_progress and op.fixed_start is None)
    return [op for job in problem.jobs for op in job.operations
            if op.fixed_start is not None
            or (op.in_progress and len(op.eligible) == 1 and started_on[op.eligible] == 1)]


def lower_bound(problem: PlanningProblem) -> Bound:
    """The bound of ``problem`` (see the module); jobs that cannot be placed at all are left out of it."""
    relaxed = without_setups(problem)
    state = ShopState(relaxed)
    held_on: dict[str, list] = {}
    for op in held_operations(relaxed):
        exact = op.fixed_start
        try:
            planned = state.commit(state.best_placement(op, machines=op.eligible, exact_start=exact)
                                   if exact is not None else state.best_placement(op, machines=op.eligible))
        except PlacementError:
            continue  # a plan cannot hold it either: the engine leaves its job out; nothing is bounded by it
        if planned.machine:
            held_on.setdefault(planned.machine, []).append(planned)
    earliest: dict[str, int] = {}
    behind: dict[str, tuple[str, ...]] = {}
    late_jobs = tardiness = 0
    for job in relaxed.jobs:
        placed, waited_on = [], []
        try:
            for op in job.operations:
                if op.key in state.planned:
                    continue
                ready = state.ready_time(op)
                planned = state.commit(state.best_placement(op))
                placed.append(planned)
                if any(h.job != job.key and h.start < planned.start and h.end > ready
                       for h in held_on.get(planned.machine, ())):
                    waited_on.append(planned.machine)
        except PlacementError:
            pass  # cannot be placed at all: no plan has it, and it bounds nothing
        else:
            completion = max((state.planned[op.key].end for op in job.operations), default=0)
            earliest[job.key] = completion
            if waited_on:
                behind[job.key] = tuple(dict.fromkeys(waited_on))
            if completion > job.due:
                late_jobs += job.weight
                tardiness += job.weight * (completion - job.due)
        for planned in placed:
            state.release(planned)
    return Bound(late_jobs, tardiness, earliest, behind)
