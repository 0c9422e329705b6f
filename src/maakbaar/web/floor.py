"""The shop floor's pages: the terminal for a tablet at a work center (badge + PIN, the queue, the job card, big
buttons), the post-calculation page, and the printed work order. The bookings API is in ``api/floor.py``."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote as urlquote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import clock
from ..floor import BookingError
from ..services.errors import NotFoundError, message_in
from ..floor.bookings import PAUSE_REASONS
from ..services import floor_service, postcalc_service
from ..store.repositories import Repositories
from ..store.db import Session
from .security import check_csrf, log_in, page_permission, user_from_request
from .api.floor import booking_operator

WORK_CENTER_COOKIE = "terminal_wc"


def build_router(session_dependency, templates, engine, context, language_of) -> APIRouter:
    router = APIRouter()

    def page(permission: str = "floor"):
        return page_permission(permission, session_dependency)

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
            error = refused_text(refused, language_of(request), badge=True)
            return render(request, "terminal_login.html", None, status_code=refused.status, error=error)
        log_in(request, user)
        return RedirectResponse("/terminal", status_code=303)

    @router.get("/terminal/wo/{number}", include_in_schema=False)
    def terminal_work_order(number: str, request: Request, db: Session = Depends(session_dependency),
                            user=Depends(page())):
        work_order = Repositories(db).work_orders.get(number)
        if work_order is None:
            raise NotFoundError("work order", number)
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
            result = floor_service.book_committed(engine, op_key, action, booking_operator(user), idempotency_key,
                                                  good=good, scrap=scrap, last=last, reason=reason)
            t = context(request, user)["t"]
            notes = [t(code, **params) for code, params in result.notes] if result.notes else list(result.messages)
            message = t("booked." + action) + (" — " + "; ".join(notes) if notes else "")
        except BookingError as problem:
            error = message_in(problem, language_of(request))
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
    from ..documents import part_svg
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
