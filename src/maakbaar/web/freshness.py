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
    _note_latest(request.session)


def _note_latest(session: dict) -> None:
    session[SEEN] = [cache.PROCESS, cache.generation()]


def _seen(session: dict) -> int:
    stored = session.get(SEEN)
    if isinstance(stored, list) and len(stored) == 2 and stored[0] == cache.PROCESS and isinstance(stored[1], int):
        return stored[1]
    return 0  # nothing written here, or written before this server started: any answer of this process will do


class ReadYourWrites:
    """ASGI middleware, inside the session middleware: a request's reads see what its client has written; a
    request that may write records, as its response starts, the generation its client has now seen."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = scope.get("session")
        if session is None:
            await self.app(scope, receive, send)
            return
        writes = scope.get("method", "GET") not in READS

        async def remember(message):
            if writes and message["type"] == "http.response.start":
                _note_latest(session)
            await send(message)

        with cache.reader_has_seen(_seen(session)):
            await self.app(scope, receive, remember if writes else send)
