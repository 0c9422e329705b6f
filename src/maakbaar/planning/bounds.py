"""What no plan can avoid: lower bounds on the late orders and the minutes late.

Each job is placed alone, as early as it can go, in the shop with only the work every plan holds where it
is (pinned operations, and a started operation where it is the only one started on its machine: it goes on
first there in every plan), without setups (a job could always follow one of its own family). Every plan
finishes each job no earlier than that, so the sum over jobs bounds every plan's weighted tardiness and the
jobs late even then are late in every plan. Weighted late orders and weighted tardiness are bounded; setup
and flow time are not (their bound is reported as 0).

Placing one operation chain as early as possible is exact for it (an earlier ready time never makes the next
operation end later), so that part is as strong as "each job alone" can be. On top of it, the weighted
minutes late count what jobs lose by having to share a machine that is the only one for one of their
operations. All the work on such a machine has to be done one after the other, so some job ends last there,
after all of it: three orders past due that each need hours on the one mill cannot all go first, and a
long job that would be on time alone may have to end after the whole lathe's book (``_last_on_machine``: a
relaxation of that machine's sequence, no setups, the machine's working time only, each job's routing
alone before and after, searched exactly up to a budget). Which job is late by how much is the plan's
choice there, so the per-job figures (``earliest``, ``unavoidable``) stay those of each job alone.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections import Counter
from dataclasses import dataclass

import numpy as np

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
    shared: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)  # machine -> the jobs late
    # in the bound's best order there (the ones it had end last, then those late even alone)
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
    ready_alone: dict[str, int] = {}  # operation -> when it could start with its routing alone before it
    behind: dict[str, tuple[str, ...]] = {}
    late_jobs = tardiness = 0
    for job in relaxed.jobs:
        placed, waited_on = [], []
        try:
            for op in job.operations:
                if op.key in state.planned:
                    continue
                ready = ready_alone[op.key] = state.ready_time(op)
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
    shared, costs = _sharing(relaxed, state, earliest, ready_alone)
    return Bound(late_jobs, tardiness + sum(costs.values()), earliest, behind, tardiness, shared, costs)


SHARING_EXPANSIONS = 3000  # sets of jobs looked at per machine; past that the bound keeps what it has proved


def _sharing(problem: PlanningProblem, state: ShopState, earliest: dict[str, int],
             ready_alone: dict[str, int]) -> tuple[dict, dict]:
    """How much later than 'each job alone' the jobs that need one machine (the only one that can do one of
    their operations) must end because they share it (``_last_on_machine``). Machines are taken by their
    gain; a job counts for one machine only (each machine's bound is over its own jobs), so a machine whose
    jobs were counted already is bounded again without them."""
    by_machine: dict[str, dict[str, list[int]]] = {}
    for job in problem.jobs:
        if job.key not in earliest:
            continue
        for index, op in enumerate(job.operations):
            if len(op.eligible) == 1 and not op.is_subcontracted and not op.held:
                by_machine.setdefault(op.eligible[0], {}).setdefault(job.key, []).append(index)
    found = {}
    for machine, jobs in by_machine.items():
        if len(jobs) >= 2:
            found[machine] = _last_on_machine(problem, state, machine, jobs, earliest, ready_alone)
    used: set[str] = set()
    shared, costs = {}, {}
    while found:
        machine = min(found, key=lambda m: (-found[m][0], m))
        gain, late, counted = found.pop(machine)
        if gain <= 0:
            break
        if not used.isdisjoint(counted):  # bound again without the jobs another machine counted
            jobs = {k: v for k, v in by_machine[machine].items() if k not in used}
            if len(jobs) >= 2:
                found[machine] = _last_on_machine(problem, state, machine, jobs, earliest, ready_alone)
            continue
        used.update(counted)
        shared[machine], costs[machine] = late, gain
    return shared, costs


def _last_on_machine(problem: PlanningProblem, state: ShopState, machine: str, jobs: dict[str, list[int]],
                     earliest: dict[str, int], ready_alone: dict[str, int]) -> tuple[int, tuple[str, ...], frozenset[str]]:
    """(gain, late, counted): at least how many weighted minutes the ``counted`` jobs of ``jobs`` (key ->
    indices of their operations on ``machine``) are late beyond each alone, and the jobs that pay it.

    A relaxation of the machine: each operation from its earliest start with its routing alone before it,
    its run on the machine's working time, no setups, pausing allowed. Of a set S of these jobs, the one that
    ends last there ends no earlier than F(S), all of S's work back to back from those earliest starts, and
    its routing goes on alone from there: e_j(F(S)) beyond its lateness alone. So no plan has S's jobs late
    by less than B(S) = min over j in S of e_j(F(S)) + B(S - j). B never grows when a job leaves S, so a job
    with e_j(F(S)) = 0 leaves for free; what is left (``counted``: every job costs something at its own
    F) is searched cheapest first over the sets, from the full one down, until every job left is free (the
    exact B) or ``SHARING_EXPANSIONS`` sets were looked at (the cheapest still open is then proved)."""
    calendar = problem.machine_by_code[machine].calendar
    if not len(calendar):
        return 0, (), frozenset()
    keys, work, alone, weights, dues, goes_on = [], [], [], [], [], []
    for key, indices in jobs.items():
        job = problem.job_by_key[key]
        runs = _heads_and_runs(problem, state, machine, job, indices, ready_alone)
        if runs is None:
            continue  # cannot go there at all: left out (fewer jobs, still a bound)
        k = len(keys)
        keys.append(key)
        work.extend((head, run, k) for head, run in runs)
        alone.append(job.weight * max(0, earliest[key] - job.due))
        weights.append(job.weight)
        dues.append(job.due)
        # where the routing goes on after the machine, what that costs (memoised); else the end is the job's
        goes_on.append(_cost_after(problem, state, job, indices[-1], machine)
                       if indices[-1] < len(job.operations) - 1 else None)
    work.sort()
    n = len(keys)
    heads = np.array([head for head, _, _ in work], dtype=np.int64)
    runs = np.array([run for _, run, _ in work], dtype=np.int64)
    owner = np.array([k for _, _, k in work], dtype=np.intp)
    weights_, dues_, alone_ = (np.array(values, dtype=np.int64) for values in (weights, dues, alone))
    ends_there = np.array([g is None for g in goes_on], dtype=bool)
    size = (n + 7) // 8

    def members(mask: int) -> np.ndarray:
        bits = np.unpackbits(np.frombuffer(mask.to_bytes(size, "little"), dtype=np.uint8), bitorder="little")
        return bits[:n].astype(bool)

    def as_mask(inside: np.ndarray) -> int:
        return int.from_bytes(np.packbits(inside, bitorder="little").tobytes(), "little")

    def finish(inside: np.ndarray) -> int:
        """All of the set's work back to back from the earliest starts: the latest of each start plus all
        the work from it on."""
        on = inside[owner]
        if not on.any():
            return 0
        after = np.cumsum(np.where(on, runs, 0)[::-1])[::-1]
        return int(np.max(np.where(on, heads + after, 0)))

    settled: dict[int, tuple[int, list[tuple[int, int]]]] = {}

    def settle(mask: int) -> tuple[int, list[tuple[int, int]]]:
        """The set without its free jobs, and each job's cost of ending last in what is left."""
        if mask not in settled:
            settled[mask] = _settle(mask)
        return settled[mask]

    def _settle(mask: int) -> tuple[int, list[tuple[int, int]]]:
        inside = members(mask)
        while inside.any():
            work_done = finish(inside)
            end = _end_of_work(problem, calendar, work_done)
            cost = np.where(ends_there, weights_ * np.maximum(0, end - dues_), 0)
            for k in np.flatnonzero(inside & ~ends_there).tolist():
                cost[k] = goes_on[k](work_done)
            excess = np.maximum(0, cost - alone_)
            free = inside & (excess == 0)
            if not free.any():
                ks = np.flatnonzero(inside)
                return as_mask(inside), list(zip(excess[ks].tolist(), ks.tolist()))
            inside &= ~free
        return 0, []

    counted, _ = settle((1 << len(keys)) - 1)
    # cheapest first; a set's priority is what its path cost plus the cheapest job to end last in it
    heap = [(0, 0, counted, ())]
    done: set[int] = set()
    gain, path = 0, ()
    while heap:
        priority, cost, mask, path = heapq.heappop(heap)
        gain = priority
        mask, costs = settle(mask)
        if not mask:
            break
        if mask in done:
            continue
        lowest = min(c for c, _ in costs)
        if cost + lowest > priority:  # first look: back in line with what it costs at least
            heapq.heappush(heap, (cost + lowest, cost, mask, path))
            continue
        done.add(mask)
        if len(done) > SHARING_EXPANSIONS:
            break
        for c, k in costs:
            heapq.heappush(heap, (cost + c, cost + c, mask & ~(1 << k), path + (k,)))
    late = tuple(keys[k] for k in path) + tuple(
        keys[k] for k in range(len(keys)) if counted >> k & 1 and alone[k] > 0 and k not in path)
    return gain, late, frozenset(keys[k] for k in range(len(keys)) if counted >> k & 1)


def _heads_and_runs(problem: PlanningProblem, state: ShopState, machine: str, job: JobSpec, indices: list[int],
                    ready_alone: dict[str, int]) -> list[tuple[int, int]] | None:
    """(earliest start on the machine's working time, run) of each of ``job``'s operations ``indices`` on
    ``machine``, its routing alone before each (``ready_alone``); None if one cannot go there at all."""
    calendar = problem.machine_by_code[machine].calendar
    found = []
    for index in indices:
        op = job.operations[index]
        choices = state.qualified(op) if op.operator_needed(0) else [None]
        ready = ready_alone[op.key]
        starts = [p.start for p in (state.earliest_on(op, machine, o, ready) for o in choices) if p is not None]
        if not starts:
            return None
        found.append((calendar.working_between(calendar.starts[0], min(starts)), op.run[machine]))
    return found


def _end_of_work(problem: PlanningProblem, calendar, work: int) -> int:
    """When a machine has done ``work`` working minutes from its first one (the horizon past its calendar)."""
    end = calendar.advance(calendar.starts[0], work)
    return problem.horizon if end is None else end


def _cost_after(problem: PlanningProblem, state: ShopState, job: JobSpec, index: int, machine: str):
    """cost(w): the job's weighted minutes late when its operation ``index`` ends at working minute ``w``
    of ``machine`` and the rest of its routing goes on alone from there."""
    calendar = problem.machine_by_code[machine].calendar
    op = job.operations[index]
    memo: dict[int, int] = {}

    def cost(work: int) -> int:
        if work in memo:
            return memo[work]
        end = _end_of_work(problem, calendar, work)
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
