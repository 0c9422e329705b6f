"""A better order for a stretch of one machine's queue, found on a quick model of that machine alone.

A late job on a full bottleneck often needs several operations there to change places at once: a long job
moved behind a few short ones that are due first, a job ready since the start moved up past a dozen others.
One move at a time makes each intermediate plan worse (the short job ahead raises its setup, the long one no
longer fits and every job behind it is late), so a search that keeps only non-worsening steps never gets there.

Here the stretch is taken out and sequenced on a model of the machine alone: each operation ready when its
job's previous operation ends (those stay where they are), its setup from the family before it, its run on
the machine's calendar (pausing over breaks or waiting for one working window long enough, as it may), and
its job finishing as much later as the operation does (the rest of the job shifted by the same amount). The
stretch must end before the next operation that stays on the machine. Insertion moves (one operation to
another place in the order) are tried until none helps or a few thousand orders have been tried, on the
problem's criteria in their order. The order
found is then planned for real (operators, all calendars) by the caller and kept only if the plan is better.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .plan import Score
from .problem import MachineSpec, OperationSpec, PlanningProblem
from .state import ShopState


@dataclass(frozen=True)
class Slot:
    """One operation of the stretch, as the machine model sees it."""

    op: OperationSpec
    ready: int  # when its job's previous operation is done (and its wait after)
    run: int
    tail: int  # how much later than this operation its job ends now
    due: int
    weight: int
    release: int


class MachineModel:
    """The machine alone from ``begin`` (after an operation of ``family``) until ``until`` (None: open)."""

    def __init__(self, spec: MachineSpec, begin: int, family: str, until: int | None, criteria: tuple[str, ...],
                 slots: list[Slot]):
        self.spec = spec
        self.calendar = spec.calendar
        self.begin = begin
        self.family = family
        self.until = until
        self.criteria = criteria
        self.slots = slots

    def _times(self, slot: Slot, at: int, setup: int) -> tuple[int, int] | None:
        """(start, end) of ``slot`` started no earlier than ``at``, or None past the calendar."""
        cal = self.calendar
        work = setup + slot.run
        start = cal.next_working(max(at, slot.ready))
        if start is None:
            return None
        if work == 0:
            return start, start
        if slot.op.may_pause:
            end = cal.advance(start, work)
            return None if end is None else (start, end)
        while True:
            window_end = cal.contiguous_end(start)
            if window_end - start >= work:
                return start, start + work
            start = next(cal.iter_starts_after(start), None)
            if start is None:
                return None

    def evaluate(self, order: list[int], prefix: list | None = None, keep: int = 0):
        """The rank of ``order`` (criteria totals over the stretch's jobs, in the problem's order) and the
        states after each operation (for ``prefix`` reuse: the first ``keep`` of ``prefix`` are taken as
        they are); rank None when the order does not fit before ``until``."""
        states = prefix[:keep + 1] if prefix else [(self.begin, self.family, (0, 0, 0, 0))]
        t, family, totals = states[-1]
        late, tardiness, setups, flow = totals
        spec = self.spec
        for index in order[keep:]:
            slot = self.slots[index]
            setup = spec.changeover(family, slot.op)
            placed = self._times(slot, t, setup)
            if placed is None:
                return None, states
            t = placed[1]
            family = slot.op.setup_family
            finish = t + slot.tail
            if finish > slot.due:
                late += slot.weight
                tardiness += slot.weight * (finish - slot.due)
            setups += setup
            flow += slot.weight * max(0, finish - slot.release)
            states.append((t, family, (late, tardiness, setups, flow)))
        if self.until is not None and t > self.until:
            return None, states
        return Score(late, tardiness, setups, flow).ordered(self.criteria), states


def better_order(model: MachineModel, rng: random.Random,
                 max_evaluations: int = 4000) -> tuple[list[int], tuple | None, tuple | None]:
    """From the stretch's present order (0, 1, ...), insertion moves while one helps (first improvement,
    operations in random order), at most ``max_evaluations`` orders in all: (the order found, its rank, the
    present order's rank; both None when the present order does not fit).

    Each move re-times only the operations from the first place it changes: the times before it are reused.
    On the 200-order busy shop, a step's model took about 37 ms and its real plan about 20 ms (cProfile)."""
    n = len(model.slots)
    order = list(range(n))
    rank, states = model.evaluate(order)
    start_rank = rank
    if rank is None:
        return order, None, None
    evaluations = 0
    improved = True
    while improved and evaluations < max_evaluations:
        improved = False
        for i, j in _insertions(n, rng):
            if evaluations >= max_evaluations:
                break
            candidate = order[:i] + order[i + 1:]
            candidate.insert(j, order[i])
            new_rank, new_states = model.evaluate(candidate, states, keep=min(i, j))
            evaluations += 1
            if new_rank is not None and new_rank < rank:
                order, rank, states = candidate, new_rank, new_states
                improved = True
                break
    return order, rank, start_rank


def _insertions(n: int, rng: random.Random):
    """Moves (from, to) of one of ``n`` places to another, the places taken in random order."""
    for i in rng.sample(range(n), n):
        for j in range(n):
            if j != i:
                yield i, j


def reach_back(problem: PlanningProblem, items: list, i: int, count: int, ready: int) -> int:
    """Where a stretch of a machine's bookings ``items`` ending at the ``i``-th begins: up to ``count`` bookings
    before it, those that end after ``ready`` and may move (not pinned or started)."""
    first = i
    while (first > 0 and i - first < count and items[first - 1].end > ready
           and not problem.operation_by_key[items[first - 1].key].held):
        first -= 1
    return first


def boundary(problem: PlanningProblem, spec: MachineSpec, items: list, first: int, last: int, families: set,
             shortest: int, longest: int) -> int | None:
    """Where a stretch of a machine's bookings ``items`` from ``first`` (now up to ``last``) may end: before
    the first booking, once it holds at least ``shortest``, whose setup is the full changeover from every
    family in it (``families``, grown as it goes), so that one put back before it cannot raise its setup; or
    at the machine's end. None when it would reach a pinned or started booking or hold ``longest``."""
    while last < len(items):
        after = items[last]
        after_op = problem.operation_by_key[after.key]
        if last - first >= shortest and all(spec.changeover(f, after_op) <= after.setup for f in families):
            break
        if after_op.held or last - first >= longest:
            return None
        families.add(after_op.setup_family)
        last += 1
    return last


def stretch(problem: PlanningProblem, state: ShopState, op: OperationSpec, ready: int, rng: random.Random,
            size: int) -> tuple[MachineModel, list[OperationSpec]] | None:
    """The stretch of ``op``'s machine to sequence again, for ``op`` (ready at ``ready``) to go ahead or the
    others to go ahead of it: from up to ``size`` of the operations before it that end after ``ready`` (none
    when it waited for the calendar or an operator), through ``op`` and on. It takes the machine's whole tail
    when that holds at most ``2 * size`` operations (so a long operation can go to the end); else it ends,
    after at least ``size`` operations, before one that keeps its setup whatever comes before it, with at most
    ``2 * size`` in all. Returns (the machine model, the operations in their present order), or None: a held
    operation in the way, a job twice in it, or no such boundary within reach."""
    planned = state.planned[op.key]
    machine = planned.machine
    busy = state.machine_busy[machine]
    items = busy.items
    i = busy.position(planned.start, planned)
    first = reach_back(problem, items, i, rng.randint(1, max(1, size)), ready)
    spec = problem.machine_by_code[machine]
    if len(items) - first <= 2 * size and not any(problem.operation_by_key[x.key].held for x in items[i + 1:]):
        last = len(items)  # the machine's whole tail: a long operation can go to the end
    else:
        families = {problem.operation_by_key[x.key].setup_family for x in items[first:i + 1]}
        last = boundary(problem, spec, items, first, i + 1, families, shortest=size, longest=2 * size)
        if last is None:
            return None
    window = items[first:last]
    if len(window) < 2:
        return None
    jobs = [x.job for x in window]
    if len(set(jobs)) < len(jobs):
        return None
    slots = []
    for x in window:
        spec_op = problem.operation_by_key[x.key]
        job = problem.job_by_key[x.job]
        ends = max(state.planned[o.key].end for o in job.operations)
        slots.append(Slot(spec_op, state.ready_time(spec_op), spec_op.run[machine], ends - x.end, job.due,
                          job.weight, job.release))
    previous = items[first - 1] if first > 0 else None
    begin = previous.end if previous is not None else 0
    family = problem.operation_by_key[previous.key].setup_family if previous is not None else spec.initial_family
    until = items[last].start if last < len(items) else None
    return MachineModel(spec, begin, family, until, problem.criteria, slots), [s.op for s in slots]
