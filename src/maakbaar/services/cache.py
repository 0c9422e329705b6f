"""Read models computed once per change of the data: the office pages (dashboard, order list, board) are asked
for many times a minute and the data they show changes a few times an hour.

Each answer is kept under its name and parameters with the *version* of the data it was made from
(``data_version``: per topic, so a changed customer does not recompute the planning board). When the version
moved on, a reader does not wait for the new answer: it gets the last one while one fresh answer is made in the
background (stale while revalidate, single flight). Except for a reader who changed the data himself: a client
that wrote must see its write, so it waits for an answer made after it (``reader_has_seen``; the web app keeps
the generation of a client's last write in its session). The first answer of all is made while the reader waits.
"""

from __future__ import annotations

import contextvars
import itertools
import threading
import time
import uuid
from collections import OrderedDict, defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

PER_NAME = 32  # answers kept per name (parameters: board windows, order filters, languages)


@dataclass(frozen=True)
class Entry:
    made_at: float  # time.monotonic()
    version: object  # the data version it was asked for
    generation: int  # commits in this process before it was made: it reflects every one of them
    value: Any
    stamp: int  # unique per answer made (keys what is derived from it)


_entries: dict[str, OrderedDict] = defaultdict(OrderedDict)
_lock = threading.Lock()
_computing: dict[tuple, threading.Lock] = defaultdict(threading.Lock)
_refreshing: set[tuple] = set()
_background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="maakbaar-cache")
_stamps = itertools.count(1)
_generation = [0]
_seen = contextvars.ContextVar("maakbaar_cache_seen", default=0)
PROCESS = uuid.uuid4().hex[:12]  # generations count per process: a client's remembered one is this process's


@event.listens_for(Session, "after_commit")
def _committed(_session) -> None:
    """Any commit in this process moves the generation on (and makes the data version be asked again)."""
    _generation[0] += 1


def generation() -> int:
    """How many commits this process has made: a client that wrote remembers it to read its own write."""
    return _generation[0]


@contextmanager
def reader_has_seen(seen: int):
    """Within this block answers must reflect every commit up to generation ``seen`` (the reader's own)."""
    token = _seen.set(seen)
    try:
        yield
    finally:
        _seen.reset(token)


def _get(name: str, params) -> Entry | None:
    with _lock:
        entry = _entries[name].get(params)
        if entry is not None:
            _entries[name].move_to_end(params)
        return entry


def _put(name: str, params, entry: Entry) -> None:
    with _lock:
        kept = _entries[name]
        kept[params] = entry
        kept.move_to_end(params)
        while len(kept) > PER_NAME:
            kept.popitem(last=False)


def _make(name: str, params, version, compute: Callable[[], Any],
          revise: Callable[[Entry], Any] | None = None) -> Entry:
    made_from = _generation[0]
    previous = _get(name, params) if revise is not None else None
    value = revise(previous) if previous is not None else None
    if value is None:
        value = compute()
    # the change did not touch it: the same stamp, so what was derived from it stays valid
    stamp = previous.stamp if previous is not None and value is previous.value else next(_stamps)
    entry = Entry(time.monotonic(), version, made_from, value, stamp)
    _put(name, params, entry)
    return entry


def _fresh(entry: Entry | None, version, seconds: float) -> bool:
    return entry is not None and entry.version == version and time.monotonic() - entry.made_at < seconds


def cached_entry(name: str, params, version, seconds: float, compute: Callable[..., Any],
                 session: Session | None = None, wait: bool = False,
                 revise: Callable[..., Any] | None = None) -> Entry:
    """The answer for ``name`` and ``params`` made from data ``version`` (at most ``seconds`` old), with its
    stamp. ``compute(session)`` makes it (``compute()`` when no session is given: pure work). ``wait``: never
    the last answer while a fresh one is made (for what is derived from another answer, keyed by its stamp).

    ``revise(previous, version, session)`` brings the last answer up to date when that is cheaper than making
    it anew (only the part a change touched): it returns the new value, ``previous.value`` itself when the
    change does not show in it (the entry keeps its stamp, so nothing derived from it is made again), or None
    to have ``compute`` make it."""
    entry = _get(name, params)
    if _fresh(entry, version, seconds):
        return entry
    bind = None if session is None else session.get_bind()

    def make_here():
        return compute(session) if session is not None else compute()

    def revise_here(previous: Entry):
        return revise(previous, version, session)

    if entry is not None and not wait and entry.generation >= _seen.get():
        _refresh(name, params, version, compute, bind, revise)
        return entry  # the last answer; a fresh one is on its way
    lock = _computing[(name, params)]
    with lock:  # single flight: who arrives meanwhile gets this answer
        entry = _get(name, params)
        if _fresh(entry, version, seconds) and entry.generation >= _seen.get():
            return entry
        return _make(name, params, version, make_here, revise_here if revise else None)


def cached(name: str, params, version, seconds: float, compute: Callable[..., Any],
           session: Session | None = None, wait: bool = False, revise: Callable[..., Any] | None = None):
    """``cached_entry``'s value."""
    return cached_entry(name, params, version, seconds, compute, session, wait, revise).value


_items: dict[str, dict] = defaultdict(dict)


def per_item(name: str, items, make: Callable[[Any], Any]) -> list:
    """``make(item)`` for each (hashable) item, kept per name and item value: a list of hundreds of rows where
    one row changed makes one row again. Keeps what the last list used (and at most four lists' worth)."""
    items = list(items)
    kept = _items[name]
    out = []
    for item in items:
        made = kept.get(item)
        if made is None:
            made = kept[item] = make(item)
        out.append(made)
    if len(kept) > 4 * max(len(out), 64):
        used = set(items)
        for item in list(kept):  # a copy: another thread may add rows meanwhile
            if item not in used:
                kept.pop(item, None)
    return out


def _refresh(name: str, params, version, compute, bind, revise=None) -> None:
    """Make a fresh answer in the background, once per name and parameters at a time."""
    task = (name, params)
    asked_at = time.monotonic()
    with _lock:
        if task in _refreshing:
            return
        _refreshing.add(task)

    def work():
        try:
            with _computing[task]:
                entry = _get(name, params)
                if entry is not None and entry.version == version and entry.made_at >= asked_at:
                    return  # made meanwhile by a reader who waited for it
                if bind is None:
                    _make(name, params, version, compute,
                          None if revise is None else lambda previous: revise(previous, version, None))
                else:
                    with Session(bind) as session:
                        _make(name, params, version, lambda: compute(session),
                              None if revise is None else lambda previous: revise(previous, version, session))
        except Exception:  # noqa: BLE001 - the next reader asks again and sees the error himself
            import traceback

            traceback.print_exc()
        finally:
            with _lock:
                _refreshing.discard(task)

    _background.submit(work)


def wait_for_refreshes(timeout: float = 30.0) -> None:
    """Until no background refresh runs (tests, benchmarks)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _lock:
            if not _refreshing:
                return
        time.sleep(0.01)


def database_of(db: Session) -> str:
    """Which database: caches are per process, and a process may serve (or test) more than one."""
    return str(db.get_bind().engine.url) + str(id(db.get_bind().engine))


_versions: dict[str, tuple[int, float, dict]] = {}  # database -> (generation, read at, versions per topic)
_versions_lock = threading.Lock()
_reading: dict[str, threading.Lock] = defaultdict(threading.Lock)


def _current(known) -> bool:
    return known is not None and known[0] == _generation[0] and time.monotonic() - known[1] < 1.0

TOPICS = ("orders", "operations", "plan", "machines", "calendars", "customers", "parts", "materials", "nests")


def data_version(db: Session, *topics: str) -> tuple:
    """The version of what a read model shows, by topic (all topics when none are named): changes whenever a
    record of those topics changes. Read in one cheap query, kept until this process commits and at most a
    second (a commit by another process, the CLI, shows within that second). One reader reads it at a time;
    meanwhile the others take the last one, except a reader who wrote since it was read (he waits)."""
    database = database_of(db)
    with _versions_lock:
        known = _versions.get(database)
    last_will_do = known is not None and known[0] >= _seen.get()  # at most a second old, and after his write
    reading = _reading[database]
    # while another reader reads it, one who may take the last one does not wait
    if not _current(known) and reading.acquire(blocking=not last_will_do):
        try:
            with _versions_lock:
                known = _versions.get(database)
            if not _current(known):
                from ..store.records import data_version as stored_version

                made_from = _generation[0]
                known = (made_from, time.monotonic(), stored_version(db))
                with _versions_lock:
                    _versions[database] = known
        finally:
            reading.release()
    versions = known[2]
    return (database,) + tuple(versions[t] for t in (topics or TOPICS))


def clear() -> None:
    """Forget every cached answer (tests that swap a computation)."""
    wait_for_refreshes()
    with _lock:
        _entries.clear()
        _items.clear()
    with _versions_lock:
        _versions.clear()
