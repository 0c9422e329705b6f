"""Read models computed once per change of the data: the office pages (dashboard, order list, board) ask many
times a minute and the data changes a few times an hour."""

from __future__ import annotations

import threading
import time
from collections import defaultdict

from sqlalchemy import event
from sqlalchemy.orm import Session

_cache: dict[str, tuple[float, object, object]] = {}
_lock = threading.Lock()


_computing: dict[str, threading.Lock] = defaultdict(threading.Lock)


def cached(name: str, key: object, seconds: float, compute):
    """Keep a result while its key (what it depends on) is unchanged, at most ``seconds``. One request
    computes it; the others that arrive meanwhile wait for that answer instead of computing it again."""
    def hit():
        with _lock:
            found = _cache.get(name)
            if found and found[1] == key and time.monotonic() - found[0] < seconds:
                return True, found[2]
        return False, None

    found, value = hit()
    if found:
        return value
    with _computing[name]:
        found, value = hit()
        if found:
            return value
        value = compute()
        with _lock:
            _cache[name] = (time.monotonic(), key, value)
        return value


def _database(db: Session) -> str:
    """Which database: caches are per process, and a process may serve (or test) more than one."""
    return str(db.get_bind().engine.url) + str(id(db.get_bind().engine))


_generation = [0]


@event.listens_for(Session, "after_commit")
def _committed(_session) -> None:
    """Any commit in this process makes the cached version stale at once."""
    _generation[0] += 1


def data_version(db: Session) -> tuple:
    """What the office pages show, as a key: kept for a second unless this process commits meanwhile (then
    asked again at once); a commit by another process (the CLI) shows within that second."""
    return cached("version:" + _database(db), _generation[0], 1.0, lambda: _data_version(db))


def _data_version(db: Session) -> tuple:
    """What the office pages show, in one cheap query (see ``store.records.data_version``)."""
    from ..store.records import data_version as stored_version

    return (_database(db),) + stored_version(db)




def clear() -> None:
    """Forget every cached answer (tests that swap a computation)."""
    with _lock:
        _cache.clear()
