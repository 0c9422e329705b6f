"""Placing operations one by one on a partly filled shop: the shared core of the dispatcher and decoder.

An operation occupies its machine over [start, end). Its work is its run time plus a setup when the
operation before it on that machine has another setup family. A pausable operation's work is counted
over working time only (it stops over breaks and nights); one that may not pause must fit in one
working window. Attended work needs one qualified operator, present and free over the whole interval;
unattended work needs the operator only for its setup.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import dataclass

from ..reasons import Reason
from .plan import PlannedOperation
from .problem import OperationSpec, PlanningProblem
from .timeline import Busy, Windows


class PlacementError(RuntimeError):
    """``op`` cannot be placed; ``pinned``: the held operation that is in its way, where one is."""

    def __init__(self, op: OperationSpec, code: str, message: str, pinned: OperationSpec | None = None, **values):
        """``code``: the reason (``place.*``) with ``values``; ``message`` its English form, for the logs."""
        self.operation = op
        self.pinned = pinned
        self.reason = Reason.of(code, **values)
        super().__init__(f"operation {op.key}: {message}")


@dataclass(frozen=True)
class Placement:
    op: OperationSpec
    machine: str | None
    operator: str | None
    start: int
    end: int
    setup: int

    def planned(self) -> PlannedOperation:
        return PlannedOperation(self.op.key, self.op.job, self.machine, self.operator, self.start, self.end,
                                self.setup)


class ShopState:
    def __init__(self, problem: PlanningProblem, setup_weight: float = 0.5):
        self.problem = problem
        self.setup_weight = setup_weight
        self.machine_busy: dict[str, Busy] = {m.code: Busy() for m in problem.machines}
        self.operator_busy: dict[str, Busy] = {o.code: Busy() for o in problem.operators}
        self.planned: dict[str, PlannedOperation] = {}
        self._qualified: dict[tuple[str, int], list[str]] = {}

    # ------------------------------------------------------------ helpers
    def combined(self, machine: str, operator: str) -> Windows:
        return self.problem.combined_calendar(machine, operator)

    def qualified(self, op: OperationSpec) -> list[str]:
        key = (op.work_center_type, op.min_skill)
        if key not in self._qualified:
            self._qualified[key] = [o.code for o in self.problem.qualified_operators(op)]
        return self._qualified[key]

    def ready_time(self, op: OperationSpec) -> int:
        job = self.problem.job_by_key[op.job]
        ready = max(job.release, 0)
        index = next(i for i, o in enumerate(job.operations) if o.key == op.key)
        if index > 0:
            previous = job.operations[index - 1]
            planned = self.planned.get(previous.key)
            if planned is None:
                raise PlacementError(op, "place.predecessor", f"its predecessor {previous.key} is not planned yet",
                                     previous=previous.key)
            ready = max(ready, planned.end + previous.wait_after)
        return ready

    def _setup_after(self, op: OperationSpec, machine: str, predecessor: PlannedOperation | None) -> int:
        spec = self.problem.machine_by_code[machine]
        if predecessor is None:
            family = spec.initial_family
        else:
            family = self.problem.operation_by_key[predecessor.key].setup_family
        return spec.changeover(family, op)

    def _successor_unharmed(self, op: OperationSpec, machine: str, successor: PlannedOperation | None) -> bool:
        if successor is None:
            return True
        succ = self.problem.operation_by_key[successor.key]
        return successor.setup >= self.problem.machine_by_code[machine].changeover(op.setup_family, succ)

    # ------------------------------------------------------------ feasibility of one start
    def _end_if_feasible(self, op: OperationSpec, machine: str, operator: str | None, start: int, setup: int,
                         run: int) -> int | None:
        work = setup + run
        machine_cal = self.problem.machine_by_code[machine].calendar
        if work == 0:
            return start
        if operator is not None and not op.unattended:
            cal = self.combined(machine, operator)
            if cal.index_at(start) is None:
                return None
            if op.may_pause:
                end = cal.advance(start, work)
            else:
                window_end = cal.contiguous_end(start)
                end = start + work if window_end is not None and window_end >= start + work else None
            if end is None or not self.operator_busy[operator].is_free(start, end):
                return None
            return end
        if operator is not None:  # unattended: operator for the setup only
            cal = self.combined(machine, operator)
            window_end = cal.contiguous_end(start)
            if window_end is None or window_end < start + setup:
                return None
            if not self.operator_busy[operator].is_free(start, start + setup):
                return None
        if machine_cal.index_at(start) is None:
            return None
        if op.may_pause:
            return machine_cal.advance(start, work)
        window_end = machine_cal.contiguous_end(start)
        return start + work if window_end is not None and window_end >= start + work else None

    # ------------------------------------------------------------ earliest placement
    def earliest_on(self, op: OperationSpec, machine: str, operator: str | None, ready: int,
                    exact_start: int | None = None, cutoff: float | None = None) -> Placement | None:
        """The earliest placement of ``op`` on ``machine`` with ``operator`` from ``ready`` on (or exactly at
        ``exact_start``); None when there is none, or none that could end by ``cutoff``."""
        busy = self.machine_busy[machine]
        run = op.run[machine]
        horizon = self.problem.horizon
        n = len(busy)
        # gaps between machine bookings: (gap start, gap end, predecessor, successor)
        starts, ends = busy.starts, busy.ends
        machine_cal = self.problem.machine_by_code[machine].calendar
        # the first booking that ends after ``ready``: the bookings do not overlap, so their ends rise with
        # their starts (a zero-length booking at another's start can break that; walking back covers it)
        k = bisect_right(starts, ready)
        while k > 0 and ends[k - 1] > ready:
            k -= 1
        k -= 1
        while k < n:
            k += 1
            gap_start = ends[k - 1] if k > 0 else 0
            gap_end = starts[k] if k < n else horizon
            lo = max(gap_start, ready)
            if exact_start is not None:
                if not (gap_start <= exact_start < max(gap_end, exact_start + 1)):
                    continue
                lo = exact_start
            elif gap_end - lo < run and k < n:
                # too short for the run alone, whatever the setup and the calendar: on to the next gap that
                # is long enough (found in one tight loop: most gaps in a full plan are short)
                k = next((i for i in range(k + 1, n) if starts[i] - ends[i - 1] >= run), n) - 1
                continue
            if cutoff is not None and lo + run > cutoff:  # every later gap starts later still
                return None
            if lo >= gap_end and not (lo == gap_end and run == 0):
                continue
            if gap_end - lo < run:
                continue
            if run and machine_cal.working_between(lo, gap_end) < run:  # the machine works too little in it
                continue
            predecessor = busy.items[k - 1] if k > 0 else None
            successor = busy.items[k] if k < n else None
            if not self._successor_unharmed(op, machine, successor):
                continue
            setup = self._setup_after(op, machine, predecessor)
            attended_operator = operator if op.operator_needed(setup) else None
            if op.operator_needed(setup) and operator is None:
                continue
            # the gap's own start first (it is the first candidate, and usually the one that works), the
            # other candidate starts only when it does not
            end = self._end_if_feasible(op, machine, attended_operator, lo, setup, run)
            if end is not None and end <= gap_end:
                return Placement(op, machine, attended_operator, lo, end, setup)
            if exact_start is not None:
                return None
            for start in self._candidates(machine, attended_operator, lo, gap_end):
                end = self._end_if_feasible(op, machine, attended_operator, start, setup, run)
                if end is not None and end <= gap_end:
                    return Placement(op, machine, attended_operator, start, end, setup)
        return None

    def _candidates(self, machine: str, operator: str | None, lo: int, hi: int):
        """Start times worth trying in (lo, hi), in increasing order, produced lazily (the caller stops at
        the first that works; ``lo`` itself it tries first): the starts of working stretches of the machine
        (and of machine and operator together), and the moments the operator comes free."""
        machine_cal = self.problem.machine_by_code[machine].calendar
        cal = self.combined(machine, operator) if operator else machine_cal
        sources = [_until(cal.iter_starts_after(lo), hi), _until(machine_cal.iter_starts_after(lo), hi)]
        first = cal.next_working(lo)
        if first is not None and lo < first < hi:
            sources.append([first])
        if operator is not None:
            sources.append(self.operator_busy[operator].ends_between(lo, hi))
        return _distinct(value for value in heapq.merge(*sources) if value > lo)

    def best_placement(self, op: OperationSpec, machines: tuple[str, ...] | None = None,
                       operators: tuple[str | None, ...] | None = None,
                       exact_start: int | None = None) -> Placement:
        if op.is_subcontracted:
            ready = self.ready_time(op)
            start = ready if exact_start is None else exact_start
            return Placement(op, None, None, start, self.problem.subcontract_end(start, op.lead_days), 0)
        ready = self.ready_time(op) if exact_start is None else 0
        best, best_key = None, None
        if operators is not None:
            default_choices = operators
        elif not op.needs_operator:  # no operator ever: every operator choice would give the same placement
            default_choices = (None,)
        elif not op.unattended:  # attended throughout: never without one
            default_choices = tuple(self.qualified(op))
        else:  # unattended: an operator for the setup, none when the setup falls away
            default_choices = (*self.qualified(op), None)
        for machine in machines or op.eligible:
            choices = default_choices
            for operator in choices:
                # a placement ending after the best one's key cannot beat it: the scan stops there
                placement = self.earliest_on(op, machine, operator, ready, exact_start,
                                             None if best_key is None else best_key[0])
                if placement is None:
                    continue
                key = (placement.end + self.setup_weight * placement.setup, placement.start, machine,
                       operator or "")
                if best_key is None or key < best_key:
                    best, best_key = placement, key
        if best is None:
            raise PlacementError(op, "place.no_room", "no machine, operator and time within the horizon can take it")
        return best

    def keep(self, planned: PlannedOperation) -> None:
        """Book an operation exactly as an earlier plan had it (used to keep parts of a plan)."""
        op = self.problem.operation_by_key[planned.key]
        if planned.machine is not None:
            self.machine_busy[planned.machine].add(planned.start, planned.end, planned)
        if planned.operator is not None:
            until = planned.start + planned.setup if op.unattended else planned.end
            self.operator_busy[planned.operator].add(planned.start, until, planned)
        self.planned[planned.key] = planned

    def release(self, planned: PlannedOperation) -> None:
        """Undo ``keep`` or ``commit`` of one operation."""
        if planned.machine is not None:
            self.machine_busy[planned.machine].remove(planned.start, planned)
        if planned.operator is not None:
            self.operator_busy[planned.operator].remove(planned.start, planned)
        del self.planned[planned.key]

    def commit(self, placement: Placement) -> PlannedOperation:
        planned = placement.planned()
        if placement.machine is not None:
            self.machine_busy[placement.machine].add(placement.start, placement.end, planned)
        if placement.operator is not None:
            op = placement.op
            until = placement.start + placement.setup if op.unattended else placement.end
            self.operator_busy[placement.operator].add(placement.start, until, planned)
        self.planned[placement.op.key] = planned
        return planned


def _until(values, hi: int):
    for value in values:
        if value >= hi:
            return
        yield value


def _distinct(values):
    last = None
    for value in values:
        if value != last:
            yield value
            last = value
