"""The JSON API: everything the pages do, documented at /docs. Every route names the permission it needs.

One module per subject, each with its request and answer schemas beside its routes: ``users`` (log-in, users),
``orders``, ``co2``, ``planning`` (plans, the board, pins, breakdowns, background jobs), ``nesting``, ``quotes``,
``imports`` (spreadsheets: preview, then confirm), ``floor`` (bookings from the terminals), ``postcalc`` and
``records`` (the generic routes for master data and records, /api/<kind>).

Validation errors are 422 with the field, unknown records 404, a duplicate or an edit of a changed record 409
(send the version you read as ``If-Match`` or ``?version=``), a bad request the shop can fix 400.
"""

from __future__ import annotations

from fastapi import APIRouter

from . import co2, floor, imports, nesting, orders, planning, postcalc, quotes, records, users
from .common import Dependencies
from .records import RESOURCES

__all__ = ["RESOURCES", "build_router"]

# records last: its /{kind}/{key} routes must not shadow the specific routes of the others
MODULES = (users, orders, co2, planning, nesting, quotes, imports, floor, postcalc, records)


def build_router(session_dependency, runner, engine) -> APIRouter:
    router = APIRouter(prefix="/api")
    deps = Dependencies(session_dependency, runner, engine)
    for module in MODULES:
        router.include_router(module.router(deps))
    return router
