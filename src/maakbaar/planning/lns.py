"""Large neighbourhood search on exact plans: ruin a few jobs, recreate them, keep what is better.

Each step takes some jobs out of the incumbent plan (late jobs with the jobs they compete with, jobs
around one machine and time, or a random few), keeps every other operation exactly where it is and
inserts the removed jobs again in a new order with the same placement rules as the dispatcher. Every few
hundred steps the plan is compacted: rebuilt from scratch in the order of its operations' starts, which
closes the holes left behind. Plans are compared lexicographically on the problem's criteria.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from .plan import Plan
from .problem import JobSpec, PlanningProblem
from .dispatch import place_fixed, place_in_order, place_job
from .state import PlacementError, ShopState


def _movable(problem: PlanningProblem, job: JobSpec) -> bool:
    return any(op.fixed_start is None and not op.in_progress for op in job.operations)


def recreate(problem: PlanningProblem, plan: Plan, removed: list[JobSpec], setup_weight: float = 0.5) -> Plan:
    removed = list(removed)
    removed_keys = {j.key for j in removed}
    # an operation kept with no setup because its predecessor shared its family needs that predecessor:
    # take such operations' jobs out as well, until every kept operation is still set up correctly
    while True:
        extra = _orphaned_setups(problem, plan, removed_keys)
        if not extra:
            break
        for key in extra:
            removed_keys.add(key)
            removed.append(problem.job_by_key[key])
    state = ShopState(problem, setup_weight=setup_weight)
    for planned in sorted(plan.operations, key=lambda p: p.start):
        op = problem.operation_by_key[planned.key]
        if planned.job not in removed_keys or op.fixed_start is not None or op.in_progress:
            state.keep(planned)
    for job in removed:
        place_job(state, job)
    return Plan(tuple(state.planned[op.key] for job in problem.jobs for op in job.operations), method=plan.method)


def _orphaned_setups(problem: PlanningProblem, plan: Plan, removed_keys: set[str]) -> set[str]:
    by_machine: dict[str, list] = {}
    for planned in plan.operations:
        op = problem.operation_by_key[planned.key]
        kept = planned.job not in removed_keys or op.fixed_start is not None or op.in_progress
        if kept and planned.machine is not None:
            by_machine.setdefault(planned.machine, []).append(planned)
    orphans = set()
    for machine, items in by_machine.items():
        family = problem.machine_by_code[machine].initial_family
        for planned in sorted(items, key=lambda p: p.start):
            op = problem.operation_by_key[planned.key]
            needed = 0 if op.setup_family and op.setup_family == family else op.setup
            if planned.setup < needed:
                if op.fixed_start is not None or op.in_progress:
                    raise PlacementError(op, "a pinned operation would lose the setup it relies on")
                orphans.add(planned.job)
            family = op.setup_family
    return orphans


def compact(problem: PlanningProblem, plan: Plan) -> Plan:
    """Rebuild in the order of the plan's starts: every operation as early as the others allow."""
    state = ShopState(problem)
    place_fixed(state)
    planned = plan.by_key()
    place_in_order(state, sorted(problem.operation_by_key.values(),
                                 key=lambda op: (planned[op.key].start, op.sequence)))
    return Plan(tuple(state.planned[op.key] for job in problem.jobs for op in job.operations), method=plan.method)


def neighbourhood(problem: PlanningProblem, plan: Plan, rng: random.Random, size: int) -> list[JobSpec]:
    jobs = [j for j in problem.jobs if _movable(problem, j)]
    if not jobs:
        return []
    outcomes = {o.key: o for o in plan.outcomes(problem)}
    planned = plan.by_key()
    choice = rng.random()
    late = [j for j in jobs if outcomes[j.key].late]
    if late and choice < 0.5:
        seed = rng.choice(late)
        lo = min(planned[op.key].start for op in seed.operations)
        hi = max(planned[op.key].end for op in seed.operations)
        machines = {planned[op.key].machine for op in seed.operations} - {None}
        rivals = [j for j in jobs if j is not seed and any(
            planned[op.key].machine in machines and planned[op.key].start < hi and planned[op.key].end > lo
            for op in j.operations)]
        rng.shuffle(rivals)
        return [seed, *rivals[: size - 1]]
    if choice < 0.8:
        seed_op = planned[rng.choice(rng.choice(jobs).operations).key]
        near = sorted(jobs, key=lambda j: min(abs(planned[op.key].start - seed_op.start) for op in j.operations))
        return near[:size]
    return rng.sample(jobs, min(size, len(jobs)))


def improve(problem: PlanningProblem, plan: Plan, seconds: float, seed: int = 0,
            on_plan: Callable[[Plan], None] | None = None, max_steps: int | None = None) -> tuple[Plan, int]:
    """Search for ``seconds`` (or ``max_steps``); returns the best plan and the number of steps made."""
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    best, best_rank = plan, plan.rank(problem)
    current, current_rank = best, best_rank
    steps = 0
    size = 4
    patience = max(300, 30 * len(problem.jobs))  # steps without any improvement before giving up
    since_improvement = 0
    while time.monotonic() < deadline and (max_steps is None or steps < max_steps) and since_improvement < patience:
        steps += 1
        since_improvement += 1
        removed = neighbourhood(problem, current, rng, size)
        if not removed:
            break
        outcomes = {o.key: o for o in current.outcomes(problem)}
        mode = rng.random()
        if mode < 0.4:
            removed.sort(key=lambda j: (j.due, -j.weight))
        elif mode < 0.7:
            removed.sort(key=lambda j: (-outcomes[j.key].tardiness * j.weight, j.due))
        else:
            rng.shuffle(removed)
        try:
            candidate = recreate(problem, current, removed, setup_weight=rng.choice((0.0, 0.5, 1.0, 2.0)))
            if steps % 150 == 0:
                candidate = compact(problem, candidate)
        except PlacementError:
            continue
        rank = candidate.rank(problem)
        if rank <= current_rank:
            current, current_rank = candidate, rank
            if rank < best_rank:
                best, best_rank = candidate, rank
                since_improvement = 0
                if on_plan:
                    on_plan(Plan(best.operations, method="lns"))
        size = rng.choice((2, 3, 4, 5, 6, 8))
    return Plan(best.operations, method="lns" if best is not plan else plan.method), steps
