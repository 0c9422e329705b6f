"""Planning the stored shop: conversion from the domain, stored plans, promises, the CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from maakbaar.domain import OperationStatus
from maakbaar.planning.checker import check_plan
from maakbaar.planning.engine import solve
from maakbaar.planning.from_shop import build_problem
from maakbaar.reasons import Reason
from maakbaar.services import planning_service, shop_io
from maakbaar.store.db import unit_of_work
from maakbaar.store.tables import PlanJobRow, PlanOperationRow, PlanRow
from tests.conftest import DEMO_START

ORIGIN = dt.datetime.combine(DEMO_START, dt.time(6, 0))


def test_demo_shop_problem_respects_progress_on_the_floor(demo_shop):
    problem = build_problem(demo_shop, ORIGIN)
    keys = problem.operation_by_key
    for work_order in demo_shop.work_orders:
        for operation in work_order.operations:
            key = f"{work_order.number}/{operation.sequence}"
            if operation.status == OperationStatus.DONE:
                assert key not in keys
            elif operation.status == OperationStatus.STARTED:
                spec = keys[key]
                assert spec.in_progress and spec.setup == 0
                assert spec.fixed_machine == operation.assigned_machine
                remaining = work_order.quantity - operation.quantity_done
                assert spec.run[spec.fixed_machine] == -(-round(operation.run_min_per_piece * remaining * 1000) // 1000)
    ordered = [o for o in demo_shop.orders if o.status.value == "ordered"]
    assert ordered and all(f"{o.number}/1" in problem.job_by_key for o in ordered)
    result = solve(problem, time_limit=2.0)
    assert check_plan(result.problem, result.plan) == []
    assert not result.unplanned
    planned = result.plan.by_key()
    for spec in keys.values():
        if spec.in_progress:
            assert planned[spec.key].machine == spec.fixed_machine


def test_plan_is_stored_and_replaces_the_current_one(databases, demo_shop):
    engine = databases.migrated()
    with unit_of_work(engine) as session:
        shop_io.store_shop(session, demo_shop)
    with unit_of_work(engine) as session:
        first = planning_service.plan_shop(session, ORIGIN, time_limit=1.0)
    with unit_of_work(engine) as session:
        second = planning_service.plan_shop(session, ORIGIN, time_limit=1.0, mode="replan")
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(PlanRow)) == 2
        current = planning_service.current_plan_row(session)
        assert current.id == second.plan_id != first.plan_id
        count = session.scalar(select(func.count()).select_from(PlanOperationRow)
                               .where(PlanOperationRow.plan_id == current.id))
        assert count == second.operations > 0
        late = session.scalars(select(PlanJobRow).where(PlanJobRow.plan_id == current.id, PlanJobRow.late)).all()
        # why each is late, stored as a reason code that reads back as the one the plan gave
        assert all(row.late_reason and row.late_reason["code"].startswith("late.") for row in late)
        given = {order: why for order, _m, why in second.late_orders}
        for order, why in given.items():
            assert why in {Reason.from_json(row.late_reason) for row in late if row.order_number == order}
        assert {row.order_number for row in late} == {o for o, _m, _w in second.late_orders}


def test_promise_for_an_order(databases, demo_shop, monkeypatch):
    from maakbaar.planning import engine as planning_engine

    bounded = []  # a promise needs the plan, not the lower bound (a second at 500 busy orders): not computed
    monkeypatch.setattr(planning_engine, "lower_bound", bounded.append)
    engine = databases.migrated()
    with unit_of_work(engine) as session:
        shop_io.store_shop(session, demo_shop)
    number = next(o.number for o in demo_shop.orders if o.status.value == "ordered")
    with unit_of_work(engine) as session:
        answer = planning_service.promise_order(session, number, ORIGIN)
    assert ORIGIN <= answer.top_priority <= answer.earliest
    for _order, minutes in answer.slipping:
        assert minutes > 0
    assert bounded == []


def test_the_shop_objective_order_is_stored_and_a_broken_one_is_named(databases, demo_shop):
    from maakbaar.store.repositories import Repositories

    engine = databases.migrated()
    with unit_of_work(engine) as session:
        shop_io.store_shop(session, demo_shop)
        assert planning_service.shop_objectives(session) == ("late_jobs", "tardiness", "setup", "flow_time")
        assert planning_service.set_shop_objectives(session, [" tardiness", "late_jobs"]) == ("tardiness", "late_jobs")
    with unit_of_work(engine) as session:
        summary = planning_service.plan_shop(session, ORIGIN, time_limit=1.0)
        assert summary.objectives == ("tardiness", "late_jobs")
        # one run may still name its own order
        assert planning_service.plan_shop(session, ORIGIN, time_limit=1.0, criteria=("setup",)).objectives == ("setup",)
        with pytest.raises(planning_service.PlanningServiceError, match="unknown: speed"):
            planning_service.set_shop_objectives(session, ["tardiness", "speed"])
        assert planning_service.shop_objectives(session) == ("tardiness", "late_jobs")
        Repositories(session).settings.set(planning_service.OBJECTIVES_SETTING, "tardiness,speed")  # edited by hand
        with pytest.raises(planning_service.PlanningServiceError, match=r"planning\.objectives.*unknown: speed"):
            planning_service.plan_shop(session, ORIGIN, time_limit=1.0)


def test_a_quoted_lead_time_is_the_same_all_hour(databases, demo_shop):
    """Re-dispatching from a minute later moved promises by days (measured: Wednesday to Friday for one part
    over twelve minutes); every promise asked within one hour starts from the whole hour and agrees."""
    engine = databases.migrated()
    with unit_of_work(engine) as session:
        shop_io.store_shop(session, demo_shop)
    part = next(p for p in demo_shop.parts if p.routing).model_copy(update={"number": "OFFERTE-1"})
    answers = set()
    with unit_of_work(engine) as session:
        for minute in (0, 4, 5, 11, 37, 59):
            origin = dt.datetime.combine(DEMO_START, dt.time(9, minute))
            answers.add(tuple(planning_service.promise_parts(session, [(part, 1), (part, 10), (part, 50)], origin)))
        assert len(answers) == 1
        earliest = answers.pop()
        assert list(earliest) == sorted(earliest)  # never sooner for more pieces
        assert planning_service.promise_origin(dt.datetime.combine(DEMO_START, dt.time(9, 59, 30))) == \
            dt.datetime.combine(DEMO_START, dt.time(9, 0))


def test_a_write_while_the_solver_runs_does_not_lose_the_plan(demo_database, tmp_path):
    """On SQLite a read snapshot held through the solve made storing the plan fail ('database is locked') when
    anything was committed meanwhile (a log-in, a booking): the background job and the CLI let it go."""
    import shutil

    from maakbaar.store.db import make_engine
    from maakbaar.store.repositories import Repositories

    path = tmp_path / "busy.db"
    shutil.copy(demo_database, path)
    engine = make_engine(f"sqlite:///{path}")
    written = []

    def meanwhile(_progress) -> None:
        if not written:  # someone else commits while the solver runs
            with unit_of_work(engine) as other:
                Repositories(other).settings.set("meanwhile", "booked")
            written.append(True)

    try:
        with unit_of_work(engine) as session:
            before = session.scalar(select(func.max(PlanRow.id)))
            summary = planning_service.plan_shop(session, ORIGIN, time_limit=1, on_progress=meanwhile,
                                                 release_snapshot=True)
        assert written
        with unit_of_work(engine) as session:
            assert session.scalar(select(PlanRow.id).where(PlanRow.is_current.is_(True))) == summary.plan_id > before
            assert Repositories(session).settings.get("meanwhile") == "booked"
    finally:
        engine.dispose()
