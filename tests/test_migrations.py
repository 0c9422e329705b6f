"""Migrations: upgrade from empty, downgrade, upgrade again; the schema matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from maakbaar.store import migrate
from maakbaar.store.tables import Base

EXPECTED_TABLES = {
    "materials", "calendars", "calendar_shifts", "calendar_holidays", "calendar_closures", "work_centers", "machines",
    "machine_downtimes", "operators", "operator_skills", "customers", "stock_items", "parts", "routing_steps",
    "routing_step_machines", "orders", "order_lines", "work_orders", "work_order_operations", "operation_machines",
    "quotes", "quote_lines", "quote_breaks", "shop_settings", "plans", "plan_operations", "plan_jobs",
    "nests", "nest_sheets", "nest_lines", "users", "jobs", "time_entries", "floor_events",
}


def tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(databases):
    engine = databases.empty()
    assert migrate.current_revision(engine) is None
    assert tables(engine) == set()
    migrate.upgrade(engine)
    assert migrate.is_up_to_date(engine)
    assert tables(engine) == EXPECTED_TABLES
    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    assert tables(engine) == set()
    migrate.upgrade(engine)
    assert tables(engine) == EXPECTED_TABLES
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_migrations_match_the_models(databases):
    engine = databases.migrated()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_step_by_step_down_and_up(databases):
    engine = databases.migrated()
    migrate.downgrade(engine, "0005")
    assert "explanation_nl" not in {c["name"] for c in inspect(engine).get_columns("plan_jobs")}
    migrate.downgrade(engine, "0002")
    assert "nests" not in tables(engine) and "plans" in tables(engine)
    migrate.downgrade(engine, "0001")
    assert "plans" not in tables(engine) and "orders" in tables(engine)
    migrate.upgrade(engine)
    assert tables(engine) == EXPECTED_TABLES


def test_upgrade_twice_is_harmless(databases):
    engine = databases.migrated()
    migrate.upgrade(engine)
    assert tables(engine) == EXPECTED_TABLES


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    from maakbaar.store.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
