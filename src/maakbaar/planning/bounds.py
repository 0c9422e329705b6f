"""What no plan can avoid: lower bounds on the late orders and the minutes late.

Each job is placed alone, as early as it can go, in the shop with only the work every plan holds where it
is (pinned operations, and a started operation where it is the only one started on its machine: it goes on
first there in every plan), without setups (a job could always follow one of its own family). Every plan
finishes each job no earlier than that, so the sum over jobs bounds every plan's weighted tardiness and the
jobs late even then are late in every plan. Weighted late orders and weighted tardiness are bounded; setup
and flow time are not (their bound is reported as 0).

Placing one operation chain as early as possible is exact for it (an earlier ready time never makes the next
operation end later), so that part is as strong as "each job alone" can be. On top of it, the weighted
minutes late count what jobs late even alone lose by having to share a machine that is the only one for one
of their operations (three orders past due that each need hours on the one mill cannot all go first): per
machine an exact subset programme over up to eight such jobs, a relaxation of that machine's sequence (no
setups, the machine's working time only, each job's routing alone before and after). Which job is late by
how much is the plan's choice there, so the per-job figures (``earliest``, ``unavoidable``) stay those of
each job alone.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

from .dispatch import place_held, place_job
from .problem import JobSpec, OperationSpec, PlanningProblem
from .state import PlacementError, ShopState


@dataclass(frozen=True)
class Bound:
    late_jobs: int  # weighted by priority, as in Score
    tardiness: int  # weighted minutes late: each job alone, raised where jobs must share a machine
    earliest: dict[str, int]  # job key -> earliest completion with the shop to itself
    behind: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)  # job -> machines where
    # held work (started or pinned operations of other orders) makes it finish an hour or more later even then
    alone_tardiness: int = 0  # the part from each job alone; tardiness - alone_tardiness is from sharing
    shared: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)  # machine -> the late jobs
    # whose sharing of it raised the bound
    sharing_cost: dict[str, int] = dataclasses.field(default_factory=dict)  # machine -> by how much

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


BEHIND_MINUTES = 60  # held work that delays an order less than this is not named as its reason


def alone_completion(problem: PlanningProblem, job: JobSpec) -> int:
    """When the job would finish with the whole shop to itself (its own critical path with calendars, its own
    pinned and started work held as a plan holds it). On ``problem`` itself, not a copy with only this job:
    the copy would work out every calendar again."""
    state = ShopState(problem)
    for op in sorted(job.operations, key=lambda op: op.fixed_start is None):  # pinned first, as place_fixed
        if op.held:
            place_held(state, op)
    place_job(state, job)
    return max((state.planned[op.key].end for op in job.operations), default=0)


def lower_bound(problem: PlanningProblem) -> Bound:
    """The bound of ``problem`` (see the module); jobs that cannot be placed at all are left out of it."""
    relaxed = without_setups(problem)
    state = ShopState(relaxed)
    held_on: dict[str, list] = {}
    for op in held_operations(relaxed):
        try:
            planned = place_held(state, op)
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
            if waited_on:  # named only where the held work makes the job finish later, by an hour or more
                try:
                    without = alone_completion(relaxed, job)  # only its own held work in the shop
                except PlacementError:
                    without = None
                if without is not None and completion - without >= BEHIND_MINUTES:
                    behind[job.key] = tuple(dict.fromkeys(waited_on))
            if completion > job.due:
                late_jobs += job.weight
                tardiness += job.weight * (completion - job.due)
        for planned in placed:
            state.release(planned)
    shared, costs = _sharing(relaxed, state, earliest)
    return Bound(late_jobs, tardiness + sum(costs.values()), earliest, behind, tardiness, shared, costs)


SHARING_JOBS = 8  # jobs per machine in the sharing bound (2^n subsets, each job priced at each)


def _sharing(problem: PlanningProblem, state: ShopState, earliest: dict[str, int]) -> tuple[dict, dict]:
    """How much more than 'each job alone' jobs late even alone must be late because they need the same
    machine (the only one that can do one of their operations): per machine, a subset dynamic programme
    over those jobs (the one finishing last finishes no earlier than all of them can, back to back from their
    earliest starts on the machine's working time), each job's lateness then that of its routing continued
    alone from there. Machines are taken by their gain, each job counted for one machine only."""
    late = [job for job in problem.jobs if job.key in earliest and earliest[job.key] > job.due]
    by_machine: dict[str, list[tuple[JobSpec, int]]] = {}
    for job in late:
        for index, op in enumerate(job.operations):
            if len(op.eligible) == 1 and not op.is_subcontracted and not op.held:
                by_machine.setdefault(op.eligible[0], []).append((job, index))
    gains = []
    for machine, entries in by_machine.items():
        if len(entries) < 2:
            continue
        entries = _one_per_job(entries)
        if len(entries) < 2:
            continue
        gain = _machine_gain(problem, state, machine, entries[:SHARING_JOBS], earliest)
        if gain > 0:
            gains.append((gain, machine, [job.key for job, _ in entries[:SHARING_JOBS]]))
    used, shared, costs = set(), {}, {}
    for gain, machine, keys in sorted(gains, key=lambda g: (-g[0], g[1])):
        if used.isdisjoint(keys):
            used.update(keys)
            shared[machine], costs[machine] = tuple(keys), gain
    return shared, costs


def _one_per_job(entries):
    """The last operation of each job on the machine, the jobs by their due date."""
    last = {}
    for job, index in entries:
        last[job.key] = (job, index)
    return sorted(last.values(), key=lambda e: (e[0].due, e[0].key))


def _machine_gain(problem: PlanningProblem, state: ShopState, machine: str, entries, earliest) -> int:
    """The sharing bound of these jobs on ``machine`` less their bounds alone (never negative)."""
    calendar = problem.machine_by_code[machine].calendar
    if not len(calendar):
        return 0
    heads, runs, costs = [], [], []
    for job, index in entries:
        op = job.operations[index]
        placed = []
        try:
            for before in job.operations[:index]:  # the routing up to this operation, alone
                if before.key not in state.planned:
                    placed.append(state.commit(state.best_placement(before)))
            ready = state.ready_time(op)
            choices = state.qualified(op) if op.operator_needed(0) else [None]
            starts = [p.start for p in (state.earliest_on(op, machine, o, ready) for o in choices) if p is not None]
        finally:
            for p in placed:
                state.release(p)
        if not starts:
            return 0
        heads.append(calendar.working_between(calendar.starts[0], min(starts)))  # on the working-time axis
        runs.append(op.run[machine])
        costs.append(_cost_after(problem, state, job, index, machine))
    n = len(entries)
    alone = sum(job.weight * max(0, earliest[job.key] - job.due) for job, _ in entries)
    order = sorted(range(n), key=lambda i: heads[i])
    best = {0: 0}
    for mask in range(1, 1 << n):
        # the earliest the jobs in ``mask`` can all be done on the machine: back to back by earliest start
        finish = 0
        for i in order:
            if mask >> i & 1:
                finish = max(finish, heads[i]) + runs[i]
        value = min(best[mask ^ (1 << i)] + costs[i](finish) for i in range(n) if mask >> i & 1)
        best[mask] = value
    return max(0, best[(1 << n) - 1] - alone)


def _cost_after(problem: PlanningProblem, state: ShopState, job: JobSpec, index: int, machine: str):
    """cost(w): the job's weighted minutes late when its operation ``index`` ends at working minute ``w``
    of ``machine`` and the rest of its routing goes on alone from there."""
    calendar = problem.machine_by_code[machine].calendar
    first = calendar.starts[0]
    op = job.operations[index]
    memo: dict[int, int] = {}

    def cost(work: int) -> int:
        if work in memo:
            return memo[work]
        end = calendar.advance(first, work) if work > 0 else first
        if end is None:
            end = problem.horizon
        # its own later held work (pinned) ends where it is
        completion = max([end] + [state.planned[o.key].end for o in job.operations[index + 1:]
                                  if o.key in state.planned])
        rest = [o for o in job.operations[index + 1:] if o.key not in state.planned]
        if rest:
            placed = []
            try:
                # the operation as if it ended at ``end``: the rest from there, as early as it can go
                state.planned[op.key] = _Ended(op.key, end)
                for later in rest:
                    placed.append(state.commit(state.best_placement(later)))
                completion = max([completion] + [p.end for p in placed])
            except PlacementError:
                pass  # cannot tell: the end on the machine is all that counts (still a bound)
            finally:
                for p in placed:
                    state.release(p)
                del state.planned[op.key]
        memo[work] = job.weight * max(0, max(completion, end) - job.due)
        return memo[work]

    return cost


@dataclass(frozen=True)
class _Ended:
    """Stands in for a placed operation when only its end matters (the ready time of the next one)."""

    key: str
    end: int
