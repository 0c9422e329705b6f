"""The shop floor in the web app: the terminal pages for a tablet at a work center (badge + PIN, the queue, the
job card, big buttons), the bookings API with idempotency keys, post-calculation, and the printed work order."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote as urlquote

from fastapi import APIRouter, Body, Depends, Form, Header, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from .. import clock
from ..floor import BookingError
from ..floor.bookings import ACTIONS, PAUSE_REASONS
from ..services import floor_service, postcalc_service
from ..store.repositories import Repositories
from ..store.db import Session
from .security import RowId, api_permission, check_csrf, log_in, page_permission, user_from_request

WORK_CENTER_COOKIE = "terminal_wc"


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


class CorrectionIn(BaseModel):
    work_center_type: str
    machine: str = ""
    factor: float = Field(gt=0)


def _own_code(user) -> str:
    """Whom a booking is for when nobody else is named: the user's operator code, else the user name."""
    return user.operator_code or user.username.upper()


def _operator(user, requested: str | None = None) -> str:
    if requested and requested != (user.operator_code or user.username):
        if not user.may("planning"):
            raise HTTPException(403, "only a planner may book for someone else")
        return requested
    return _own_code(user)


def build_router(session_dependency, templates, engine, context, language_of) -> APIRouter:
    router = APIRouter()

    def need(permission: str):
        return api_permission(permission, session_dependency)

    def page(permission: str = "floor"):
        return page_permission(permission, session_dependency)

    # ------------------------------------------------------------------ API
    @router.post("/api/floor/login", tags=["floor"])
    def badge_login(request: Request, body: BadgeIn, db: Session = Depends(session_dependency)):
        from .security import LoginRefused, checked_log_in, refused_text

        try:
            user = checked_log_in(request, db, badge=body.badge.strip(), pin=body.pin)
        except LoginRefused as refused:
            detail = "unknown badge or wrong PIN" if refused.reason == "wrong" else refused_text(refused, "en")
            raise HTTPException(refused.status, detail) from None
        log_in(request, user)
        from .security import csrf_token

        return {"username": user.username, "operator": user.operator_code, "csrf_token": csrf_token(request)}

    @router.get("/api/floor/queue/{work_center}", tags=["floor"])
    def api_queue(work_center: str, db: Session = Depends(session_dependency), _=Depends(need("read"))):
        if Repositories(db).work_centers.get(work_center) is None:
            raise HTTPException(404, f"unknown work center '{work_center}'")
        return floor_service.queue(db, work_center)

    @router.post("/api/floor/operations/{op_key:path}/{action}", tags=["floor"])
    def api_book(op_key: str, action: str, body: BookingIn = Body(default=BookingIn()),
                 idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=80),
                 user=Depends(need("floor"))):
        if action not in ACTIONS:
            raise HTTPException(404, f"unknown action '{action}' (known: {', '.join(ACTIONS)})")
        operator = _operator(user, body.operator)
        result = floor_service.book_committed(engine, op_key, action, operator, idempotency_key,
                                              good=body.good, scrap=body.scrap, last=body.last, reason=body.reason,
                                              machine=body.machine,
                                              for_someone_else=operator != _own_code(user))
        return result.as_dict()

    @router.get("/api/floor/events", tags=["floor"])
    def events(unhandled: bool = False, db: Session = Depends(session_dependency), _=Depends(need("read"))):
        return floor_service.floor_events(db, unhandled)

    @router.post("/api/floor/events/{event_id}/handled", tags=["floor"])
    def handled(event_id: RowId, db: Session = Depends(session_dependency), _=Depends(need("planning"))):
        floor_service.mark_handled(db, event_id)
        db.commit()
        return {"id": event_id, "handled": True}

    @router.post("/api/floor/close-forgotten", tags=["floor"])
    def close_forgotten(db: Session = Depends(session_dependency), _=Depends(need("planning"))):
        closed = floor_service.close_forgotten(db)
        db.commit()
        return {"closed": closed}

    @router.get("/api/orders/{number}/postcalc", tags=["post-calculation"])
    def order_postcalc(number: str, db: Session = Depends(session_dependency), _=Depends(need("read"))):
        return _postcalc_json(postcalc_service.order_postcalc(db, number))

    @router.get("/api/postcalc", tags=["post-calculation"])
    def period(start: dt.date, end: dt.date, min_operations: int = 3, db: Session = Depends(session_dependency),
               _=Depends(need("read"))):
        if end < start:
            raise HTTPException(422, [{"loc": ["query", "end"], "msg": "end before start", "type": "value_error"}])
        figures, offered = postcalc_service.period_postcalc(db, start, end, min_operations)
        return {"operations": [_figure_json(f) for f in figures],
                "corrections": [{"work_center_type": c.work_center_type, "machine": c.machine,
                                 "operations": c.operations, "standard_run_min": c.standard_run_min,
                                 "actual_run_min": c.actual_run_min, "ratio": c.ratio} for c in offered]}

    @router.post("/api/postcalc/corrections/apply", tags=["post-calculation"])
    def apply(body: CorrectionIn, db: Session = Depends(session_dependency), _=Depends(need("masterdata"))):
        try:
            changed = postcalc_service.apply_correction(db, body.work_center_type, body.machine, body.factor)
        except ValueError as error:
            raise HTTPException(422, [{"loc": ["body", "factor"], "msg": str(error), "type": "value_error"}]) from None
        db.commit()
        return {"routing_steps_changed": changed}

    @router.get("/work-orders/{number}.pdf", tags=["floor"])
    def work_order_pdf(number: str, request: Request, db: Session = Depends(session_dependency),
                       _=Depends(page("read"))):
        from ..floor.document import work_order_pdf as render_pdf

        data = _work_order_data(db, number)
        url = str(request.base_url).rstrip("/") + f"/terminal/wo/{urlquote(number)}"
        return Response(render_pdf(data, url, language_of(request)), media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{number}.pdf"'})

    # ------------------------------------------------------------------ terminal pages
    def render(request: Request, name: str, user, status_code: int = 200, **values):
        return templates.TemplateResponse(request, name, context(request, user, **values), status_code=status_code)

    @router.get("/postcalc", include_in_schema=False)
    def postcalc_page(request: Request, order: str = "", start: str = "", end: str = "",
                      db: Session = Depends(session_dependency), user=Depends(page("read"))):
        today = clock.today()
        first = dt.date.fromisoformat(start) if start else today - dt.timedelta(days=30)
        last = dt.date.fromisoformat(end) if end else today
        result = postcalc_service.order_postcalc(db, order) if order else None
        figures, offered = postcalc_service.period_postcalc(db, first, last)
        return render(request, "postcalc.html", user, result=result, order=order, start=first, end=last,
                      figures=figures, offered=offered, may_apply=user.may("masterdata"))

    @router.post("/postcalc/apply", include_in_schema=False)
    def postcalc_apply(request: Request, work_center_type: str = Form(...), machine: str = Form(""),
                       factor: float = Form(...), db: Session = Depends(session_dependency),
                       user=Depends(page("masterdata"))):
        changed = postcalc_service.apply_correction(db, work_center_type, machine, factor)
        db.commit()
        return RedirectResponse(f"/postcalc?applied={changed}", status_code=303)

    @router.get("/terminal", include_in_schema=False)
    def terminal(request: Request, wc: str = "", db: Session = Depends(session_dependency)):
        user = user_from_request(request, db)
        if user is None or not user.may("floor"):
            return render(request, "terminal_login.html", user, error=None)
        closed = floor_service.close_forgotten(db)
        if closed:
            db.commit()
        centers = [w for w in Repositories(db).work_centers.list()]
        chosen = wc or request.cookies.get(WORK_CENTER_COOKIE, "")
        if chosen not in {w.code for w in centers}:
            chosen = ""
        items = floor_service.queue(db, chosen) if chosen else []
        operator = user.operator_code or user.username.upper()
        mine = {e.op_key: e.activity for e in floor_service.operator_entries(db, operator)}
        response = render(request, "terminal.html", user, centers=centers, chosen=chosen, items=items, mine=mine,
                          operator=operator, closed=closed)
        if wc:
            response.set_cookie(WORK_CENTER_COOKIE, wc, samesite="lax", max_age=365 * 24 * 3600)
        return response

    @router.post("/terminal/login", include_in_schema=False)
    async def terminal_login(request: Request, badge: str = Form(...), pin: str = Form(...),
                             db: Session = Depends(session_dependency)):
        from .security import LoginRefused, checked_log_in, refused_text

        await check_csrf(request)
        try:
            user = await run_in_threadpool(lambda: checked_log_in(request, db, badge=badge.strip(), pin=pin))
        except LoginRefused as refused:
            error = (context(request, None)["t"]("badge_failed") if refused.reason == "wrong"
                     else refused_text(refused, language_of(request)))
            return render(request, "terminal_login.html", None, status_code=refused.status, error=error)
        log_in(request, user)
        return RedirectResponse("/terminal", status_code=303)

    @router.get("/terminal/wo/{number}", include_in_schema=False)
    def terminal_work_order(number: str, request: Request, db: Session = Depends(session_dependency),
                            user=Depends(page())):
        work_order = Repositories(db).work_orders.get(number)
        if work_order is None:
            raise HTTPException(404, f"unknown work order '{number}'")
        current = next((o for o in work_order.operations if o.status.value != "done"), work_order.operations[-1])
        return RedirectResponse(f"/terminal/card/{urlquote(number)}/{current.sequence}", status_code=303)

    @router.get("/terminal/card/{op_key:path}", include_in_schema=False)
    def card(op_key: str, request: Request, db: Session = Depends(session_dependency), user=Depends(page())):
        return render(request, "terminal_card.html", user, **_card(db, op_key, user), message=None, error=None)

    @router.post("/terminal/book/{op_key:path}", include_in_schema=False)
    def terminal_book(op_key: str, request: Request, action: str = Form(...), idempotency_key: str = Form(...),
                      good: int = Form(0), scrap: int = Form(0), last: bool = Form(False), reason: str = Form(""),
                      db: Session = Depends(session_dependency), user=Depends(page())):
        message = error = None
        try:
            result = floor_service.book_committed(engine, op_key, action, _operator(user), idempotency_key,
                                                  good=good, scrap=scrap, last=last, reason=reason)
            t = context(request, user)["t"]
            message = t("booked." + action) + (" — " + "; ".join(result.messages) if result.messages else "")
        except BookingError as problem:
            error = str(problem)
        db.rollback()
        return render(request, "terminal_card.html", user, status_code=200 if error is None else 409,
                      **_card(db, op_key, user), message=message, error=error)

    return router


def _card(db: Session, op_key: str, user) -> dict:
    import uuid

    card = floor_service.operation_card(db, op_key, user.operator_code or user.username.upper())
    return card | {"drawing": _drawing(card["part"]), "key": uuid.uuid4().hex, "reasons": PAUSE_REASONS}


def _drawing(part) -> str | None:
    """The part as the operator sees it on the card: its DXF, or the flat blank with its size."""
    from ..costing.document import part_svg
    from ..services.quoting import stored_geometry

    geometry = stored_geometry(part)
    if geometry is not None:
        return part_svg(geometry, size=260)
    if part and part.length_mm and part.width_mm:
        w, h = 260, max(30, round(260 * part.width_mm / part.length_mm))
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w + 20}" height="{h + 40}">'
                f'<rect x="10" y="10" width="{w}" height="{h}" fill="#c9d3dd" stroke="#1d2430"/>'
                f'<text x="{10 + w / 2}" y="{h + 32}" text-anchor="middle" font-size="14" font-family="sans-serif">'
                f'{part.length_mm:g} x {part.width_mm:g} mm</text></svg>')
    return None


def _work_order_data(db: Session, number: str) -> dict:
    return floor_service.work_order_sheet(db, number)


def _figure_json(f) -> dict:
    return {"operation": f.key, "work_center_type": f.work_center_type, "machine": f.machine,
            "description": f.description, "quantity": f.quantity, "good": f.good, "scrap": f.scrap,
            "planned_min": f.planned_min, "actual_min": f.actual_min, "actual_setup_min": f.actual_setup_min,
            "actual_run_min": f.actual_run_min, "planned_cost": f.planned_cost, "actual_cost": f.actual_cost,
            "run_ratio": f.run_ratio}


def _postcalc_json(result) -> dict:
    return {"order": result.order, "revenue": result.revenue, "material_estimated": result.material_estimated,
            "material_used": result.material_used, "material_note": result.material_note,
            "planned_cost": result.planned_cost, "actual_cost": result.actual_cost, "result": result.result,
            "operations": [_figure_json(f) for f in result.operations]}
