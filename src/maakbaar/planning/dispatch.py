"""Priority-rule plans: fast, always an answer, and the warm start for the solver.

Jobs are taken in the order of a priority rule and each job's operations are inserted, in routing order,
at the earliest time a machine, a qualified operator and the calendars allow (filling gaps left earlier),
preferring a machine where no changeover is needed. Several rules are tried and the best plan is kept;
then late jobs are moved forward in the order while that improves the plan.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

from .plan import Plan, PlannedOperation
from .problem import JobSpec, OperationSpec, PlanningProblem
from .state import PlacementError, ShopState


def job_work(job: JobSpec) -> int:
    """Minutes of work in the job on its fastest machines, with subcontracting and waiting times."""
    total = 0
    for op in job.operations:
        if op.is_subcontracted:
            total += op.lead_days * 1440
        else:
            total += op.setup + min(op.run.values(), default=0) + op.wait_after
    return total


def order_edd(problem: PlanningProblem) -> list[JobSpec]:
    return sorted(problem.jobs, key=lambda j: (j.due, -j.weight, j.key))


def order_priority_slack(problem: PlanningProblem) -> list[JobSpec]:
    """Least slack first, each priority step counting as one day of urgency."""
    return sorted(problem.jobs, key=lambda j: (j.due - job_work(j) - (j.weight - 3) * 1440, j.key))


def order_atc(problem: PlanningProblem, k: float = 2.0) -> list[JobSpec]:
    """Apparent tardiness cost, evaluated at time 0."""
    works = [max(1, job_work(j)) for j in problem.jobs]
    mean = sum(works) / max(1, len(works))

    def index(job: JobSpec, work: int) -> float:
        slack = max(0, job.due - work)
        return job.weight / work * math.exp(-slack / (k * mean))

    ranked = sorted(zip(problem.jobs, works), key=lambda jw: (-index(*jw), jw[0].due, jw[0].key))
    return [job for job, _ in ranked]


def order_atc_urgent(problem: PlanningProblem) -> list[JobSpec]:
    """Apparent tardiness cost with a small look-ahead: jobs without slack first, by weight per minute of
    work (what minimises weighted tardiness among jobs that are late anyway), then the rest by slack."""
    return order_atc(problem, k=0.1)


# in the order they are tried when time is short (the short look-ahead was the best rule on every
# benchmark shop, see benchmarks/RESULTS.md)
RULES: dict[str, Callable[[PlanningProblem], list[JobSpec]]] = {
    "edd": order_edd,
    "atc_urgent": order_atc_urgent,
    "priority_slack": order_priority_slack,
    "atc": order_atc,
}


def place_held(state: ShopState, op: OperationSpec) -> PlannedOperation:
    """Book a pinned operation at its start, or a started one as early as its machine allows."""
    if op.fixed_start is not None:
        return state.commit(state.best_placement(op, machines=op.eligible, exact_start=op.fixed_start))
    return state.commit(state.best_placement(op, machines=op.eligible))


def place_fixed(state: ShopState, rank: Callable[[JobSpec, OperationSpec], object] | None = None) -> None:
    """Pinned operations first, where they are; then started ones from the plan's start on: those someone is
    on now first (they are on the machine), then paused ones, each in the order ``rank(job, op)`` gives
    (default: by due date, the higher priority first)."""
    problem = state.problem
    started = []
    for job in problem.jobs:
        for op in job.operations:
            if op.fixed_start is not None:
                place_held(state, op)
            elif op.in_progress:
                started.append((job, op))
    # started work goes on around the pinned work in an order chosen, not in the order the shop happens to
    # list it: several operations can have been started on one machine (one paused for another) and only
    # one runs at a time (in the 500-order benchmark shop a turning job due tomorrow waited two days behind
    # started jobs due in months)
    rank = rank or (lambda job, op: (job.due, -job.weight, job.key))
    for job, op in sorted(started, key=lambda item: (item[1].paused, rank(*item))):
        place_held(state, op)


def place_job(state: ShopState, job: JobSpec) -> None:
    """Insert a job's unplanned operations in routing order, each as early as possible."""
    for index, op in enumerate(job.operations):
        if op.key in state.planned:
            continue
        placed = state.commit(state.best_placement(op))
        if index + 1 < len(job.operations):
            successor = state.planned.get(job.operations[index + 1].key)
            if successor is not None and placed.end + op.wait_after > successor.start:
                raise PlacementError(op, "place.before_pinned", f"cannot end before the pinned operation "
                                     f"{successor.key} starts; unpin it or move it later",
                                     pinned=job.operations[index + 1], successor=successor.key)


def place_in_order(state: ShopState, operations, choose=None) -> None:
    """Place operations in the given order, each once its predecessor is placed; ``choose(op)`` may name
    (machines, operators) to try first."""
    problem = state.problem
    pending = [op for op in operations if op.key not in state.planned]
    while pending:
        waiting = []
        for op in pending:
            job = problem.job_by_key[op.job]
            index = job.operations.index(op)
            if index > 0 and job.operations[index - 1].key not in state.planned:
                waiting.append(op)
                continue
            machines, operators = choose(op) if choose else (None, None)
            try:
                placement = state.best_placement(op, machines=machines, operators=operators)
            except PlacementError:
                if machines is None and operators is None:
                    raise
                placement = state.best_placement(op)
            state.commit(placement)
        if len(waiting) == len(pending):
            raise PlacementError(waiting[0], "place.no_order", "cannot order the operations")
        pending = waiting


def build(problem: PlanningProblem, job_order: Sequence[JobSpec], method: str = "dispatch",
          setup_weight: float = 0.5) -> Plan:
    state = ShopState(problem, setup_weight=setup_weight)
    position = {job.key: i for i, job in enumerate(job_order)}
    place_fixed(state, lambda job, op: position.get(job.key, len(position)))  # started work in the rule's order too
    for job in job_order:
        place_job(state, job)
    return Plan(tuple(state.planned[op.key] for job in problem.jobs for op in job.operations), method=method)


def dispatch(problem: PlanningProblem, rules: Sequence[str] = tuple(RULES), improve_seconds: float = 0.0,
             on_plan: Callable[[Plan], None] | None = None) -> Plan:
    """The best plan of the given rules, then moves of late jobs for ``improve_seconds``."""
    best, best_rank, best_order = None, None, None
    for name in rules:
        order = RULES[name](problem)
        plan = build(problem, order, method=f"dispatch:{name}")
        rank = plan.rank(problem)
        if best_rank is None or rank < best_rank:
            best, best_rank, best_order = plan, rank, order
            if on_plan:
                on_plan(plan)
    if improve_seconds > 0 and best is not None:
        best, _order = improve_order(problem, best, best_order, improve_seconds, on_plan)
    return best


def improve_order(problem: PlanningProblem, plan: Plan, order: list[JobSpec], seconds: float,
                  on_plan: Callable[[Plan], None] | None = None,
                  build_seconds: float = 0.0, max_tries: int | None = None) -> tuple[Plan, list[JobSpec]]:
    """Move late jobs forward in the job order (halfway, then to the front), rebuild the whole plan, keep
    what is better; until no move helps, ``max_tries`` rebuilds are made or ``seconds`` are spent (a rebuild
    is not started when the last one would not fit in the time left; ``build_seconds``: what a rebuild is
    known to take, for the first). With ``max_tries`` the moves tried do not depend on the clock unless the
    time runs out first, so two solves of one book make the same moves.

    Unlike a step of the neighbourhood search, which can put a job only in the holes the other jobs leave,
    a rebuild lets every later job shift: a late job that needs a slot early in a full week gets it and
    the others make room (in the 200-order benchmark shop a weld finished the same day instead of the next
    kept a coating order from waiting for the weekend)."""
    started = time.monotonic()
    deadline = started + seconds
    rank = plan.rank(problem)
    tries = 0
    improved = True
    while improved and time.monotonic() + build_seconds < deadline:
        improved = False
        outcomes = {o.key: o for o in plan.outcomes(problem)}
        late = [j for j in order if outcomes[j.key].late]
        for job in sorted(late, key=lambda j: -outcomes[j.key].tardiness * j.weight):
            position = order.index(job)
            for target in (position // 2, 0):
                if target >= position:
                    continue
                if time.monotonic() + build_seconds >= deadline or (max_tries is not None and tries >= max_tries):
                    return plan, order
                tries += 1
                candidate_order = order[:target] + [job] + order[target:position] + order[position + 1:]
                began = time.monotonic()
                try:
                    candidate = build(problem, candidate_order, method="dispatch:improved")
                except PlacementError:
                    continue
                finally:
                    build_seconds = max(build_seconds, time.monotonic() - began)
                candidate_rank = candidate.rank(problem)
                if candidate_rank < rank:
                    plan, rank, order = candidate, candidate_rank, candidate_order
                    improved = True
                    if on_plan:
                        on_plan(plan)
                    break
            if improved:
                break
    return plan, order
