"""Bookings from the terminals: badge log-in, a work center's queue, booking an action on an operation (with an
idempotency key: a request repeated after a network hiccup books once), the floor's events for the planner, and
closing forgotten clock-outs."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Header, Request
from pydantic import BaseModel, Field

from ...floor.bookings import ACTIONS
from ...services import floor_service
from ...store.db import Session
from ...services.errors import NotAllowed, NotFound
from ..security import LoginRefused, Refused, RowId, checked_log_in, csrf_token, log_in, refused_code
from .common import Dependencies


class BookingIn(BaseModel):
    good: int = Field(default=0, ge=0, le=1_000_000)
    scrap: int = Field(default=0, ge=0, le=1_000_000)
    last: bool = False
    reason: str = Field(default="", max_length=200)
    machine: str | None = None
    operator: str | None = Field(default=None, description="planner booking for someone else")


class BadgeIn(BaseModel):
    badge: str = Field(min_length=1, max_length=40)
    pin: str = Field(min_length=4, max_length=8)


def own_code(user) -> str:
    """Whom a booking is for when nobody else is named: the user's operator code, else the user name."""
    return user.operator_code or user.username.upper()


def booking_operator(user, requested: str | None = None) -> str:
    """Whom a booking is for: the user, or the operator a planner names (403 for anyone else)."""
    if requested and requested != (user.operator_code or user.username):
        if not user.may("planning"):
            raise NotAllowed("only a planner may book for someone else", code="booking.for_someone_else")
        return requested
    return own_code(user)


def router(deps: Dependencies) -> APIRouter:
    routes = APIRouter()
    session, need = deps.session, deps.need

    @routes.post("/floor/login", tags=["floor"])
    def badge_login(request: Request, body: BadgeIn, db: Session = Depends(session)):
        try:
            user = checked_log_in(request, db, badge=body.badge.strip(), pin=body.pin)
        except LoginRefused as refused:
            raise Refused(refused.status, refused_code(refused, badge=True), minutes=refused.minutes) from None
        log_in(request, user)
        return {"username": user.username, "operator": user.operator_code, "csrf_token": csrf_token(request)}

    @routes.get("/floor/queue/{work_center}", tags=["floor"])
    def api_queue(work_center: str, db: Session = Depends(session), _=Depends(need("read"))):
        return floor_service.queue(db, work_center)

    @routes.post("/floor/operations/{op_key:path}/{action}", tags=["floor"])
    def api_book(op_key: str, action: str, body: BookingIn = Body(default=BookingIn()),
                 idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=80),
                 user=Depends(need("floor"))):
        if action not in ACTIONS:
            raise NotFound(f"unknown action '{action}' (known: {', '.join(ACTIONS)})", code="booking.unknown_action",
                           action=action, known=", ".join(ACTIONS))
        operator = booking_operator(user, body.operator)
        result = floor_service.book_committed(deps.engine, op_key, action, operator, idempotency_key,
                                              good=body.good, scrap=body.scrap, last=body.last, reason=body.reason,
                                              machine=body.machine, for_someone_else=operator != own_code(user))
        return result.as_dict()

    @routes.get("/floor/events", tags=["floor"])
    def events(unhandled: bool = False, db: Session = Depends(session), _=Depends(need("read"))):
        return floor_service.floor_events(db, unhandled)

    @routes.post("/floor/events/{event_id}/handled", tags=["floor"])
    def handled(event_id: RowId, db: Session = Depends(session), _=Depends(need("planning"))):
        floor_service.mark_handled(db, event_id)
        db.commit()
        return {"id": event_id, "handled": True}

    @routes.post("/floor/close-forgotten", tags=["floor"])
    def close_forgotten(db: Session = Depends(session), _=Depends(need("planning"))):
        closed = floor_service.close_forgotten(db)
        db.commit()
        return {"closed": closed}

    return routes
