"""Engines and sessions. SQLite: foreign keys on, WAL journal, real transactions (BEGIN, SAVEPOINT)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from .. import config


def make_engine(url: str | None = None, **kwargs) -> Engine:
    url = url or config.database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":  # an in-memory database has one connection
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs = POOL | kwargs
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _make_sqlite_strict(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **(POOL | kwargs))


# Connections: every request uses one at a time (the user lookup gives its own back before a booking opens a
# transaction), and the server runs at most 40 requests at once (the thread pool). Sized for a shop with a
# few dozen terminals and office screens; PostgreSQL's default of 100 connections leaves room for the CLI.
POOL = {"pool_size": 10, "max_overflow": 30, "pool_timeout": 60}


def _make_sqlite_strict(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin: this makes
        # SAVEPOINT and transactional DDL work (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # a short write (a booking) asks for the write lock at once (``engine.execution_options(write_lock=True)``):
        # it then waits its turn under the busy timeout. A deferred BEGIN reads first, and its upgrade to a write
        # fails at once, without waiting, when another writer committed in between (WAL's stale snapshot)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get("write_lock")
                                   else "BEGIN")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One use case, one transaction: committed when the block ends, rolled back entirely on any error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
