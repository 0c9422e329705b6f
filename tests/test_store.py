"""Repositories and constraints on SQLite and PostgreSQL; each test rolled back."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from maakbaar.domain import OrderStatus
from maakbaar.services import order_service, shop_io
from maakbaar.store.repositories import ConflictError, DuplicateError, NotFoundError, Repositories
from maakbaar.store.tables import MaterialRow, OrderLineRow, StockItemRow
from tests import factories as f


def test_whole_demo_shop_round_trips(session, demo_shop):
    shop_io.store_shop(session, demo_shop)
    session.expire_all()
    loaded = shop_io.load_shop(session)
    for field in ("materials", "calendars", "work_centers", "machines", "operators", "customers", "stock", "parts",
                  "orders", "work_orders", "quotes"):
        key = {"materials": "grade", "parts": "number", "orders": "number", "work_orders": "number",
               "quotes": "number"}.get(field, "code")
        expected = sorted(getattr(demo_shop, field), key=lambda item: getattr(item, key))
        assert list(getattr(loaded, field)) == expected, field
    assert loaded.name == demo_shop.name
    laser = next(m for m in loaded.machines if m.code == "LAS01")
    assert ("S235JR *", "S235JR *", 4) in [(s.from_family, s.to_family, s.minutes) for s in laser.setup_times]


def test_small_shop_round_trip_field_by_field(session):
    shop = f.small_shop()
    shop_io.store_shop(session, shop)
    repos = Repositories(session)
    assert repos.parts.get("P1") == shop.parts[0]
    assert repos.orders.get("ORD-1") == shop.orders[0]
    assert repos.materials.get("S235JR").co2_per_kg == 1.92
    assert repos.parts.get("NOPE") is None


def test_duplicate_code_is_refused(session):
    repos = Repositories(session)
    repos.materials.add(f.material())
    with pytest.raises(DuplicateError, match="material 'S235JR' already exists"):
        repos.materials.add(f.material())


def test_reference_to_unknown_row_is_named(session):
    repos = Repositories(session)
    with pytest.raises(NotFoundError, match="unknown material 'S235JR'"):
        repos.parts.add(f.part())


def test_replace_bumps_version_and_detects_conflicts(session):
    repos = Repositories(session)
    repos.materials.add(f.material())
    assert repos.materials.version("S235JR") == 1
    assert repos.materials.replace(f.material(price_per_kg=1.5), expected_version=1) == 2
    assert repos.materials.get("S235JR").price_per_kg == 1.5
    with pytest.raises(ConflictError, match="changed by someone else"):
        repos.materials.replace(f.material(price_per_kg=1.7), expected_version=1)
    assert repos.materials.get("S235JR").price_per_kg == 1.5


def test_foreign_keys_are_enforced_by_the_database(session):
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.execute(insert(StockItemRow).values(
                code="X", material_id=987654, thickness_mm=3, kind="sheet", length_mm=10, width_mm=10, quantity=1,
                heat_number="", certificate_ref="", location="", version=1))


def test_check_constraints_are_enforced_by_the_database(session):
    shop_io.store_shop(session, f.small_shop())
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.execute(text("UPDATE order_lines SET quantity = -3"))
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.execute(text("UPDATE orders SET due_date = release_date - 1" if session.bind.dialect.name == "postgresql"
                                 else "UPDATE orders SET due_date = '2000-01-01'"))
    assert session.scalar(select(OrderLineRow.quantity)) == 10


def test_material_in_use_cannot_be_deleted(session):
    shop_io.store_shop(session, f.small_shop())
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.execute(text("DELETE FROM materials"))
    assert session.scalar(select(MaterialRow.grade)) == "S235JR"


def test_release_order_copies_routing_into_work_orders(session):
    shop = f.small_shop()
    shop_io.store_shop(session, shop)
    created = order_service.release_order(session, "ORD-1")
    repos = Repositories(session)
    assert [wo.number for wo in created] == ["WO-1-1"]
    stored = repos.work_orders.get("WO-1-1")
    assert stored.operations[0].setup_min == shop.parts[0].routing[0].setup_min
    assert stored.quantity == 10 and stored.due_date == dt.date(2026, 11, 20)
    assert repos.orders.get("ORD-1").status == OrderStatus.RELEASED
    # the copy is editable without touching the part's routing
    edited = stored.operations[0].model_copy(update={"setup_min": 99.0})
    repos.work_orders.replace(stored.model_copy(update={"operations": (edited,)}))
    assert repos.work_orders.get("WO-1-1").operations[0].setup_min == 99
    assert repos.parts.get("P1").routing[0].setup_min == 10
    with pytest.raises(order_service.ReleaseError, match="is released"):
        order_service.release_order(session, "ORD-1")


def test_order_overview_marks_late_orders(session):
    shop_io.store_shop(session, f.small_shop())
    rows = order_service.order_overview(session, today=dt.date(2026, 11, 25))
    assert [(r.number, r.late, r.days_left) for r in rows] == [("ORD-1", True, -5)]
    rows = order_service.order_overview(session, today=dt.date(2026, 11, 19))
    assert rows[0].late is False


def test_clear_shop_empties_every_table(session, demo_shop):
    shop_io.store_shop(session, demo_shop)
    assert not shop_io.is_empty(session)
    shop_io.clear_shop(session)
    assert shop_io.is_empty(session)


def test_replacing_children_with_same_keys_works(session):
    from maakbaar.domain import Holiday, Operator, Skill

    shop_io.store_shop(session, f.small_shop())
    repos = Repositories(session)
    calendar = f.calendar(holidays=(Holiday(date=dt.date(2026, 12, 25), name="Kerst"),))
    repos.calendars.replace(calendar)
    repos.calendars.replace(calendar.model_copy(update={"name": "Dagdienst 2"}))
    assert repos.calendars.get("DAG").holidays == calendar.holidays
    assert repos.calendars.get("DAG").name == "Dagdienst 2"
    operator = Operator(code="OP1", name="Jan", calendar="DAG", skills=(Skill(work_center_type="laser", level=2),))
    repos.operators.add(operator)
    repos.operators.replace(operator.model_copy(update={"skills": (Skill(work_center_type="laser", level=3),)}))
    assert repos.operators.get("OP1").skills[0].level == 3
    part = repos.parts.get("P1")
    repos.parts.replace(part.model_copy(update={"routing": (f.step(setup_min=20),)}))
    assert repos.parts.get("P1").routing[0].setup_min == 20
