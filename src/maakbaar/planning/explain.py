"""Why is an order late, where is the load, what can we promise? Plain answers from a plan."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ..reasons import Day, Minutes, Reason, Share

from .bounds import Bound, alone_completion, lower_bound
from .dispatch import RULES, build, place_fixed
from .plan import Plan
from .problem import JobSpec, PlanningProblem
from .state import ShopState


@dataclass(frozen=True)
class Delay:
    operation: str
    label: str
    waited: int  # minutes between ready and start
    cause: Reason  # wait.busy, wait.closed, wait.no_operator, wait.previous


@dataclass(frozen=True)
class LateExplanation:
    job: str
    order: str
    tardiness: int
    unavoidable: bool  # late in any plan (see planning.bounds)
    delays: tuple[Delay, ...]
    reason: Reason  # late.unavoidable, late.held_up or late.late, with its values (i18n.say writes it out)


def explain_late(problem: PlanningProblem, plan: Plan, bound: Bound | None = None) -> list[LateExplanation]:
    """Why every late order is late, as reason codes with their values. An order is called late in any plan
    exactly when the plan's ``bound`` (``planning.bounds``, computed here when not given) says so."""
    bound = bound or lower_bound(problem)
    planned = plan.by_key()
    outcomes = {o.key: o for o in plan.outcomes(problem)}
    by_machine = defaultdict(list)
    for p in plan.operations:
        if p.machine:
            by_machine[p.machine].append(p)
    explanations = []
    for job in problem.jobs:
        outcome = outcomes[job.key]
        if not outcome.late:
            continue
        alone = bound.earliest[job.key] if job.key in bound.earliest else alone_completion(problem, job)
        delays = []
        ready = max(job.release, 0)
        for op in job.operations:
            p = planned[op.key]
            waited = p.start - ready
            if waited > 0:
                delays.append(Delay(op.key, op.label or op.work_center_type, waited,
                                    _cause(problem, by_machine, job, op, p, ready)))
            ready = p.end + op.wait_after
        delays.sort(key=lambda d: -d.waited)
        behind = bound.behind.get(job.key, ())
        explanations.append(LateExplanation(job.key, job.order, outcome.tardiness, alone > job.due, tuple(delays),
                                            _summary(problem, job, outcome, alone, delays, behind)))
    return explanations


def _cause(problem: PlanningProblem, by_machine, job: JobSpec, op, p, ready: int) -> Reason:
    """Why an operation waited: its machine busy with other orders, closed, no operator, or the step before."""
    if not p.machine:
        return Reason.of("wait.previous")
    busy = [q for q in by_machine[p.machine] if q.start < p.start and q.end > ready and q.job != job.key]
    machine_busy = sum(min(q.end, p.start) - max(q.start, ready) for q in busy)
    machine_working = problem.machine_by_code[p.machine].calendar.working_between(ready, p.start)
    if machine_busy >= machine_working * 0.5 and busy:
        orders = sorted({problem.job_by_key[q.job].order for q in busy})
        return Reason.of("wait.busy", machine=p.machine, n=len(busy),
                         orders=(*orders[:4], "…") if len(orders) > 4 else tuple(orders),
                         loaded=_overload(problem, busy, p.machine, ready, p.start))
    if machine_working == 0:
        return Reason.of("wait.closed", machine=p.machine)
    return Reason.of("wait.no_operator", skill=op.work_center_type)


def _summary(problem: PlanningProblem, job: JobSpec, outcome, alone: int, delays: list[Delay],
             behind: tuple[str, ...] = ()) -> Reason:
    if alone > job.due:
        parts = []
        if job.release > 0:
            parts.append(Reason.of("late.released", day=Day(problem.to_datetime(job.release).date())))
        sub_days = sum(op.lead_days for op in job.operations if op.is_subcontracted)
        if sub_days:
            parts.append(Reason.of("late.subcontracted", n=sub_days))
        work = sum(min(op.run.values(), default=0) + op.setup for op in job.operations if not op.is_subcontracted)
        parts.append(Reason.of("late.work", work=Minutes(work)))
        if job.due <= 0:
            parts.append(Reason.of("late.past"))
        if behind:
            parts.append(Reason.of("late.behind_started", machines=tuple(behind)))
        return Reason.of("late.unavoidable", late=Minutes(alone - job.due), parts=tuple(parts))
    if delays:
        first = delays[0]
        return Reason.of("late.held_up", late=Minutes(outcome.tardiness), waited=Minutes(first.waited),
                         label=first.label, cause=first.cause)
    return Reason.of("late.late", late=Minutes(outcome.tardiness))


def _overload(problem: PlanningProblem, items, machine: str, start: int, end: int) -> Reason | None:
    """The days in [start, end) the machine was (nearly) full: wait.loaded with its share, number of days and
    span (span.day or span.days)."""
    calendar = problem.machine_by_code[machine].calendar
    offset = problem.origin.hour * 60 + problem.origin.minute
    first_day, last_day = (start + offset) // 1440, (end - 1 + offset) // 1440
    full, load_sum, cap_sum = [], 0, 0
    for day in range(first_day, last_day + 1):
        a, b = day * 1440 - offset, (day + 1) * 1440 - offset
        capacity = calendar.working_between(max(a, 0), b)
        if not capacity:
            continue
        load = sum(calendar.working_between(max(q.start, a, 0), min(q.end, b)) for q in items)
        if load >= 0.9 * capacity:
            full.append(day)
            load_sum, cap_sum = load_sum + load, cap_sum + capacity
    if not full:
        return None

    def on(day: int) -> Day:
        return Day(problem.origin.date() + dt.timedelta(days=day))
    span = (Reason.of("span.day", day=on(full[0])) if len(full) == 1
            else Reason.of("span.days", first=on(full[0]), last=on(full[-1])))
    return Reason.of("wait.loaded", machine=machine, share=Share(load_sum / cap_sum), n=len(full), span=span)


@dataclass(frozen=True)
class DayLoad:
    resource: str
    day: int  # days from the plan's origin date
    load: int  # minutes planned
    capacity: int  # working minutes

    @property
    def utilisation(self) -> float:
        return self.load / self.capacity if self.capacity else (1.0 if self.load else 0.0)


def _day_bounds(problem: PlanningProblem, day: int) -> tuple[int, int]:
    offset = problem.origin.hour * 60 + problem.origin.minute
    return day * 1440 - offset, (day + 1) * 1440 - offset


def machine_load(problem: PlanningProblem, plan: Plan, days: int = 14) -> list[DayLoad]:
    loads = []
    for machine in problem.machines:
        items = [p for p in plan.operations if p.machine == machine.code]
        for day in range(days):
            a, b = _day_bounds(problem, day)
            load = sum(machine.calendar.working_between(max(p.start, a, 0), min(p.end, b)) for p in items)
            capacity = machine.calendar.working_between(max(a, 0), b)
            loads.append(DayLoad(machine.code, day, load, capacity))
    return loads


def skill_load(problem: PlanningProblem, plan: Plan, days: int = 14) -> list[DayLoad]:
    """Attended minutes per skill and day against the shift time of the operators who have that skill."""
    ops = problem.operation_by_key
    loads = []
    skills = sorted({t for o in problem.operators for t in o.skills})
    for skill in skills:
        people = [o for o in problem.operators if o.can_do(skill)]
        items = [p for p in plan.operations if p.operator and ops[p.key].work_center_type == skill]
        for day in range(days):
            a, b = _day_bounds(problem, day)
            load = 0
            for p in items:
                until = p.start + p.setup if ops[p.key].unattended else p.end
                person = problem.operator_by_code[p.operator].calendar
                load += person.working_between(max(p.start, a, 0), min(until, b))
            capacity = sum(o.calendar.working_between(max(a, 0), b) for o in people)
            loads.append(DayLoad(skill, day, load, capacity))
    return loads


def bottleneck(problem: PlanningProblem, plan: Plan, days: int = 10) -> tuple[str, float] | None:
    """The machine with the highest utilisation over the next ``days`` days."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for entry in machine_load(problem, plan, days):
        totals[entry.resource][0] += entry.load
        totals[entry.resource][1] += entry.capacity
    ranked = sorted(((load / cap if cap else 0.0, code) for code, (load, cap) in totals.items()), reverse=True)
    return (ranked[0][1], ranked[0][0]) if ranked else None


@dataclass(frozen=True)
class Promise:
    jobs: tuple[str, ...]
    earliest_without_harm: int  # completion if it only uses what the plan leaves free
    earliest_top_priority: int  # completion if it goes first
    slipping: tuple[tuple[str, int], ...]  # (order, extra weighted tardiness in minutes) when it goes first


def promise(problem: PlanningProblem, plan: Plan, new_jobs: list[JobSpec]) -> Promise:
    """Capable to promise for a new order's jobs (not in ``problem``): with nobody moved, and first in line."""
    extended = dataclasses.replace(problem, jobs=(*problem.jobs, *new_jobs))
    new_keys = {j.key for j in new_jobs}
    # 1. slot it into what the current plan leaves free: nobody else moves
    state = ShopState(extended)
    for planned in sorted(plan.operations, key=lambda p: p.start):
        state.keep(planned)
    for job in new_jobs:
        for op in job.operations:
            state.commit(state.best_placement(op))
    without_harm = max(state.planned[op.key].end for job in new_jobs for op in job.operations)
    # 2. as early in the order of work as it can go without making any other order later
    planned = plan.by_key()
    order = sorted(problem.jobs, key=lambda j: min(planned[op.key].start for op in j.operations))
    reference = build(problem, order, method="promise")
    before = {o.key: o.tardiness for o in reference.outcomes(problem)}

    def attempt(position: int) -> tuple[int, dict[str, int]]:
        trial = build(extended, [*order[:position], *new_jobs, *order[position:]], method="promise")
        done = max(p.end for p in trial.operations if p.job in new_keys)
        harm: dict[str, int] = {}
        for outcome in trial.outcomes(extended):
            if outcome.key not in new_keys and outcome.tardiness > before[outcome.key]:
                harm[outcome.order] = harm.get(outcome.order, 0) + outcome.tardiness - before[outcome.key]
        return done, harm

    lo, hi = 0, len(order)
    while lo < hi:  # the first position at which nobody else gets later (assumed monotone in the position)
        mid = (lo + hi) // 2
        if attempt(mid)[1]:
            lo = mid + 1
        else:
            hi = mid
    done_at_position, harm = attempt(lo)
    if not harm:
        without_harm = min(without_harm, done_at_position)
    # 3. top priority: it goes first, the others follow in their current order
    top, slipping = attempt(0)
    return Promise(tuple(sorted(new_keys)), without_harm, top,
                   tuple(sorted(slipping.items(), key=lambda item: -item[1])))


__all__ = ["LateExplanation", "Delay", "DayLoad", "Promise", "explain_late", "machine_load", "skill_load",
           "bottleneck", "promise", "alone_completion", "place_fixed", "RULES"]
