"""``solve``: always a plan fast, then better ones until the time limit; every plan checked.

1. diagnose: operations that cannot be planned at all (no machine, no qualified operator, longer than any
   working window while they may not pause, a pinned operation off its machine's calendar) are reported
   with their order and operation, and their jobs left out; the rest is planned;
2. dispatch: several priority rules, the best one kept (the first plan, well under a second), then late
   jobs moved forward in its job order, each move a rebuild that lets the later jobs shift;
3. improve: CP-SAT (through PyJobShop) on small problems, where it can prove optimality, and large
   neighbourhood search on exact plans for the rest, until the time limit;
4. check: the independent plan checker; a plan with violations is never returned.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import dispatch as dispatching
from . import portfolio
from .bounds import Bound, lower_bound
from .checker import Violation, check_plan
from .cpsat import CpsatImprover
from .portfolio import Pool
from .progress import Progress
from .plan import Plan, Score
from .problem import JobSpec, OperationSpec, PlanningProblem
from ..reasons import Minutes, Reason
from .state import PlacementError, ShopState

CPSAT_MAX_OPERATIONS = 60
# The share of the time left that moving late jobs forward in the rule's order (a rebuild per try) may take
# before the search: a tenth; the search's own steps do the rest faster (runs in docs/benchmark-history.md,
# "Tuning notes").
ORDER_SHARE = 0.1
# The moves of late jobs are counted, not timed, so that a solve under either objective order makes the same
# ones (timed, the two runs fitted a different number of rebuilds and their searches started apart: on the
# 500-order demo shop at seed 1 the default then lost to the other order on both counts). How many: the
# share of the time limit over what a rebuild is expected to take, BUILD_SECONDS_PER_OPERATION per operation
# growing with the size (measured on this project's CI machine: 0.03 s at 371 operations, 0.13 s at 1205,
# 0.7 s at 3029); on a slower machine the clock still ends the phase at twice its share. Fewer than
# MIN_REBUILDS per order and the phase is left out: the search's own steps do more with the time.
BUILD_SECONDS_PER_OPERATION = 1e-4
MIN_REBUILDS = 3


def expected_rebuilds(operations: int, time_limit: float) -> int:
    """How many rebuilds moving late jobs forward may make under each objective order (0: leave it out)."""
    per_rebuild = BUILD_SECONDS_PER_OPERATION * operations * (1 + operations / 3000)
    tries = int(time_limit * ORDER_SHARE / 2 / per_rebuild) if per_rebuild > 0 else 0
    return tries if tries >= MIN_REBUILDS else 0


class PlanningError(RuntimeError):
    """No valid plan could be made; ``reasons`` says why, naming orders and operations."""

    def __init__(self, reasons: list):
        self.reasons = [r if isinstance(r, Reason) else Reason.of("text", text=str(r)) for r in reasons]
        super().__init__("; ".join(map(str, self.reasons)))


@dataclass(frozen=True)
class Unplanned:
    job: str
    order: str
    reason: Reason  # unplanned.*


@dataclass(frozen=True)
class DroppedPin:
    """A pin (an operation the planner fixed by hand) that the plan could not keep, and why, as a code:
    ``past`` (the pinned time has gone by and nobody started it), ``off_calendar`` (its machine does not work
    then, e.g. broken down), ``taken`` (machine or operator held by
    other pinned or started work), ``precedence`` (the step before it cannot end by then); ``detail`` names what
    was found, for the record. The operation is planned as if it had not been pinned."""

    operation: str
    order: str
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class PlanResult:
    plan: Plan
    problem: PlanningProblem
    score: Score
    status: str
    elapsed: float
    first_plan_seconds: float
    unplanned: tuple[Unplanned, ...] = ()
    history: tuple[tuple[float, Score, str], ...] = field(default=())
    notes: tuple[str, ...] = field(default=())
    bound: Bound | None = None  # what no plan can avoid (late orders, minutes late)
    dropped_pins: tuple[DroppedPin, ...] = ()

    @property
    def violations(self) -> list[Violation]:
        return check_plan(self.problem, self.plan)


def _describe(job: JobSpec, op: OperationSpec) -> Reason:
    return Reason.of("unplanned.where", order=job.order, job=job.key, step=op.sequence,
                     label=op.label or Reason.of(f"wct.{op.work_center_type}", text=str(op.work_center_type)))


def diagnose(problem: PlanningProblem) -> dict[str, Reason]:
    """Jobs that cannot be planned, with the reason (``unplanned.*``) naming the order and operation."""
    reasons: dict[str, Reason] = {}
    operators = problem.operators
    for job in problem.jobs:
        for op in job.operations:
            where = _describe(job, op)
            if op.is_subcontracted:
                continue
            if not op.run:
                reasons[job.key] = Reason.of("unplanned.no_machine", where=where,
                                             type=Reason.of(f"wct.{op.work_center_type}", text=op.work_center_type))
                break
            needs_operator = op.needs_operator and (not op.unattended or op.setup > 0)
            qualified = [o for o in operators if o.can_do(op.work_center_type, op.min_skill)]
            if needs_operator and not qualified:
                reasons[job.key] = Reason.of("unplanned.no_operator", where=where,
                                             type=Reason.of(f"wct.{op.work_center_type}", text=op.work_center_type))
                break
            if not op.may_pause:
                longest = 0
                for machine in op.eligible:
                    cal = problem.machine_by_code[machine].calendar
                    if needs_operator and not op.unattended:
                        for operator in qualified:
                            longest = max(longest, cal.intersect(operator.calendar).longest)
                    else:
                        longest = max(longest, cal.longest)
                work = min(op.run[m] for m in op.eligible) + op.setup
                if work > longest:
                    reasons[job.key] = Reason.of("unplanned.no_pause", where=where, work=Minutes(work),
                                                 longest=Minutes(longest))
                    break
            if op.fixed_start is not None and op.fixed_machine is not None:
                cal = problem.machine_by_code[op.fixed_machine].calendar
                if cal.index_at(op.fixed_start) is None and op.run[op.fixed_machine] > 0:
                    reasons[job.key] = Reason.of("unplanned.pinned_off", where=where, machine=op.fixed_machine)
                    break
    return reasons


def _cp_exact(problem: PlanningProblem) -> bool:
    """The CP model is exact (so its optimum is the plan's) without setups, calendars or subcontracting."""
    for job in problem.jobs:
        for op in job.operations:
            if op.setup or op.is_subcontracted:
                return False
    return all(len(m.calendar) == 1 for m in problem.machines) and all(
        len(o.calendar) == 1 for o in problem.operators)


def _without(problem: PlanningProblem, keys: set[str]) -> PlanningProblem:
    return dataclasses.replace(problem, jobs=tuple(j for j in problem.jobs if j.key not in keys))


def _planner_pin(op: OperationSpec) -> bool:
    """Fixed by the planner (not started work, which stays where the floor has it)."""
    return op.fixed_start is not None and not op.in_progress


def _unpin(problem: PlanningProblem, keys: set[str]) -> PlanningProblem:
    jobs = []
    for job in problem.jobs:
        if any(op.key in keys for op in job.operations):
            job = dataclasses.replace(job, operations=tuple(
                dataclasses.replace(op, fixed_start=None, fixed_machine=None) if op.key in keys else op
                for op in job.operations))
        jobs.append(job)
    return dataclasses.replace(problem, jobs=tuple(jobs))


def _drop(problem: PlanningProblem, dropped: list[DroppedPin], pins: dict[str, tuple[str, str]]) -> PlanningProblem:
    """Unpin ``pins`` (key -> (reason code, detail)) and record them."""
    for key, (reason, detail) in pins.items():
        dropped.append(DroppedPin(key, problem.job_by_key[problem.operation_by_key[key].job].order, reason, detail))
    return _unpin(problem, set(pins))


def _impossible_pins(problem: PlanningProblem) -> dict[str, tuple[str, str]]:
    """Pins at a time that has passed (the operation was not started then), or when their machine does not work
    (a breakdown or a changed calendar since the drag)."""
    out = {}
    for job in problem.jobs:
        for op in job.operations:
            if _planner_pin(op) and op.fixed_start < 0:
                out[op.key] = ("past", f"pinned {-op.fixed_start} min before the plan's start and not started")
            elif _planner_pin(op) and op.fixed_machine is not None and op.run.get(op.fixed_machine, 0) > 0:
                if problem.machine_by_code[op.fixed_machine].calendar.index_at(op.fixed_start) is None:
                    out[op.key] = ("off_calendar", f"{op.fixed_machine} does not work at minute {op.fixed_start}")
    return out


def _pin_in_the_way(error: PlacementError) -> dict[str, tuple[str, str]]:
    """The planner pin a placement failed on, as {key: (reason code, detail)}: the pinned operation itself
    (``taken``: machine or operator held by other pinned or started work) or the pinned step after the one that
    could not end in time (``precedence``); empty when no planner pin is to blame."""
    if _planner_pin(error.operation):
        return {error.operation.key: ("taken", str(error))}
    if error.pinned is not None and _planner_pin(error.pinned):
        return {error.pinned.key: ("precedence", str(error))}
    return {}


def _pins_broken_by(problem: PlanningProblem, violations: list[Violation]) -> dict[str, tuple[str, str]]:
    """Planner pins named by a checked plan's violations (the step before ends after the pinned start ...)."""
    out = {}
    for violation in violations:
        op = problem.operation_by_key.get(violation.operation)
        if op is not None and _planner_pin(op) and op.key not in out:
            out[op.key] = (violation.kind, violation.message)
    return out


def _placement_reason(job, op, error: PlacementError) -> Reason:
    if getattr(op, "fixed_start", None) is not None:
        return Reason.of("unplanned.pinned_spot", where=_describe(job, op))
    return Reason.of("unplanned.placement", where=_describe(job, op), problem=error.reason)


def first_plan(problem: PlanningProblem, rules: tuple[str, ...] = ("edd",),
               dropped: list[DroppedPin] | None = None) -> tuple[PlanningProblem, Plan, list[Unplanned]]:
    """A dispatching plan as fast as possible (one rule by default), leaving out (and reporting) jobs that
    cannot be planned. A pin the plan cannot keep is dropped (recorded in ``dropped``), never a failed plan."""
    dropped = [] if dropped is None else dropped
    problem = _drop(problem, dropped, _impossible_pins(problem))
    unplanned = [Unplanned(k, problem.job_by_key[k].order, r) for k, r in diagnose(problem).items()]
    reduced = _without(problem, {u.job for u in unplanned})
    for _attempt in range(sum(len(j.operations) for j in reduced.jobs) + len(reduced.jobs) + 1):
        try:
            plan = dispatching.dispatch(reduced, rules=rules)
        except PlacementError as error:
            pin = _pin_in_the_way(error)
            if pin:
                reduced = _drop(reduced, dropped, pin)
                continue
            op = error.operation
            job = reduced.job_by_key[op.job]
            unplanned.append(Unplanned(job.key, job.order, _placement_reason(job, op, error)))
            reduced = _without(reduced, {job.key})
            continue
        if any(_planner_pin(op) for job in reduced.jobs for op in job.operations):
            broken = _pins_broken_by(reduced, check_plan(reduced, plan))
            if broken:
                reduced = _drop(reduced, dropped, broken)
                continue
        return reduced, plan, unplanned
    raise PlanningError([u.reason for u in unplanned])


def solve(problem: PlanningProblem, time_limit: float = 10.0, on_progress: Callable[[Progress], None] | None = None,
          workers: int = 2, seed: int = 0, use_cpsat: bool | None = None, with_bound: bool = True,
          search: bool = True) -> PlanResult:
    """The best plan found within ``time_limit`` seconds. ``with_bound=False`` leaves out the lower bound
    (a second at 500 busy orders), for callers that only need the plan, such as a promise date.
    ``search=False`` gives the best of the dispatching rules only, every rule tried whatever the time: the same
    book gives the same plan on any machine (a promise or a quoted lead time must not change between two asks)."""
    started = time.monotonic()
    history: list[tuple[float, Score, str]] = []
    bound: Bound | None = None

    def report(phase: str, plan: Plan, message: str = "") -> None:
        score = plan.score(reduced)
        history.append((time.monotonic() - started, score, phase))
        if on_progress:
            on_progress(_progress(phase, time.monotonic() - started, score, message, bound, reduced.criteria[0]))

    notes: list[str] = []
    dropped: list[DroppedPin] = []
    reduced, best, unplanned = first_plan(problem, dropped=dropped)
    first_seconds = time.monotonic() - started
    report("dispatch", best)
    bound = _bound(reduced, notes) if with_bound else None  # after the first plan, which does not wait for it
    # every plan from here on is scored under the shop's order and the other one (see planning.portfolio)
    pool = Pool(reduced)
    pool.consider(best, dispatching.order_edd(reduced))

    def consider(plan: Plan, job_order=None, phase: str = "dispatch") -> None:
        if pool.consider(plan, job_order):
            report(phase, pool.best())

    build_seconds = first_seconds  # what a rebuild of the whole plan takes (the longest one timed)
    for rule in dispatching.RULES:  # the other rules, as the first improvement
        if rule == "edd" or (search and time.monotonic() - started > time_limit / 2):
            continue
        order = dispatching.RULES[rule](reduced)
        began = time.monotonic()
        try:
            candidate = dispatching.build(reduced, order, method=f"dispatch:{rule}")
        except PlacementError:
            continue
        finally:
            build_seconds = max(build_seconds, time.monotonic() - began)
        consider(candidate, order)
    # then late jobs moved forward in the best rule's order, each try a rebuild, a counted number of tries
    # (expected_rebuilds; it stops sooner when no move helps) under each order (late orders first, then
    # minutes late), within twice ORDER_SHARE of the time left
    n_ops = sum(len(j.operations) for j in reduced.jobs)
    tries = expected_rebuilds(n_ops, time_limit) if search else 0
    if reduced.jobs and tries:
        # each order from its own best rule (a plan moved forward under one order is seldom a good start under
        # the other: the two searches start apart)
        share = (time_limit - (time.monotonic() - started)) * ORDER_SHARE * 2
        share_ends = time.monotonic() + share
        starts = [(order, pool.best(order), pool.job_order(order)) for order in pool.orders]
        for order, plan, job_order in starts:
            seconds = share / 2 if order == pool.orders[0] else share_ends - time.monotonic()
            plan, job_order = dispatching.improve_order(pool.problem(order), plan, job_order, seconds,
                                                        on_plan=consider, build_seconds=build_seconds,
                                                        max_tries=tries)
            consider(plan, job_order)
    best = pool.best()
    status = "feasible"
    remaining = time_limit - (time.monotonic() - started)
    if use_cpsat is None:
        use_cpsat = n_ops <= CPSAT_MAX_OPERATIONS
    use_cpsat = use_cpsat and search
    if use_cpsat and remaining > 0.5 and n_ops:
        unit = max(1, reduced.horizon // 40000)
        budget = remaining if n_ops <= CPSAT_MAX_OPERATIONS else remaining / 2
        try:
            improver = CpsatImprover(reduced, unit=unit)
            candidate, cp_status = improver.improve(best, budget, workers=workers, on_progress=on_progress)
        except Exception as error:  # noqa: BLE001 - a failing solver must not cost the plan we have
            candidate, cp_status = best, f"solver failed: {error.__class__.__name__}: {error}"
            notes.append(f"CP-SAT improvement skipped: {cp_status}")
        consider(candidate, phase="cpsat")
        best = pool.best()
        if cp_status == "optimal" and unit == 1 and _cp_exact(reduced) and best is candidate:
            status = "optimal"
    checking = time.monotonic()
    check_plan(reduced, best)  # what the final check will cost, to leave time for it
    # the final check and scoring, with room for the last step of the search and a busy machine
    remaining = time_limit - (time.monotonic() - started) - 3 * (time.monotonic() - checking) - 0.1
    if remaining > 0.05 and status != "optimal" and n_ops and search:
        best = portfolio.search(pool, remaining, seed=seed, on_plan=lambda plan: report("search", plan),
                                on_tick=lambda plan: report("search", plan), rebuild_seconds=build_seconds,
                                bound=bound)
    violations = check_plan(reduced, best)
    if violations:  # never hand on an invalid plan: fall back to the plain dispatching plan
        fallback = dispatching.dispatch(reduced)
        if check_plan(reduced, fallback):
            raise PlanningError([Reason.of("plan.internal", problem=v.reason) for v in violations[:5]])
        best, status = fallback, "feasible (fallback)"
    return PlanResult(best, reduced, best.score(reduced), status, time.monotonic() - started, first_seconds,
                      tuple(unplanned), tuple(history), tuple(notes), bound, tuple(dropped))


def replan(problem: PlanningProblem, previous: Plan, keep_minutes: int = 2 * 1440, time_limit: float = 5.0,
           on_progress: Callable[[Progress], None] | None = None, seed: int = 0) -> PlanResult:
    """Replan after an event, moving as little as possible (see ``_replan``). A pin the event made impossible
    (its machine broke down, the step before it now ends later) is dropped and named in ``dropped_pins``, and
    its operation planned as if unpinned: a replan never fails on a pin."""
    started = time.monotonic()
    dropped: list[DroppedPin] = []
    problem = _drop(problem, dropped, _impossible_pins(problem))
    while True:
        try:
            result = _replan(problem, previous, keep_minutes, time_limit - (time.monotonic() - started),
                             on_progress, seed, dropped)
        except _BrokenPins as broken:
            problem = _drop(problem, dropped, broken.pins)
            continue
        return dataclasses.replace(result, elapsed=time.monotonic() - started, dropped_pins=tuple(dropped))


class _BrokenPins(Exception):
    def __init__(self, pins: dict[str, tuple[str, str]]):
        super().__init__(", ".join(pins))
        self.pins = pins


def _replan(problem: PlanningProblem, previous: Plan, keep_minutes: int, time_limit: float,
            on_progress: Callable[[Progress], None] | None, seed: int, dropped: list[DroppedPin]) -> PlanResult:
    """Replan after an event, moving as little as possible.

    Every operation of the previous plan that starts within ``keep_minutes`` and can still be done exactly
    where it was (same machine, operator and time, in the new problem's calendars) stays; the others, later
    ones and new jobs are placed again around them, later operations in their previous order first. That
    plan is checked and ready within a second or two; the rest of ``time_limit`` goes to the neighbourhood
    search with what stayed held in place, so only later work moves to make the plan better.
    """
    started = time.monotonic()
    diagnosis = diagnose(problem)
    unplanned = [Unplanned(k, problem.job_by_key[k].order, r) for k, r in diagnosis.items()]
    reduced = _without(problem, set(diagnosis))
    previous_start = {p.key: p.start for p in previous.operations}
    while True:  # pinned or started work that cannot be placed as fixed: that job is left out, with the reason
        state = ShopState(reduced)
        try:
            # started work in the order the previous plan had it (the floor was told that order)
            dispatching.place_fixed(state, lambda job, op: (previous_start.get(op.key, problem.horizon), job.due))
            break
        except PlacementError as error:
            pin = _pin_in_the_way(error)
            if pin:
                raise _BrokenPins(pin) from None
            job = reduced.job_by_key[error.operation.job]
            unplanned.append(Unplanned(job.key, job.order, _placement_reason(job, error.operation, error)))
            reduced = _without(reduced, {job.key})
    previous_by_key = {p.key: p for p in previous.operations if p.key in reduced.operation_by_key}
    kept: set[str] = set()
    for planned in sorted(previous_by_key.values(), key=lambda p: p.start):
        op = reduced.operation_by_key[planned.key]
        if op.key in state.planned or planned.start >= keep_minutes:
            continue
        job = reduced.job_by_key[op.job]
        index = job.operations.index(op)
        if index > 0 and job.operations[index - 1].key not in state.planned:
            continue
        try:
            ready = state.ready_time(op)
        except PlacementError:
            continue
        if planned.start < ready:
            continue
        if op.is_subcontracted:
            state.commit(state.best_placement(op, exact_start=planned.start))
            continue
        machines = (planned.machine,) if planned.machine in op.run else None
        if machines is None:
            continue
        placement = state.earliest_on(op, planned.machine, planned.operator, ready, exact_start=planned.start)
        if placement is not None and placement.end == planned.end:
            state.commit(placement)
            kept.add(op.key)
    # the rest: jobs in the order their (remaining) operations had, new jobs by due date
    first_start = {}
    for job in reduced.jobs:
        starts = [previous_by_key[op.key].start for op in job.operations if op.key in previous_by_key]
        first_start[job.key] = min(starts) if starts else None
    order = sorted(reduced.jobs, key=lambda j: (first_start[j.key] is None, first_start[j.key] or 0, j.due))
    for job in order:
        for op in job.operations:
            if op.key not in state.planned:
                state.commit(state.best_placement(op))
    plan = Plan(tuple(state.planned[op.key] for job in reduced.jobs for op in job.operations), method="replan")
    checking = time.monotonic()
    violations = check_plan(reduced, plan)
    if violations:
        broken = _pins_broken_by(reduced, violations)
        if broken:
            raise _BrokenPins(broken)
        raise PlanningError([v.reason for v in violations[:5]])
    repaired_seconds = time.monotonic() - started
    check_seconds = time.monotonic() - checking
    history = [(repaired_seconds, plan.score(reduced), "replan")]
    if on_progress:
        on_progress(_progress("replan", repaired_seconds, history[0][1], first=reduced.criteria[0]))
    notes: list[str] = []
    bound = _bound(reduced, notes)
    # then better plans in the time left, with what stayed in the next days held where it is
    if time_limit - repaired_seconds > 0.5 and any(op.key not in kept for job in reduced.jobs for op in job.operations):
        held = _hold(reduced, plan, kept)
        # what is left, less the check and scoring after the search, with room for the search's last step
        # and a busy machine (the 500-order benchmark overran 10 s by 0.2 s with two checks' worth)
        remaining = max(0.0, time_limit - (time.monotonic() - started) - 3 * check_seconds - 0.1)
        pool = Pool(held)
        pool.consider(plan)

        def standing(best: Plan) -> None:  # the best plan so far, as the search runs
            if on_progress:
                on_progress(_progress("search", time.monotonic() - started, best.score(reduced), bound=bound,
                                      first=reduced.criteria[0]))

        improved = portfolio.search(pool, remaining, seed=seed, on_plan=standing, on_tick=standing, bound=bound)
        if improved.rank(reduced) < plan.rank(reduced) and not check_plan(held, improved):
            plan = Plan(improved.operations, method="replan")
            history.append((time.monotonic() - started, plan.score(reduced), "search"))
            if on_progress:
                on_progress(_progress("search", history[-1][0], history[-1][1], bound=bound,
                                      first=reduced.criteria[0]))
    return PlanResult(plan, reduced, plan.score(reduced), "feasible", time.monotonic() - started,
                      repaired_seconds, tuple(unplanned), tuple(history), tuple(notes), bound)


def _bound(problem: PlanningProblem, notes: list[str]) -> Bound | None:
    """The lower bound, or None with a note: a failure there must not cost the plan."""
    try:
        return lower_bound(problem)
    except Exception as error:  # noqa: BLE001
        notes.append(f"lower bound skipped: {error.__class__.__name__}: {error}")
        return None


def _progress(phase: str, elapsed: float, score: Score, message: str = "", bound: Bound | None = None,
              first: str = "") -> Progress:
    """The objective reported is the weighted minutes late; its bound, where known, what no plan avoids. The
    message is for logs (English); pages and the CLI write the numbers in the reader's language."""
    return Progress(phase, elapsed, float(score.tardiness), None if bound is None else float(bound.tardiness),
                    message or f"{score.late_jobs} late (weighted), tardiness {score.tardiness} min"
                    + ("" if bound is None else f", at least {bound.late_jobs} late and {bound.tardiness} min "
                       "unavoidable"),
                    late_jobs=score.late_jobs, tardiness=score.tardiness,
                    late_jobs_bound=None if bound is None else bound.late_jobs,
                    tardiness_bound=None if bound is None else bound.tardiness, first=first)


def _hold(problem: PlanningProblem, plan: Plan, keys: set[str]) -> PlanningProblem:
    """The problem with the operations ``keys`` pinned where ``plan`` has them."""
    planned = plan.by_key()
    jobs = []
    for job in problem.jobs:
        if not any(op.key in keys for op in job.operations):
            jobs.append(job)
            continue
        jobs.append(dataclasses.replace(job, operations=tuple(
            dataclasses.replace(op, fixed_start=planned[op.key].start, fixed_machine=planned[op.key].machine)
            if op.key in keys and not op.held else op
            for op in job.operations)))
    return dataclasses.replace(problem, jobs=tuple(jobs))
