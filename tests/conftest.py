"""Test fixtures: databases on SQLite and PostgreSQL, each test isolated.

PostgreSQL tests use the server in ``MAAKBAAR_TEST_POSTGRES_URL`` (test.sh sets
postgresql+psycopg://postgres@127.0.0.1:5432/test). Each engine gets its own schema, dropped afterwards.
Where the server is not reachable the tests are skipped with the reason shown, except under CI=true,
where they fail: CI must test both backends.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from maakbaar import clock
from maakbaar.store import migrate
from maakbaar.store.db import make_engine

POSTGRES_URL = os.environ.get("MAAKBAAR_TEST_POSTGRES_URL", "")
# The suite runs as of the clock's date (the machine's, or MAAKBAAR_NOW's: CI runs it a second time a year ahead),
# from 08:00 on that day, the clock running on from there: a working day's morning, so that no run crosses
# midnight between making the demo's plan and replanning it. The demo shop starts on that day, as ./start.sh
# makes it. Tests that need a fixed date build their own data with it.
clock.set_now(dt.datetime.combine(clock.today(), dt.time(8, 0)))
DEMO_START = clock.today()
DEMO_ORIGIN = clock.now().replace(second=0, microsecond=0)  # when the demo database's plan was made

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _postgres_admin() -> Engine:
    if not POSTGRES_URL:
        reason = "MAAKBAAR_TEST_POSTGRES_URL is not set (test.sh sets it)"
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tests are required in CI: {reason}")
        pytest.skip(reason)
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect():
            pass
    except Exception as error:  # noqa: BLE001 - any connection failure means: no server
        admin.dispose()
        reason = f"PostgreSQL at {POSTGRES_URL} is not reachable: {error.__class__.__name__}"
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tests are required in CI: {reason}")
        pytest.skip(reason)
    return admin


class DatabaseFactory:
    """Creates empty, isolated databases of one backend and cleans them up."""

    def __init__(self, backend: str, tmp_path_factory):
        self.backend = backend
        self.tmp_path_factory = tmp_path_factory
        self.engines: list[Engine] = []
        self.schemas: list[str] = []
        self.admin = _postgres_admin() if backend == "postgresql" else None

    def url(self) -> tuple[str, dict]:
        if self.backend == "sqlite":
            path = self.tmp_path_factory.mktemp("db") / "maakbaar.db"
            return f"sqlite:///{path}", {}
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.schemas.append(schema)
        return POSTGRES_URL, {"connect_args": {"options": f"-csearch_path={schema}"}}

    def empty(self) -> Engine:
        url, kwargs = self.url()
        engine = make_engine(url, **kwargs)
        self.engines.append(engine)
        return engine

    def migrated(self) -> Engine:
        engine = self.empty()
        migrate.upgrade(engine)
        return engine

    def close(self) -> None:
        for engine in self.engines:
            engine.dispose()
        if self.admin is not None:
            with self.admin.connect() as connection:
                for schema in self.schemas:
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            self.admin.dispose()


@pytest.fixture(params=BACKENDS)
def databases(request, tmp_path_factory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(request.param, tmp_path_factory)
    yield factory
    factory.close()


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_engine(request, tmp_path_factory) -> Iterator[Engine]:
    """One migrated database per backend for the whole run; tests use it through ``session``."""
    factory = DatabaseFactory(request.param, tmp_path_factory)
    yield factory.migrated()
    factory.close()


@pytest.fixture
def session(migrated_engine: Engine) -> Iterator[Session]:
    """A session whose every change is rolled back after the test (commits become savepoints)."""
    connection = migrated_engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


@pytest.fixture(scope="session")
def demo_shop():
    from maakbaar.services.demo import build_demo_shop

    return build_demo_shop(seed=7, start=DEMO_START)


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory, demo_shop):
    """A SQLite file with the demo shop, its users and a plan; tests copy it and change their copy."""
    import datetime as dt

    from maakbaar.services import planning_service, setup_service, shop_io, user_service
    from maakbaar.store.db import unit_of_work

    path = tmp_path_factory.mktemp("web") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with unit_of_work(engine) as session:
        shop_io.store_shop(session, demo_shop)
        user_service.add_demo_users(session, [o.code for o in demo_shop.operators])
        setup_service.mark_as_demo(session)
        planning_service.plan_shop(session, DEMO_ORIGIN, time_limit=0.5)
    engine.dispose()
    return path
