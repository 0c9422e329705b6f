"""Plan the shop's open orders, keep the plan, answer 'when can we deliver?'. Never commits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .errors import Conflict, InvalidInput, NotFound
from .. import clock
from ..store.repositories import NotFoundError, Repositories
from ..domain import OrderStatus
from ..planning import engine
from ..planning.progress import Progress
from ..planning.explain import explain_late, promise
from ..planning.from_shop import build_problem, default_horizon_days
from ..planning.plan import Plan, PlannedOperation
from ..planning.problem import CRITERIA, objective_order
from ..planning.state import PlacementError
from ..reasons import Reason
from ..store.records import PlanRecords
from . import shop_io


class PlanningServiceError(InvalidInput):
    pass


OBJECTIVES_SETTING = "planning.objectives"


def shop_objectives(session: Session) -> tuple[str, ...]:
    """The shop's objective order for every plan that does not name its own (default: late orders first)."""
    stored = Repositories(session).settings.get(OBJECTIVES_SETTING)
    if not stored:
        return CRITERIA
    try:
        return objective_order(stored.split(","))
    except ValueError as error:
        raise PlanningServiceError(f"shop setting {OBJECTIVES_SETTING} = {stored!r}: {error}", code="plan.stored_objectives",
                                   stored=stored, problem=error.reason) from None


def set_shop_objectives(session: Session, objectives) -> tuple[str, ...]:
    """Store the shop's objective order (checked first: each of the four objectives at most once)."""
    try:
        order = objective_order(list(objectives))
    except ValueError as error:
        raise PlanningServiceError(str(error), code=error.code, **error.params) from None
    Repositories(session).settings.set(OBJECTIVES_SETTING, ",".join(order))
    return order


def default_origin(now: dt.datetime | None = None) -> dt.datetime:
    now = now or clock.now()
    return now.replace(second=0, microsecond=0)


def promise_origin(origin: dt.datetime | None = None) -> dt.datetime:
    """Where a promise (a quote's lead time, an order's delivery date) starts: the whole hour. Re-dispatching
    the shop's load from a minute later can move a promise by days (measured on the demo shop: 10 pieces of
    one part between Wednesday and the Friday after, over twelve consecutive minutes), so every promise asked
    within the same hour starts from the same moment and gets the same answer."""
    return default_origin(origin).replace(minute=0)


def current_plan_row(session: Session):
    """The stored plan the shop works to (a row of the plan records), or None before the first plan."""
    return PlanRecords(session).current()


def pinned_operations(session: Session, shop) -> dict[str, tuple[str, dt.datetime]]:
    """Operations the planner fixed keep the machine and start they have in the current plan."""
    plan = current_plan_row(session)
    if plan is None:
        return {}
    fixed = {f"{wo.number}/{op.sequence}" for wo in shop.work_orders for op in wo.operations if op.fixed}
    rows = PlanRecords(session).operations(plan.id, keys=fixed, with_people=False)
    return {row.op_key: (row.machine.code, row.start) for row in rows if row.machine is not None}


def unpin_operations(session: Session, op_keys) -> list[str]:
    """Let the planner place these operations again (pinned by a drag on the board); the keys unpinned."""
    repos = Repositories(session)
    by_work_order: dict[str, set[str]] = {}
    for key in op_keys:
        number, _, sequence = key.rpartition("/")
        by_work_order.setdefault(number, set()).add(sequence)
    unpinned = []
    for number, sequences in by_work_order.items():
        work_order = repos.work_orders.get(number)
        if work_order is None:
            continue
        changed = tuple(o.model_copy(update={"fixed": False}) if str(o.sequence) in sequences and o.fixed else o
                        for o in work_order.operations)
        if changed != work_order.operations:
            unpinned += [f"{number}/{o.sequence}" for o, c in zip(work_order.operations, changed) if o is not c]
            repos.work_orders.replace(work_order.model_copy(update={"operations": changed}))
    return unpinned


def pinned_keys(session: Session) -> set[str]:
    """The keys (work order/sequence) of every operation the planner pinned."""
    return Repositories(session).work_orders.pinned_keys()


def unpin_operation(session: Session, op_key: str) -> list[str]:
    """Unpin one operation (the board's 'losmaken'); NotFoundError for an unknown one. The plan keeps it where it
    is until the next replan, which may move it."""
    number, _, sequence = op_key.rpartition("/")
    work_order = Repositories(session).work_orders.get(number)
    if work_order is None or not any(str(o.sequence) == sequence for o in work_order.operations):
        raise NotFoundError("operation", op_key)
    return unpin_operations(session, [op_key])


def unpin_order(session: Session, number: str) -> list[str]:
    """Unpin every pinned operation of an order's work orders."""
    repos = Repositories(session)
    if repos.orders.get(number) is None:
        raise NotFoundError("order", number)
    keys = [f"{w.number}/{o.sequence}" for w in repos.work_orders.for_order(number) for o in w.operations if o.fixed]
    return unpin_operations(session, keys)


def previous_plan(session: Session, problem) -> Plan | None:
    """The current stored plan, in the new problem's minutes (for replanning with few changes)."""
    row = current_plan_row(session)
    if row is None:
        return None
    operations = []
    for op in PlanRecords(session).operations(row.id):
        operations.append(PlannedOperation(
            op.op_key, op.job_key, op.machine.code if op.machine else None, op.operator.code if op.operator else None,
            problem.to_minute(op.start), problem.to_minute(op.end), op.setup_min))
    return Plan(tuple(operations), method="stored")


@dataclass(frozen=True)
class PlanSummary:
    plan_id: int
    status: str
    late_orders: list[tuple[str, int, Reason]]  # (order, tardiness minutes, why: i18n.say writes it out)
    unplanned: list[Reason]  # unplanned.*
    elapsed: float
    first_plan_seconds: float
    operations: int
    bottleneck: tuple[str, float] | None
    objectives: tuple[str, ...] = CRITERIA  # the order the plan was made in
    tardiness: int = 0  # weighted minutes late
    unavoidable_tardiness: int | None = None  # of those, what no plan avoids
    unavoidable_orders: tuple[str, ...] = ()  # late even with the shop to themselves
    # machines such orders must share (the only one for one of their steps): (machine, orders, weighted
    # minutes late that sharing it adds at least), most first
    shared_machines: tuple[tuple[str, tuple[str, ...], int], ...] = ()
    # pins the plan could not keep, now unpinned: (operation, order, reason code)
    dropped_pins: tuple[tuple[str, str, str], ...] = ()
    standing: Reason | None = None  # the plan against what no plan avoids, led by the first criterion (progress.*)


def progress_phase(progress: Progress) -> str:
    """The phase a running solve is in, as the pages and the CLI name it (``phase.*``): CP-SAT reports one
    phase per criterion, all shown as one."""
    return progress.phase if progress.phase in ("dispatch", "search", "replan") else "cpsat"


def progress_reason(progress: Progress) -> Reason | None:
    """A running solve's standing as a reason, led by the shop's first criterion and held against what no plan
    avoids where the bound is known ("2 orders te laat, minstens 2 onvermijdelijk"); None for a step that
    reports no plan (CP-SAT's own objective)."""
    if progress.late_jobs is None:
        return None
    if progress.late_jobs_bound is None or progress.tardiness_bound is None:
        return Reason.of("progress.late", late=progress.late_jobs, minutes=progress.tardiness)
    code = "progress.tardiness_first" if progress.first == "tardiness" else "progress.late_first"
    return Reason.of(code, n=progress.late_jobs, bound=progress.late_jobs_bound, minutes=progress.tardiness,
                     minutes_bound=progress.tardiness_bound)


def plan_shop(session: Session, origin: dt.datetime | None = None, time_limit: float = 10.0,
              on_progress: Callable[[Progress], None] | None = None, mode: str = "full",
              criteria: tuple[str, ...] | None = None, release_snapshot: bool = False) -> PlanSummary:
    """Plan every open order on finite capacity and store it as the current plan.

    ``mode='replan'`` keeps what the current plan has for the next two days wherever it still fits.
    ``criteria``: the objectives in order of importance (default: the shop's order, see ``shop_objectives``).
    ``release_snapshot``: for a caller whose transaction holds nothing else (the background job, the CLI). The
    read transaction ends once the problem is read, so the solver does not hold a snapshot: on SQLite a write
    committed meanwhile (an operator's booking, a log-in) would otherwise make storing the plan fail with
    'database is locked'. The plan is stored in a transaction of its own, as PostgreSQL would do it anyway.
    """
    from ..planning.explain import bottleneck

    criteria = shop_objectives(session) if criteria is None else criteria
    shop = shop_io.load_shop(session)
    origin = default_origin(origin)
    problem = build_problem(shop, origin, pinned=pinned_operations(session, shop), criteria=criteria)
    if not problem.jobs:
        raise PlanningServiceError("there are no open orders to plan", code="plan.no_open_orders")
    previous = previous_plan(session, problem) if mode == "replan" else None
    if release_snapshot:
        session.rollback()  # nothing was written: this only lets the read snapshot go
    if previous is not None:
        result = engine.replan(problem, previous, time_limit=time_limit, on_progress=on_progress)
    else:
        result = engine.solve(problem, time_limit=time_limit, on_progress=on_progress)
    explanations = {e.job: e for e in explain_late(result.problem, result.plan, bound=result.bound)}
    shared = _shared_machines(result)
    row = _store(session, result, explanations, time_limit, shared)
    unpin_operations(session, [d.operation for d in result.dropped_pins])
    late = {}
    for e in explanations.values():
        if e.order not in late or e.tardiness > late[e.order][1]:
            late[e.order] = (e.order, e.tardiness, e.reason)
    bound = result.bound
    unavoidable = () if bound is None else tuple(sorted(
        {job.order for job in result.problem.jobs if bound.unavoidable(job) > 0}))
    return PlanSummary(row.id, result.status, sorted(late.values(), key=lambda x: -x[1]),
                       [u.reason for u in result.unplanned], result.elapsed, result.first_plan_seconds,
                       len(result.plan.operations), bottleneck(result.problem, result.plan), criteria,
                       result.score.tardiness, None if bound is None else bound.tardiness, unavoidable, shared,
                       tuple((d.operation, d.order, d.reason) for d in result.dropped_pins),
                       progress_reason(Progress(
                           "done", result.elapsed, late_jobs=result.score.late_jobs, tardiness=result.score.tardiness,
                           late_jobs_bound=None if bound is None else bound.late_jobs,
                           tardiness_bound=None if bound is None else bound.tardiness,
                           first=result.problem.criteria[0])))


def _shared_machines(result: engine.PlanResult) -> tuple[tuple[str, tuple[str, ...], int], ...]:
    """(machine, orders, at least this many more weighted minutes late) for the machines late orders must share,
    the costliest first."""
    bound = result.bound
    if bound is None:
        return ()
    return tuple(sorted(
        ((machine, tuple(sorted({result.problem.job_by_key[k].order for k in keys})), bound.sharing_cost[machine])
         for machine, keys in bound.shared.items()), key=lambda s: (-s[2], s[0])))


def _store(session: Session, result: engine.PlanResult, explanations, time_limit: float, shared):
    problem, plan, score = result.problem, result.plan, result.score
    stored = dict(
        created_at=clock.now().replace(microsecond=0), origin=problem.origin, horizon_min=problem.horizon,
        status=result.status, method=plan.method or "", time_limit_s=time_limit, elapsed_s=round(result.elapsed, 3),
        first_plan_s=round(result.first_plan_seconds, 3), late_jobs=score.late_jobs, tardiness_min=score.tardiness,
        setup_min=score.setup, flow_time_min=score.flow_time,
        unavoidable_tardiness_min=None if result.bound is None else result.bound.tardiness,
        shared_machines=[{"machine": m, "orders": list(orders), "minutes": minutes} for m, orders, minutes in shared],
        unplanned=[{"job": u.job, "order": u.order, "reason": u.reason.to_json()} for u in result.unplanned],
        dropped_pins=[{"operation": d.operation, "order": d.order, "reason": d.reason, "detail": d.detail[:300]}
                      for d in result.dropped_pins],
    )
    ops = problem.operation_by_key
    operations = []
    for p in plan.operations:
        op, job = ops[p.key], problem.job_by_key[p.job]
        operations.append(dict(
            op_key=p.key, job_key=p.job, order_number=job.order, sequence=op.sequence,
            work_center_type=op.work_center_type, label=op.label[:500], machine=p.machine, operator=p.operator,
            start=problem.to_datetime(p.start), end=problem.to_datetime(p.end), setup_min=p.setup))
    jobs = []
    for outcome in plan.outcomes(problem):
        explanation = explanations.get(outcome.key)
        jobs.append(dict(
            job_key=outcome.key, order_number=outcome.order, due=problem.to_datetime(outcome.due),
            completion=problem.to_datetime(outcome.completion), tardiness_min=outcome.tardiness, late=outcome.late,
            earliest=None if result.bound is None or outcome.key not in result.bound.earliest
            else problem.to_datetime(result.bound.earliest[outcome.key]),
            late_reason=explanation.reason.to_json() if explanation else None))
    return PlanRecords(session).add_current(stored, operations, jobs)


@dataclass(frozen=True)
class PromiseAnswer:
    order: str
    earliest: dt.datetime
    top_priority: dt.datetime
    slipping: list[tuple[str, int]]


def promise_order(session: Session, number: str, origin: dt.datetime | None = None) -> PromiseAnswer:
    """When can this order be delivered without making others late, and what if it goes first?"""
    shop = shop_io.load_shop(session)
    order = next((o for o in shop.orders if o.number == number), None)
    if order is None:
        raise NotFoundError("order", number)
    origin = promise_origin(origin)
    others = tuple(o for o in shop.orders if o.number != number)
    as_ordered = order.model_copy(update={"status": OrderStatus.ORDERED})
    with_order = build_problem(shop.model_copy(update={"orders": (*others, as_ordered),
                                                       "work_orders": tuple(w for w in shop.work_orders
                                                                            if w.order != number)}),
                               origin, horizon_days=default_horizon_days(shop, origin) + 30)
    new_jobs = [j for j in with_order.jobs if j.order == number]
    if not new_jobs:
        raise PlanningServiceError(f"order {number} has nothing left to plan", code="plan.nothing_left",
                                   order=number)
    problem = dataclasses.replace(with_order, jobs=tuple(j for j in with_order.jobs if j.order != number))
    base = engine.solve(problem, time_limit=1.0, use_cpsat=False, with_bound=False, search=False)  # see promise_parts
    answer = promise(base.problem, base.plan, new_jobs)
    return PromiseAnswer(number, problem.to_datetime(answer.earliest_without_harm),
                         problem.to_datetime(answer.earliest_top_priority), list(answer.slipping))


def promise_parts(session: Session, items: list[tuple], origin: dt.datetime | None = None) -> list[dt.datetime]:
    """For (part, quantity) pairs not yet ordered: when each could be ready, given today's load, without
    making other orders later. Parts need not be stored (quotes). A quantity more than the planning horizon
    holds gets the horizon's end (it is at least that late)."""
    from ..domain import Order, OrderLine

    shop = shop_io.load_shop(session)
    origin = promise_origin(origin)
    horizon_days = default_horizon_days(shop, origin) + 30
    # the load as the dispatching rules place it: the same answer every time it is asked (a re-solve against
    # the clock gave lead times up to four working days apart for the same drawing)
    base = engine.solve(build_problem(shop, origin, horizon_days=horizon_days), time_limit=1.0, use_cpsat=False,
                        with_bound=False, search=False)
    customer = shop.customers[0].code if shop.customers else None
    if customer is None:
        raise PlanningServiceError("the shop has no customers yet", code="plan.no_customers")
    answers = []
    for index, (part, quantity) in enumerate(items):
        order = Order(number=f"QUOTE-{index + 1}", customer=customer, order_date=origin.date(),
                      release_date=origin.date(), due_date=origin.date() + dt.timedelta(days=horizon_days - 1),
                      status=OrderStatus.ORDERED, lines=(OrderLine(line_no=1, part=part.number, quantity=quantity),))
        alone = shop.model_copy(update={"parts": (*shop.parts, part), "orders": (order,), "work_orders": ()})
        jobs = list(build_problem(alone, origin, horizon_days=horizon_days).jobs)
        jobs = [dataclasses.replace(j, key=f"quote:{j.key}", operations=tuple(
            dataclasses.replace(op, key=f"quote:{op.key}", job=f"quote:{j.key}") for op in j.operations))
            for j in jobs]
        try:
            answer = promise(base.problem, base.plan, jobs)
        except PlacementError:  # more work than the horizon holds: the promise is its end, at the earliest
            answers.append(base.problem.to_datetime(base.problem.horizon))
            continue
        answers.append(base.problem.to_datetime(answer.earliest_without_harm))
    return answers


def add_downtime(session: Session, machine: str, start: dt.datetime, end: dt.datetime, reason: str) -> None:
    """Mark a machine down for [start, end) (a breakdown, maintenance); the next plan works around it."""
    from ..domain import Closure
    from ..store.repositories import Repositories

    repos = Repositories(session)
    stored = repos.machines.get(machine)
    if stored is None:
        raise NotFoundError("machine", machine)
    closure = Closure(start=start, end=end, reason=reason[:200])
    repos.machines.replace(stored.model_copy(update={"downtimes": (*stored.downtimes, closure)}))


class MoveRefused(Conflict):
    """A hand move the plan cannot take (not eligible, already on the floor, not released)."""


@dataclass(frozen=True)
class MoveResult:
    operation: str
    machine: str
    start: dt.datetime
    end: dt.datetime
    violations: list  # planning.checker.Violation, in the plan's minutes
    problem: object  # the PlanningProblem the check ran on (to turn minutes into dates)
    late_orders: int  # orders late in the plan after the move
    order_late: bool  # whether the moved operation's order is late now


def move_operation(session: Session, op_key: str, machine: str, start: dt.datetime) -> MoveResult:
    """Put an operation on another time and/or eligible machine, pin it there, check the whole plan and bring
    the plan's late flags, tardiness and score up to date (the board and the dashboard read them)."""
    from ..planning.checker import check_plan

    plan = current_plan_row(session)
    if plan is None:
        raise NotFoundError("plan", "current")
    records = PlanRecords(session)
    row = records.operation(plan.id, op_key)
    if row is None:
        raise NotFound(f"operation {op_key} is not in the current plan", code="move.not_in_plan", operation=op_key)
    work_order_number, _, sequence = op_key.rpartition("/")
    repos = Repositories(session)
    work_order = repos.work_orders.get(work_order_number)
    if work_order is None:
        raise MoveRefused(f"order {row.order_number} is not released yet: release it (it gets work orders) before "
                          "fixing its operations by hand", code="move.not_released", order=row.order_number)
    operation = next((o for o in work_order.operations if str(o.sequence) == sequence), None)
    if operation is None:
        raise NotFoundError("operation", op_key)
    if machine not in operation.eligible_machines:
        raise MoveRefused(f"{machine} cannot do {op_key} (eligible: {', '.join(operation.eligible_machines)})",
                          code="move.not_eligible", machine=machine, operation=op_key,
                          eligible=", ".join(operation.eligible_machines))
    if operation.status.value in ("started", "done"):
        raise MoveRefused(f"{op_key} is {operation.status.value} on the floor and stays where it is",
                          code=f"move.on_the_floor.{operation.status.value}", operation=op_key)
    machine_id = repos.machines.id_of(machine)
    start = start.replace(second=0, microsecond=0, tzinfo=None)
    duration = row.end - row.start
    row.machine_id, row.start, row.end = machine_id, start, start + duration
    operations = tuple(o.model_copy(update={"fixed": True, "assigned_machine": machine}) if o is operation else o
                       for o in work_order.operations)
    repos.work_orders.replace(work_order.model_copy(update={"operations": operations}))
    session.flush()
    shop = shop_io.load_shop(session)
    problem = build_problem(shop, plan.origin, pinned=pinned_operations(session, shop))
    stored = previous_plan(session, problem)
    violations = check_plan(problem, stored) if stored is not None else []
    late_orders, order_late = _refresh_outcomes(session, plan, problem, stored, row.order_number)
    return MoveResult(op_key, machine, row.start, row.end, violations, problem, late_orders, order_late)


def _refresh_outcomes(session: Session, plan, problem, stored: Plan | None, order: str) -> tuple[int, bool]:
    """After a hand edit: each job's completion, tardiness and late flag, and the plan's score, from the plan as
    it now stands. Returns (late orders, whether ``order`` is late)."""
    if stored is None:
        return 0, False
    outcomes = {o.key: o for o in stored.outcomes(problem)}
    jobs = PlanRecords(session).jobs(plan.id)
    for job in jobs:
        outcome = outcomes.get(job.job_key)
        if outcome is None:
            continue
        job.completion = problem.to_datetime(outcome.completion)
        job.tardiness_min, job.late = outcome.tardiness, outcome.late
        if not outcome.late:
            job.late_reason = None
    score = stored.score(problem)
    plan.late_jobs, plan.tardiness_min = score.late_jobs, score.tardiness
    plan.setup_min, plan.flow_time_min = score.setup, score.flow_time
    session.flush()
    late = {job.order_number for job in jobs if job.late}
    return len(late), order in late
