"""Bookings in the database: consequences, idempotency, forgotten clock-outs, and many terminals at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from maakbaar.domain import Machine, Operator, OrderLine, Skill, WorkCenter
from maakbaar.floor import BookingError
from maakbaar.services import floor_service, order_service, shop_io
from maakbaar.store.db import unit_of_work
from maakbaar.store.repositories import Repositories
from maakbaar.store.tables import FloorEventRow, TimeEntryRow
from tests.factories import order, part, small_shop, step

MONDAY = dt.datetime(2026, 11, 30, 8, 0)
OP = "WO-1-1/10"
BEND = "WO-1-1/20"


def _shop(quantity: int = 10):
    two_steps = part(routing=(step(sequence=10, unattended=True),
                              step(sequence=20, work_center_type="press_brake", eligible_machines=("KB01",))))
    operators = tuple(Operator(code=c, name=c, calendar="DAG", skills=(Skill(work_center_type="laser", level=2),
                                                                      Skill(work_center_type="press_brake", level=2)))
                      for c in ("JAN", "PIET", "KEES", "ANNA"))
    return small_shop(parts=(two_steps,), operators=operators,
                      orders=(order(status="ordered", lines=(OrderLine(line_no=1, part="P1", quantity=quantity),)),),
                      work_centers=(WorkCenter(code="LASER", name="Laser", type="laser"),
                                    WorkCenter(code="KANT", name="Kanten", type="press_brake")),
                      machines=(Machine(code="LAS01", name="Laser", work_center="LASER", hourly_rate=110, power_kw=22,
                                        calendar="DAG"),
                                Machine(code="KB01", name="Kantbank", work_center="KANT", hourly_rate=80, power_kw=5,
                                        calendar="DAG")))


def _stored(session, quantity: int = 10):
    shop_io.store_shop(session, _shop(quantity))
    order_service.release_order(session, "ORD-1")
    session.flush()


def _op(session, key):
    work_order = Repositories(session).work_orders.get(key.rsplit("/", 1)[0])
    return next(o for o in work_order.operations if str(o.sequence) == key.rsplit("/", 1)[1])


def test_a_job_from_setup_to_done_moves_the_order_on(session):
    _stored(session)
    book = floor_service.book
    book(session, OP, "start_setup", "JAN", "k1", now=MONDAY)
    assert _op(session, OP).status.value == "started"
    assert Repositories(session).orders.get("ORD-1").status.value == "in_progress"
    with pytest.raises(BookingError, match="not ready"):
        book(session, BEND, "start_run", "PIET", "k2", now=MONDAY)
    book(session, OP, "start_run", "JAN", "k3", now=MONDAY + dt.timedelta(minutes=20))
    partial = book(session, OP, "finish", "JAN", "k4", good=6, now=MONDAY + dt.timedelta(minutes=50))
    assert (partial.status, partial.quantity_done) == ("paused", 6)
    # the press brake may start on the six pieces there are, but not report more than six
    book(session, BEND, "start_run", "PIET", "k5", now=MONDAY + dt.timedelta(minutes=55))
    with pytest.raises(BookingError, match="more than the 6 available"):
        book(session, BEND, "finish", "PIET", "k6", good=7, now=MONDAY + dt.timedelta(minutes=70))
    book(session, OP, "start_run", "JAN", "k7", now=MONDAY + dt.timedelta(minutes=60))
    done = book(session, OP, "finish", "JAN", "k8", good=4, now=MONDAY + dt.timedelta(minutes=80))
    assert (done.status, done.quantity_done) == ("done", 10)
    book(session, BEND, "finish", "PIET", "k9", good=10, now=MONDAY + dt.timedelta(minutes=120))
    assert Repositories(session).work_orders.get("WO-1-1").status.value == "done"
    assert Repositories(session).orders.get("ORD-1").status.value == "done"
    entries = session.scalars(select(TimeEntryRow).where(TimeEntryRow.op_key == OP).order_by(TimeEntryRow.id)).all()
    assert [(e.activity, e.started_at.strftime("%H:%M"), e.ended_at.strftime("%H:%M"), e.good_qty) for e in entries] == [
        ("setup", "08:00", "08:20", 0), ("run", "08:20", "08:50", 6), ("run", "09:00", "09:20", 4)]
    assert all(e.machine_code == "LAS01" for e in entries)


def test_the_same_booking_twice_is_stored_once(session):
    _stored(session)
    first = floor_service.book(session, OP, "start_run", "JAN", "same-key", now=MONDAY)
    again = floor_service.book(session, OP, "start_run", "JAN", "same-key", now=MONDAY + dt.timedelta(minutes=1))
    assert not first.repeated and again.repeated and again.status == first.status
    assert session.scalar(select(func.count()).select_from(TimeEntryRow)) == 1
    assert session.scalar(select(func.count()).select_from(FloorEventRow)) == 1


def test_scrap_makes_a_remake_and_a_breakdown_takes_the_machine_down(session):
    _stored(session)
    floor_service.book(session, OP, "start_run", "JAN", "a", now=MONDAY)
    result = floor_service.book(session, OP, "finish", "JAN", "b", good=5, scrap=2, now=MONDAY + dt.timedelta(hours=1))
    assert result.remake == "WO-1-1-R1"
    remake = Repositories(session).work_orders.get("WO-1-1-R1")
    assert remake.quantity == 2 and [o.sequence for o in remake.operations] == [10, 20]
    floor_service.book(session, OP, "start_run", "JAN", "c", now=MONDAY + dt.timedelta(hours=2))
    broken = floor_service.book(session, OP, "breakdown", "JAN", "d", reason="snijkop", now=MONDAY + dt.timedelta(hours=3))
    assert broken.machine_down == "LAS01" and broken.status == "paused"
    [down] = Repositories(session).machines.get("LAS01").downtimes
    assert down.start == MONDAY + dt.timedelta(hours=3) and down.end == MONDAY + dt.timedelta(hours=7)
    assert "snijkop" in down.reason
    assert session.scalar(select(FloorEventRow.handled).where(FloorEventRow.idempotency_key == "d")) is False


def test_one_operator_on_two_jobs_and_a_forgotten_clock_out(session):
    _stored(session)
    floor_service.book(session, OP, "start_run", "JAN", "a", now=MONDAY)  # the laser runs unattended
    floor_service.book(session, OP, "finish", "JAN", "b", good=4, now=MONDAY + dt.timedelta(minutes=30))
    floor_service.book(session, OP, "start_run", "JAN", "c", now=MONDAY + dt.timedelta(minutes=31))
    floor_service.book(session, BEND, "start_setup", "JAN", "d", now=MONDAY + dt.timedelta(minutes=40))
    open_now = {e.op_key: e.activity for e in floor_service.operator_entries(session, "JAN")}
    assert open_now == {OP: "run", BEND: "setup"}  # laser keeps running while he sets up the press brake
    # he goes home at 16:00 without clocking out; at 17:00 the setup is closed at the shift end, the laser run not
    closed = floor_service.close_forgotten(session, now=MONDAY.replace(hour=17))
    assert closed == [f"JAN on {BEND} until 16:00"]
    entry = session.scalar(select(TimeEntryRow).where(TimeEntryRow.op_key == BEND))
    assert entry.auto_closed and entry.ended_at == MONDAY.replace(hour=16)
    assert _op(session, BEND).status.value == "paused"
    assert floor_service.close_forgotten(session, now=MONDAY.replace(hour=17)) == []


def test_queue_shows_ready_work_in_plan_order(session):
    _stored(session)
    laser = floor_service.queue(session, "LASER")
    assert [i["op_key"] for i in laser] == [OP]
    assert floor_service.queue(session, "KANT") == []  # nothing cut yet
    floor_service.book(session, OP, "start_run", "JAN", "a", now=MONDAY)
    floor_service.book(session, OP, "finish", "JAN", "b", good=3, now=MONDAY + dt.timedelta(minutes=30))
    [bend] = floor_service.queue(session, "KANT")
    assert bend["op_key"] == BEND and bend["available"] == 3


def test_many_terminals_at_once_end_consistent(databases):
    """Four operators on four terminals each hammer one operation at the same moment, every request sent twice;
    on PostgreSQL (row locks) and SQLite (one writer). No double or lost booking."""
    engine = databases.migrated()
    with unit_of_work(engine) as session:
        _stored(session, quantity=400)
    operators = ["JAN", "PIET", "KEES", "ANNA"]
    results: dict[str, list] = {o: [] for o in operators}
    errors: list[str] = []
    barrier = threading.Barrier(len(operators) * 2)

    def terminal(operator: str, copy: int) -> None:
        barrier.wait()
        for round_no in range(5):
            for action, extra in (("start_run", {}), ("finish", {"good": 3})):
                key = f"{operator}-{round_no}-{action}"  # both copies send the same key: a repeated request
                try:
                    results[operator].append(floor_service.book_committed(engine, OP, action, operator, key,
                                                                          **extra))
                except BookingError as error:
                    errors.append(str(error))

    threads = [threading.Thread(target=terminal, args=(o, c)) for o in operators for c in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors[:5]
    with unit_of_work(engine) as session:
        events = session.scalar(select(func.count()).select_from(FloorEventRow))
        entries = session.scalars(select(TimeEntryRow)).all()
        op = _op(session, OP)
    assert events == len(operators) * 5 * 2  # every distinct booking once, the copies not again
    assert len(entries) == len(operators) * 5 and all(e.ended_at is not None for e in entries)
    assert sum(e.good_qty for e in entries) == op.quantity_done == len(operators) * 5 * 3
    for operator in operators:
        mine = sorted((e for e in entries if e.operator_code == operator), key=lambda e: e.id)
        assert len(mine) == 5


def test_post_calculation_of_a_small_order_by_hand(session):
    from maakbaar.services import postcalc_service

    _stored(session)
    floor_service.book(session, OP, "start_setup", "JAN", "k1", now=MONDAY)
    floor_service.book(session, OP, "start_run", "JAN", "k2", now=MONDAY + dt.timedelta(minutes=20))
    floor_service.book(session, OP, "finish", "JAN", "k3", good=6, now=MONDAY + dt.timedelta(minutes=50))
    floor_service.book(session, OP, "start_run", "JAN", "k4", now=MONDAY + dt.timedelta(minutes=60))
    floor_service.book(session, OP, "finish", "JAN", "k5", good=4, now=MONDAY + dt.timedelta(minutes=80))
    result = postcalc_service.order_postcalc(session, "ORD-1", now=MONDAY + dt.timedelta(hours=3))
    laser = next(o for o in result.operations if o.key == OP)
    bend = next(o for o in result.operations if o.key == BEND)
    # standard: 10 min setup + 1.5 min x 10 = 25 min; booked: 20 min setup, 30 + 20 min run = 70 min at EUR 110/h
    assert (laser.planned_min, laser.actual_setup_min, laser.actual_run_min) == (25, 20, 50)
    assert laser.planned_cost == pytest.approx(25 / 60 * 110)
    assert laser.actual_cost == pytest.approx(70 / 60 * 110)
    assert laser.run_ratio == pytest.approx(50 / 15)
    assert (bend.actual_min, bend.planned_min) == (0, 25) and bend.run_ratio is None
    # material: 4000 mm2 x 3 mm x 7850 kg/m3 / 0.75 x EUR 1.30/kg x 10 pieces, no nest yet
    assert result.material_used is None
    assert result.material_estimated == pytest.approx(4000 * 3 * 1e-9 * 7850 / 0.75 * 1.3 * 10)
    assert result.actual_cost == pytest.approx(70 / 60 * 110 + result.material_estimated)
    assert result.planned_cost == pytest.approx(25 / 60 * 110 + 25 / 60 * 80 + result.material_estimated)


def test_period_corrections_are_offered_and_applied_only_when_accepted(session):
    from maakbaar.services import postcalc_service

    _stored(session, quantity=40)
    for k in range(4):  # four runs of 5 pieces, each 15 min instead of the standard 7.5
        start = MONDAY + dt.timedelta(hours=k)
        floor_service.book(session, OP, "start_run", "JAN", f"s{k}", now=start)
        floor_service.book(session, OP, "finish", "JAN", f"f{k}", good=5, now=start + dt.timedelta(minutes=15))
    figures, offered = postcalc_service.period_postcalc(session, MONDAY.date(), MONDAY.date(), min_operations=1)
    [correction] = offered
    assert (correction.work_center_type, correction.machine) == ("laser", "LAS01")
    assert correction.ratio == pytest.approx(60 / (1.5 * 20))
    assert Repositories(session).parts.get("P1").routing[0].run_min_per_piece == 1.5  # nothing changed yet
    assert postcalc_service.apply_correction(session, "laser", "LAS01", correction.ratio) == 1
    assert Repositories(session).parts.get("P1").routing[0].run_min_per_piece == pytest.approx(3.0)
    with pytest.raises(ValueError, match="not believable"):
        postcalc_service.apply_correction(session, "laser", "LAS01", 12)


def test_the_plan_runs_what_the_operator_switched_to_first_and_the_paused_job_after(session):
    """Jan starts the order due first on the laser, then switches to another order (a customer on the phone):
    the first is paused. A plan made now has the laser go on with what Jan is on, the paused job after it,
    although that one is due first; both keep their setup."""
    from maakbaar.services import planning_service
    from maakbaar.store.tables import PlanOperationRow

    operators = (Operator(code="JAN", name="Jan", calendar="DAG", skills=(Skill(work_center_type="laser", level=2),)),)
    lines = (OrderLine(line_no=1, part="P1", quantity=40),)
    shop = small_shop(operators=operators, orders=(
        order(number="ORD-1", due_date=dt.date(2026, 12, 1), lines=lines),
        order(number="ORD-2", due_date=dt.date(2026, 12, 11), lines=lines)))
    shop_io.store_shop(session, shop)
    order_service.release_order(session, "ORD-1")
    order_service.release_order(session, "ORD-2")
    session.flush()
    floor_service.book(session, "WO-1-1/10", "start_run", "JAN", "a", now=MONDAY)
    floor_service.book(session, "WO-2-1/10", "start_run", "JAN", "b", now=MONDAY + dt.timedelta(minutes=10))
    assert (_op(session, "WO-1-1/10").status.value, _op(session, "WO-2-1/10").status.value) == ("paused", "started")

    summary = planning_service.plan_shop(session, MONDAY + dt.timedelta(minutes=15), time_limit=1.0)
    planned = {row.op_key: row for row in session.scalars(
        select(PlanOperationRow).where(PlanOperationRow.plan_id == summary.plan_id))}
    running, paused = planned["WO-2-1/10"], planned["WO-1-1/10"]
    assert running.start == MONDAY + dt.timedelta(minutes=15)
    assert paused.start == running.end
    assert (running.setup_min, paused.setup_min) == (0, 0)
    assert paused.end - paused.start == dt.timedelta(minutes=60)  # 40 pieces of 1.5 min, none reported yet
