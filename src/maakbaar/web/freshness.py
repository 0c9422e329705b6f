"""Read your own writes: the office pages are served from ``services.cache``, which may hand a reader the last
answer while a fresh one is made. A client that changed something (any POST, PUT, PATCH or DELETE) or saw a
background job finish must see that change, so its session keeps the commit generation it has seen and its
reads wait for answers made after it."""

from __future__ import annotations

from fastapi import Request

from ..services import cache

SEEN = "seen"
READS = ("GET", "HEAD", "OPTIONS")


def saw_latest(request: Request) -> None:
    """This client has seen every commit so far (it wrote, or a job it watched finished)."""
    request.session[SEEN] = [cache.PROCESS, cache.generation()]


def _seen(request: Request) -> int:
    stored = request.session.get(SEEN)
    if isinstance(stored, list) and len(stored) == 2 and stored[0] == cache.PROCESS and isinstance(stored[1], int):
        return stored[1]
    return 0  # nothing written here, or written before this server started: any answer of this process will do


async def read_your_writes(request: Request, call_next):
    """Middleware (inside the session middleware): reads see this client's own writes."""
    with cache.reader_has_seen(_seen(request)):
        response = await call_next(request)
    if request.method not in READS:
        saw_latest(request)
    return response
