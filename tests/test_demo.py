"""The demo shop: deterministic, believable, and stored whole."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from maakbaar.domain import OrderStatus, WorkCenterType
from maakbaar.services import shop_io
from maakbaar.services.demo import build_demo_shop, dutch_holidays, easter
from maakbaar.store.db import unit_of_work
from tests.conftest import DEMO_START


def exported_text(databases, seed: int, tmp_path, name: str) -> str:
    engine = databases.migrated()
    with unit_of_work(engine) as session:
        shop_io.store_shop(session, build_demo_shop(seed, DEMO_START))
    with unit_of_work(engine) as session:
        shop_io.export_json(session, tmp_path / name)
    return (tmp_path / name).read_text()


def test_same_seed_same_export_different_seed_differs(databases, tmp_path):
    first = exported_text(databases, 3, tmp_path, "a.json")
    second = exported_text(databases, 3, tmp_path, "b.json")
    other = exported_text(databases, 4, tmp_path, "c.json")
    assert first == second
    assert first != other


def test_demo_shop_is_a_believable_job_shop():
    shop = build_demo_shop(1, DEMO_START)
    machines = {m.code: m for m in shop.machines}
    types = {w.code: w.type for w in shop.work_centers}
    by_type = Counter(types[m.work_center] for m in shop.machines)
    assert by_type[WorkCenterType.LASER] == 1
    laser = next(m for m in shop.machines if types[m.work_center] == WorkCenterType.LASER)
    assert (laser.capabilities.max_sheet_length_mm, laser.capabilities.max_sheet_width_mm) == (3000, 1500)
    assert by_type[WorkCenterType.PRESS_BRAKE] == 2
    brakes = [m for m in shop.machines if types[m.work_center] == WorkCenterType.PRESS_BRAKE]
    assert len({b.capabilities.bend_length_mm for b in brakes}) == 2
    assert by_type[WorkCenterType.WELDING] == 3
    for kind in (WorkCenterType.CNC_MILLING, WorkCenterType.CNC_TURNING, WorkCenterType.DEBURRING, WorkCenterType.ASSEMBLY):
        assert by_type[kind] >= 1
    calendars = {c.code: c for c in shop.calendars}
    assert calendars[laser.calendar].weekly_hours > 1.8 * calendars[machines["KB01"].calendar].weekly_hours

    assert 10 <= len(shop.operators) <= 15
    skill_sets = [frozenset(s.work_center_type for s in o.skills) for o in shop.operators]
    for kind in (WorkCenterType.LASER, WorkCenterType.PRESS_BRAKE, WorkCenterType.WELDING):
        able = [s for s in skill_sets if kind in s]
        assert 2 <= len(able) < len(shop.operators), kind  # overlapping, not everyone
    assert len(set(skill_sets)) > len(shop.operators) // 2

    assert len(shop.customers) == 15
    open_orders = [o for o in shop.orders if o.status.is_open]
    assert 60 <= len(open_orders) <= 80
    assert all(o.due_date <= DEMO_START + dt.timedelta(days=23) for o in open_orders)
    assert sum(o.due_date < DEMO_START for o in open_orders) >= 3  # some already late
    assert sum(0 <= (o.due_date - DEMO_START).days <= 3 for o in open_orders) >= 3  # some tight
    subcontracted = {s.description.split()[0] for p in shop.parts for s in p.routing if s.is_subcontracted}
    assert {"Poedercoaten", "Thermisch"} <= subcontracted
    released = [o for o in shop.orders if o.status in (OrderStatus.RELEASED, OrderStatus.IN_PROGRESS)]
    assert len(shop.work_orders) == sum(len(o.lines) for o in released)
    assert any(s.kind.value == "remnant" and s.outline for s in shop.stock)


def test_easter_and_dutch_holidays():
    assert easter(2026) == dt.date(2026, 4, 5)
    assert easter(2027) == dt.date(2027, 3, 28)
    days = {h.name: h.date for h in dutch_holidays(2026)}
    assert days["Tweede paasdag"] == dt.date(2026, 4, 6)
    assert days["Hemelvaartsdag"] == dt.date(2026, 5, 14)
    assert days["Tweede pinksterdag"] == dt.date(2026, 5, 25)
    assert days["Koningsdag"] == dt.date(2026, 4, 27)
    assert "Bevrijdingsdag" in {h.name for h in dutch_holidays(2025)}


def test_a_larger_book_is_the_same_shop_over_more_weeks():
    """A benchmark shop of 500 orders has the demo's weekly load: about as many orders past due or promised
    within days as the demo, and, like any shop, one operation at a time started on each machine."""
    from maakbaar.domain import OperationStatus

    demo = build_demo_shop(1, DEMO_START)
    large = build_demo_shop(1, DEMO_START, order_count=500)

    def urgent(shop):
        return sum(o.status.is_open and o.due_date <= DEMO_START + dt.timedelta(days=4) for o in shop.orders)

    assert sum(o.status.is_open for o in large.orders) == 500
    assert urgent(large) <= 2 * urgent(demo)
    for shop in (demo, large):
        started = Counter(op.assigned_machine for w in shop.work_orders for op in w.operations
                          if op.status == OperationStatus.STARTED)
        assert started, "some work is on the machines"
        assert max(started.values()) == 1, started


def test_a_busier_book_promises_the_same_orders_sooner_but_never_inside_their_lead_time():
    """``load`` (the benchmark's busier shop) brings the normally promised orders forward; the orders, their
    parts and the orders past due stay the same, and no order is promised sooner than a working day per
    operation after it may start."""
    normal = build_demo_shop(1, DEMO_START, order_count=200)
    busy = build_demo_shop(1, DEMO_START, order_count=200, load=3)
    open_normal = [o for o in normal.orders if o.status.is_open]
    open_busy = [o for o in busy.orders if o.status.is_open]
    assert [(o.number, [line.part for line in o.lines]) for o in open_normal] == \
        [(o.number, [line.part for line in o.lines]) for o in open_busy]
    assert all(b.due_date <= n.due_date for n, b in zip(open_normal, open_busy))
    sooner = sum(b.due_date < n.due_date for n, b in zip(open_normal, open_busy))
    assert sooner > len(open_normal) / 2
    assert [o.number for o in open_normal if o.due_date < DEMO_START] == \
        [o.number for o in open_busy if o.due_date < DEMO_START]
    parts = {p.number: p for p in busy.parts}
    for n, order in zip(open_normal, open_busy):
        if order.due_date < n.due_date:  # brought forward: still at least the quoted lead time (a working day
            # per operation and one more; a weekend may take up to two days off that)
            steps = max(sum(1 for s in parts[line.part].routing if not s.is_subcontracted) for line in order.lines)
            assert (order.due_date - DEMO_START).days >= steps - 1, order.number
