"""Large neighbourhood search on exact plans: ruin a few jobs, recreate them, keep what is better.

Most steps take some jobs out of the incumbent plan (a late job with the jobs booked ahead of it where it
waited longest, late jobs with the jobs they compete with, jobs around one machine and time, or a random
few), keeps every other operation exactly where it is and
inserts the removed jobs again in a new order with the same placement rules as the dispatcher. The plan
lives in one shop state: a step releases and re-books only the jobs it touches and scores only them, and
a step that is not kept is undone, so a step costs what it touches, not a rebuild of the plan. Every few
hundred steps the plan is compacted: rebuilt from scratch in the order of its operations' starts, which
closes the holes left behind. The other steps work on one machine's sequence: a late job's operation
where it waited longest goes ahead of a few operations booked before it there, and those and the ones after
it up to a family change are put back in their order (``machine_window``); only operations move, so the
setup chains of the machines before it stay as they are. A quarter of the steps sequence a stretch of one
machine's queue again on a model of that machine alone (``resequence``) and plan the order found for real.
Plans are compared lexicographically on the problem's criteria.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import resequence
from .dispatch import job_work, place_fixed, place_in_order, place_job
from .plan import JobOutcome, Plan, Score
from .problem import JobSpec, OperationSpec, PlanningProblem
from .state import PlacementError, ShopState

# The search's constants. Why each has its value, with the runs that chose it, is in
# docs/benchmark-history.md ("Tuning notes"); re-run `benchmarks/run.sh shop` after changing one.
#
# A step takes out with its jobs those whose kept operations rely on their setups, and those jobs' own
# neighbours in turn; a step whose chain grows past this factor is not made (on the laser and the press brake
# the chain can run through a whole family group and take most of the search's time).
CLOSURE_GROWTH = 2
# How many jobs a step takes out (the closure may add up to as many again): one of SIZES, up to a twentieth
# of the movable jobs (at least 8). Larger steps re-sequence a busy bottleneck over a longer stretch.
SIZES = (2, 3, 4, 5, 6, 8, 12, 16, 24, 32, 48, 64)
# The share of steps that move one operation of a late job ahead on its machine (``machine_window``), and how
# many operations (times the step size, at least 8) such a window may hold. Whole-job steps cannot do this
# on a full bottleneck: taking out a job takes out its laser cut too, and with it the laser's run of the same
# sheet family, whose jobs then lose their holes.
WINDOW_SHARE = 0.2
WINDOW_LIMIT = 2
# The share of steps that sequence a stretch of one machine's queue again on a model of that machine alone
# (``resequence_step``), and the stretch sizes (operations before the late one; the stretch holds at most twice
# as many). On a full bottleneck the best moves change several places at once, which one move at a time
# never reaches.
RESEQUENCE_SHARE = 0.25
STRETCH_SIZES = (4, 6, 8, 12, 16)
SETUP_WEIGHTS = (0.0, 0.5, 1.0, 2.0)  # a step places with one of these weights on setup minutes (against minutes
# of delay): sometimes setups count for nothing, sometimes double
LARGEST_STEP_SHARE = 1 / 20  # of the movable jobs


def _movable(problem: PlanningProblem, job: JobSpec) -> bool:
    return any(not op.held for op in job.operations)


def compact(problem: PlanningProblem, plan: Plan) -> Plan:
    """Rebuild in the order of the plan's starts: every operation as early as the others allow."""
    state = ShopState(problem)
    planned = plan.by_key()
    place_fixed(state, lambda job, op: planned[op.key].start)  # started work in the order it has
    place_in_order(state, sorted(problem.operation_by_key.values(),
                                 key=lambda op: (planned[op.key].start, op.sequence)))
    return Plan(tuple(state.planned[op.key] for job in problem.jobs for op in job.operations), method=plan.method)


class _Incumbent:
    """The current plan booked in one shop state, with each job's completion and the score's totals, so
    that a step costs what it touches: jobs are taken out (released) and put back in (placed), and a step
    that is not kept is undone the same way."""

    def __init__(self, problem: PlanningProblem, plan: Plan):
        self.problem = problem
        self.state = ShopState(problem)
        for planned in sorted(plan.operations, key=lambda p: p.start):
            self.state.keep(planned)
        self.terms = {job.key: self._terms(job) for job in problem.jobs}
        self.totals = [sum(t[i] for t in self.terms.values()) for i in range(4)]

    def _terms(self, job: JobSpec) -> tuple[int, int, int, int]:
        """The job's share of each criterion, as ``Plan.score`` counts it."""
        ops = [self.state.planned[op.key] for op in job.operations]
        outcome = JobOutcome(job.key, job.order, max((p.end for p in ops), default=0), job.due, job.weight,
                             job.release)
        return outcome.terms(sum(p.setup for p in ops))

    def rank(self, totals=None) -> tuple[int, ...]:
        return Score(*(totals or self.totals)).ordered(self.problem.criteria)

    def plan(self, method: str) -> Plan:
        planned = self.state.planned
        return Plan(tuple(planned[op.key] for job in self.problem.jobs for op in job.operations), method=method)

    def _closure(self, removed: list[JobSpec]) -> list[JobSpec]:
        """The jobs to take out with ``removed``: a kept operation that does without a setup because the
        operation before it on the machine has its family needs that neighbour, or gets its job taken
        out too (a pinned or started one makes the step impossible)."""
        problem, state = self.problem, self.state
        keys = {j.key for j in removed}
        removed = list(removed)
        queue = list(removed)
        while queue:
            job = queue.pop()
            for op in job.operations:
                planned = state.planned[op.key]
                if op.held or planned.machine is None:
                    continue
                after = self._relying_on(planned, lambda item: item.job not in keys or
                                         problem.operation_by_key[item.key].held)
                if after is not None:
                    succ = problem.operation_by_key[after.key]
                    if succ.held:
                        raise PlacementError(succ, "place.pinned_setup", "a pinned operation would lose the setup it relies on")
                    if after.job not in keys:
                        keys.add(after.job)
                        extra = problem.job_by_key[after.job]
                        removed.append(extra)
                        queue.append(extra)
        return removed

    def _relying_on(self, planned, stays):
        """The first booking after ``planned`` on its machine that stays (``stays(booking)``), when it would
        need a longer setup than it has once the bookings between it and the last one before that stays are
        taken out; else None."""
        problem = self.problem
        busy = self.state.machine_busy[planned.machine]
        items, i = busy.items, busy.position(planned.start, planned)
        after = next((items[k] for k in range(i + 1, len(items)) if stays(items[k])), None)
        if after is None:
            return None
        before = next((items[k] for k in range(i - 1, -1, -1) if stays(items[k])), None)
        spec = problem.machine_by_code[planned.machine]
        family = problem.operation_by_key[before.key].setup_family if before is not None else spec.initial_family
        return after if after.setup < spec.changeover(family, problem.operation_by_key[after.key]) else None

    def try_step(self, removed: list[JobSpec], order_key, setup_weight: float, accept) -> bool:
        """Take ``removed`` out, put them back in the order ``order_key`` gives; keep the result if
        ``accept(new_rank)`` says so, else restore the plan as it was. Returns whether it was kept."""
        state = self.state
        asked = len(removed)
        removed = self._closure(removed)
        if len(removed) > CLOSURE_GROWTH * asked:
            return False
        removed.sort(key=order_key)
        old = [state.planned[op.key] for job in removed for op in job.operations if not op.held]
        for planned in old:
            state.release(planned)
        state.setup_weight = setup_weight
        try:
            for job in removed:
                place_job(state, job)
        except PlacementError:
            self._restore(old)
            return False
        return self._judge(removed, old, accept)

    def try_operations(self, taken: list[OperationSpec], sequence, setup_weight: float, accept,
                       limit: int) -> bool:
        """Take out operations, each with the later ones of its job (and kept operations after them on a
        machine that relied on their setups, with theirs), put them back one by one in the order
        ``sequence(op, starts)`` gives (``starts``: where each was) and keep the result if ``accept(new_rank)``
        says so. Earlier operations of their jobs stay where they are, so a step on one machine does not pull
        in the setup chains of the machines before it. Refused (False) when more than ``limit`` operations
        would move or a pinned one would have to."""
        problem, state = self.problem, self.state
        keys: dict[str, OperationSpec] = {}
        queue: list[OperationSpec] = []

        def take(op: OperationSpec) -> bool:
            job = problem.job_by_key[op.job]
            for later in job.operations[job.operations.index(op):]:
                if later.key in keys:
                    break
                if later.held:
                    return False
                keys[later.key] = later
                queue.append(later)
            return True

        if not all(take(op) for op in taken):
            return False
        while queue:
            planned = state.planned[queue.pop().key]
            if planned.machine is None:
                continue
            after = self._relying_on(planned, lambda item: item.key not in keys)
            if after is not None and not take(problem.operation_by_key[after.key]):
                return False
            if len(keys) > limit:
                return False
        old = [state.planned[key] for key in keys]
        starts = {p.key: p.start for p in old}
        jobs = [problem.job_by_key[key] for key in dict.fromkeys(op.job for op in keys.values())]
        for planned in old:
            state.release(planned)
        state.setup_weight = setup_weight
        try:
            place_in_order(state, sorted(keys.values(), key=lambda op: sequence(op, starts)))
        except PlacementError:
            self._restore(old)
            return False
        return self._judge(jobs, old, accept)

    def _judge(self, jobs: list[JobSpec], old: list, accept) -> bool:
        """Score the jobs a step put back; keep the step if ``accept(new_rank)`` says so, else put the
        operations ``old`` back where they were."""
        new_terms = {job.key: self._terms(job) for job in jobs}
        totals = list(self.totals)
        for job in jobs:
            for i in range(4):
                totals[i] += new_terms[job.key][i] - self.terms[job.key][i]
        if accept(self.rank(totals)):
            self.terms.update(new_terms)
            self.totals = totals
            return True
        self._restore(old)
        return False

    def _restore(self, old: list) -> None:
        """Undo a step: release where the operations it took out are now (if placed again), book them as
        they were."""
        state = self.state
        for planned in old:
            now = state.planned.get(planned.key)
            if now is not None:
                state.release(now)
        for planned in old:
            state.keep(planned)


def neighbourhood(jobs: list[JobSpec], planned: dict, late: Callable[[JobSpec], bool], rng: random.Random,
                  size: int) -> list[JobSpec]:
    """Jobs to take out: a late one with the jobs ahead of it where it waited longest (a quarter of the
    steps; see ``_held_up``), a late one with jobs it competes with on its machines, jobs close to one
    moment, or a random few (``jobs``: the movable ones, ``planned``: where the operations are now)."""
    if not jobs:
        return []
    choice = rng.random()
    if choice < 0.25:
        late_jobs = [j for j in jobs if late(j)]
        if late_jobs:
            blocked = _held_up(rng.choice(late_jobs), jobs, planned, rng, size)
            if blocked:
                return blocked
    if choice < 0.5:
        late_jobs = [j for j in jobs if late(j)]
        if late_jobs:
            seed = rng.choice(late_jobs)
            lo = min(planned[op.key].start for op in seed.operations)
            hi = max(planned[op.key].end for op in seed.operations)
            machines = {planned[op.key].machine for op in seed.operations} - {None}
            if rng.random() < 0.5:  # everything in its way: from its release to where it ends now
                lo = seed.release
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


def _held_up(seed: JobSpec, jobs: list[JobSpec], planned: dict, rng: random.Random, size: int) -> list[JobSpec]:
    """A late job with the jobs that went before it on the machine where it waited longest: the operations
    there from when it was ready until it started, those just before it first, one up to ``size - 1`` of
    them. Put back with the late job first (half of these steps), it goes ahead of them.

    On a full bottleneck the other neighbourhoods take the late job with rivals anywhere on its machines
    and times, whose holes rarely let it move up. Ad-hoc, 60 s of ``engine.solve``, seeds 0 and 1, at three
    times the demo's load: 500 orders 922990 / 614414 before, 571094 / 644909 with these steps (the same
    ORDER_SHARE), 200 orders 386672 / 311284 before, 311188 / 312085 with them."""
    where = _waited_longest(seed, planned)
    if where is None:
        return []
    waited, ready = where
    machine, start = planned[waited.key].machine, planned[waited.key].start
    before: dict[str, int] = {}
    for job in jobs:
        if job is seed:
            continue
        for op in job.operations:
            p = planned[op.key]
            if p.machine == machine and ready <= p.end and p.start < start:
                before[job.key] = max(before.get(job.key, 0), p.start)
    if not before:
        return []
    by_key = {j.key: j for j in jobs}
    nearest = sorted(before, key=lambda k: -before[k])
    count = rng.randint(1, max(1, size - 1))
    return _HeldUp([seed, *(by_key[k] for k in nearest[:count])])


def _waits(seed: JobSpec, planned: dict) -> list[tuple[int, OperationSpec, int]]:
    """(minutes waited, operation, ready) for each operation of ``seed`` that waited for its machine after it
    was ready (after its release or its previous operation and the wait after it)."""
    waits, ready = [], seed.release
    for op in seed.operations:
        p = planned[op.key]
        if p.machine is not None and p.start > ready:
            waits.append((p.start - ready, op, ready))
        ready = p.end + op.wait_after
    return waits


def _waited_longest(seed: JobSpec, planned: dict):
    """The operation of ``seed`` that waited longest for its machine after it was ready (the first of them):
    (operation, ready), or None."""
    waits = _waits(seed, planned)
    if not waits:
        return None
    _wait, op, ready = max(waits, key=lambda w: w[0])
    return op, ready


def _waiting(seed: JobSpec, planned: dict, rng: random.Random):
    """One operation of ``seed`` that waited for its machine after it was ready and may move, picked with
    odds by how long it waited: (operation, ready), or None."""
    waits = [w for w in _waits(seed, planned) if not w[1].held]
    if not waits:
        return None
    _wait, op, ready = rng.choices(waits, weights=[wait for wait, _op, _ready in waits])[0]
    return op, ready


def machine_window(problem: PlanningProblem, state: ShopState, seed: JobSpec, rng: random.Random, size: int,
                   limit: int):
    """A late job's operation where it waited longest, to go ahead of one up to ``size - 1`` of the
    operations booked there before it since it was ready: (the operations to take out there, the late
    job's operation, the start to put it at), or None.

    The window runs on past the late job's operation to the first operation that keeps its setup whatever
    comes before it (a change of family that pays the full changeover anyway) or the machine's last one:
    an operation put back before a kept one may not raise that one's setup, so a window that ended inside
    a family run could not be put back as it was. None when the window would hold more than ``limit``
    operations or reach a pinned one."""
    where = _waited_longest(seed, state.planned)
    if where is None:
        return None
    op, ready = where
    planned = state.planned[op.key]
    machine = planned.machine
    busy = state.machine_busy[machine]
    items = busy.items
    i = busy.position(planned.start, planned)
    first = resequence.reach_back(problem, items, i, rng.randint(1, max(1, size - 1)), ready)
    if first == i:
        return None
    spec = problem.machine_by_code[machine]
    families = {problem.operation_by_key[x.key].setup_family for x in items[first:i + 1]}
    if first > 0:
        families.add(problem.operation_by_key[items[first - 1].key].setup_family)
    last = resequence.boundary(problem, spec, items, first, i + 1, families, shortest=0, longest=limit)
    if last is None:
        return None
    return [problem.operation_by_key[x.key] for x in items[first:last]], op, items[first].start


def resequence_step(problem: PlanningProblem, current: _Incumbent, movable: list[JobSpec],
                     rng: random.Random) -> bool:
    """A stretch of one machine's queue sequenced again (``resequence``): around a late job's operation that
    waited for its machine (picked with odds by how long it waited), the order the machine model finds best,
    planned for real and kept when the plan is no worse. False when no stretch could be taken or the model
    found no better order (no step made)."""
    late_jobs = [j for j in movable if current.terms[j.key][0] > 0]
    where = late_jobs and _waiting(rng.choice(late_jobs), current.state.planned, rng)
    found = where and resequence.stretch(problem, current.state, *where, rng, rng.choice(STRETCH_SIZES))
    if not found:
        return False
    model, operations = found
    order, rank, present = resequence.better_order(model, rng)
    if rank is None or rank >= present:
        return False
    position = {operations[k].key: n for n, k in enumerate(order)}
    begin = current.state.planned[operations[0].key].start
    current_rank = current.rank()

    def sequence(op, starts):  # the stretch in its new order, the later operations of its jobs as they were
        return begin + position[op.key] / (len(operations) + 1) if op.key in position else starts[op.key]

    current.try_operations(operations, sequence, rng.choice(SETUP_WEIGHTS), lambda rank: rank <= current_rank,
                           limit=8 * len(operations))
    return True


class _HeldUp(list):
    """The jobs of a held-up step: the late job first."""
    held_up = True


@dataclass(frozen=True)
class Searched:
    """What ``improve`` returns: the best plan, the steps made, and why it ended: ``time`` (the deadline),
    ``stalled`` (no better plan in ``patience`` steps, when the caller asked to be told) or ``stuck`` (no step
    could be made at all)."""

    plan: Plan
    steps: int
    ended: str
    kicks: int = 0


def patience(problem: PlanningProblem) -> int:
    """Steps without a better plan after which the search counts as stalled."""
    return max(300, 30 * len(problem.jobs))


class Search:
    """One neighbourhood search on ``problem`` (ranked on its criteria), a step at a time, so that a caller can
    run two side by side. ``on_plan``: each better plan."""

    def __init__(self, problem: PlanningProblem, plan: Plan, seed: int = 0, rebuild_seconds: float = 0.0,
                 on_plan: Callable[[Plan], None] | None = None):
        self.problem = problem
        self.rng = random.Random(seed)
        self.start_plan, self.start_rank = plan, plan.rank(problem)
        self.current = _Incumbent(problem, plan)
        self.best_plan, self.best_rank = plan, self.current.rank()
        self.steps = self.since_improvement = self.kicks = self.kicks_in_a_row = 0
        self.size = 4
        self.patience = patience(problem)
        self.movable = [j for j in problem.jobs if _movable(problem, j)]
        self.sizes = [s for s in SIZES if s <= max(8, int(len(self.movable) * LARGEST_STEP_SHARE))]  # see SIZES
        self.work = {j.key: max(1, job_work(j)) for j in problem.jobs}
        self.compact_seconds = rebuild_seconds
        self.on_plan = on_plan

    @property
    def stalled(self) -> bool:
        return self.since_improvement >= self.patience

    def result(self) -> Plan:
        """The best plan, or the one it started from when it found nothing better."""
        if self.best_rank < self.start_rank:
            return Plan(self.best_plan.operations, method="lns")
        return self.start_plan

    def _record(self) -> None:  # after each step: a better plan is the best so far
        current = self.current
        if current.rank() < self.best_rank:
            self.best_rank = current.rank()
            self.best_plan = current.plan("lns")
            self.since_improvement = self.kicks_in_a_row = 0
            if self.on_plan:
                self.on_plan(self.best_plan)

    def restart(self, plan: Plan) -> None:
        """Go on from ``plan`` (a better one another search found): it becomes the best when it is better."""
        self.current = _Incumbent(self.problem, plan)
        self.since_improvement = 0
        if self.current.rank() < self.best_rank:
            self.best_rank, self.best_plan = self.current.rank(), plan
            self.kicks_in_a_row = 0

    def kick(self) -> None:
        """From the best plan, a few large random steps kept whatever they cost (more each time the search stalls
        again without finding better), and the search goes on from there."""
        rng = self.rng
        self.kicks += 1
        self.kicks_in_a_row += 1
        self.current = _Incumbent(self.problem, self.best_plan)
        for _ in range(min(self.kicks_in_a_row, 4)):
            removed = rng.sample(self.movable, min(len(self.movable), max(self.sizes)))
            shuffled = {j.key: rng.random() for j in removed}
            try:
                self.current.try_step(removed, lambda j: shuffled.get(j.key, 0.0), rng.choice(SETUP_WEIGHTS),
                                      lambda rank: True)
            except PlacementError:
                pass
        self.since_improvement = 0

    def step(self, deadline: float) -> float | None:
        """One step; returns the seconds it spent compacting the plan (not a step's own cost), or None when no
        step could be made (nothing movable)."""
        problem, rng, current, size = self.problem, self.rng, self.current, self.size
        self.steps += 1
        self.since_improvement += 1
        if rng.random() < RESEQUENCE_SHARE and resequence_step(problem, current, self.movable, rng):
            self._record()
            return 0.0
        if rng.random() < WINDOW_SHARE:  # a late job's operation ahead of those before it on its machine
            late_jobs = [j for j in self.movable if current.terms[j.key][0] > 0]
            window = late_jobs and machine_window(problem, current.state, rng.choice(late_jobs), rng, size,
                                                  limit=WINDOW_LIMIT * max(size, 8))
            if window:
                taken, ahead, target = window
                current_rank = current.rank()
                current.try_operations(
                    taken, lambda op, starts: target - 0.5 if op.key == ahead.key else starts[op.key],
                    rng.choice(SETUP_WEIGHTS), lambda rank: rank <= current_rank,
                    limit=2 * WINDOW_LIMIT * max(size, 8))
                self._record()
                self.size = rng.choice(self.sizes)
                return 0.0
        removed = neighbourhood(self.movable, current.state.planned, lambda j: current.terms[j.key][0] > 0, rng,
                                size)
        if not removed:
            return None
        mode = rng.random()
        work = self.work
        if getattr(removed, "held_up", False) and mode < 0.5:  # the late job ahead, the others as they were
            first = removed[0].key
            planned = current.state.planned

            def order_key(j):  # sorted before the step releases anything, with the jobs its closure adds
                return (j.key != first, min(planned[op.key].start for op in j.operations))
        elif mode < 0.3:
            def order_key(j):
                return (j.due, -j.weight)
        elif mode < 0.5:
            def order_key(j):
                return (-current.terms[j.key][1], j.due)
        elif mode < 0.7:  # late jobs first by weight per minute of work, then the others by slack
            def order_key(j):
                if current.terms[j.key][1] > 0:
                    return (0, -j.weight / work[j.key])
                return (1, j.due - work[j.key])
        else:
            shuffled = {j.key: rng.random() for j in problem.jobs}

            def order_key(j):
                return shuffled.get(j.key, 0.0)
        current_rank = current.rank()
        try:
            current.try_step(removed, order_key, rng.choice(SETUP_WEIGHTS), lambda rank: rank <= current_rank)
        except PlacementError:  # a pinned operation in the way: the plan is as it was
            pass
        # close the holes the steps left behind, when there is time for it (a rebuild of a large shop
        # takes a second or more: it must not run past the deadline)
        compacting = 0.0
        if self.steps % 150 == 0 and deadline - time.monotonic() > 1.5 * self.compact_seconds:
            began = time.monotonic()
            try:
                compacted = compact(problem, current.plan("lns"))
                if compacted.rank(problem) <= current.rank():
                    self.current = _Incumbent(problem, compacted)
            except PlacementError:
                pass
            self.compact_seconds = compacting = time.monotonic() - began
        self._record()
        self.size = rng.choice(self.sizes)
        return compacting


class Pacer:
    """No step is begun when the longest step so far (compactions aside) would not fit in the time left."""

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.longest = 0.0
        self.began = time.monotonic()

    def may_step(self, compacting: float = 0.0) -> bool:
        now = time.monotonic()
        self.longest = max(self.longest, now - self.began - compacting)
        self.began = now
        return now + self.longest < self.deadline


def improve(problem: PlanningProblem, plan: Plan, seconds: float, seed: int = 0,
            on_plan: Callable[[Plan], None] | None = None, rebuild_seconds: float = 0.0,
            on_stall: str = "kick") -> Searched:
    """One search alone for ``seconds``; returns the best plan, the steps made and why it ended (the solve runs
    two side by side, ``portfolio.search``).

    The search does not end before the deadline because it stalls: when ``patience`` steps found nothing
    better it kicks the plan (``on_stall="kick"``, ``Search.kick``) or hands back (``on_stall="return"``).
    ``rebuild_seconds``: what rebuilding the plan is known to take (a compaction is not started when it would not
    fit in the time left)."""
    search = Search(problem, plan, seed, rebuild_seconds, on_plan)
    pacer = Pacer(time.monotonic() + seconds)
    ended, compacting = "time", 0.0
    while True:
        if search.stalled:
            if on_stall == "return":
                ended = "stalled"
                break
            search.kick()
        if not pacer.may_step(compacting):
            break
        compacting = search.step(pacer.deadline)
        if compacting is None:
            ended = "stuck"
            break
    return Searched(search.result(), search.steps, ended, search.kicks)
