"""The first start and setting up: an empty database greets its first visitor with a choice (the demo shop, or
the own shop with a first administrator), the checklist says what a first plan still needs with a link to fix
each, and the demo can be removed in one step. The pages only read the form and call ``setup_service``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from .. import clock
from ..services import setup_service
from ..services.errors import Conflict, InvalidInput, message_in
from ..store.db import Session
from .i18n import language_of
from .pages import _with_form, context
from .security import check_csrf, log_in, page_permission

PLAN_SECONDS = 10  # the first plan: a good plan of a small shop in seconds; replans use the board's own button


def build_router(session_dependency, runner, templates) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def page(permission: str = "read"):
        return page_permission(permission, session_dependency)

    def welcome(request: Request, status_code: int = 200, **values):
        return templates.TemplateResponse(request, "welcome.html", context(
            request, None, **({"errors": [], "f": {}} | values)), status_code=status_code)

    @router.get("/welcome")
    def welcome_page(request: Request, db: Session = Depends(session_dependency)):
        if not setup_service.is_fresh(db):
            return RedirectResponse("/login", status_code=303)
        return welcome(request)

    @router.post("/welcome/demo")
    async def welcome_demo(request: Request, db: Session = Depends(session_dependency)):
        await check_csrf(request)
        return await run_in_threadpool(_load_demo, request, db)

    def _load_demo(request: Request, db: Session):
        if not setup_service.is_fresh(db):
            return RedirectResponse("/login", status_code=303)
        try:
            setup_service.load_demo(db, 1, clock.today())
            db.commit()
        except Conflict:  # someone else chose in the same second: the shop is there, log in
            db.rollback()
            return RedirectResponse("/login", status_code=303)
        runner.submit("plan", {"time_limit": PLAN_SECONDS, "mode": "full"}, "demo")
        return RedirectResponse("/login?demo=1", status_code=303)

    @router.post("/welcome/own")
    async def welcome_own(request: Request, db: Session = Depends(session_dependency)):
        await check_csrf(request)
        return await _with_form(request, _start_own, request, db)

    def _start_own(form: dict, request: Request, db: Session):
        if not setup_service.is_fresh(db):
            return RedirectResponse("/login", status_code=303)
        lang = language_of(request)
        t = context(request, None)["t"]
        values = {k: str(form.get(k, "")).strip() for k in ("shop_name", "username", "display_name")}
        password, again = str(form.get("password", "")), str(form.get("password_again", ""))
        if password != again:
            return welcome(request, 422, f=values, errors=[t("setup.passwords_differ")])
        try:
            user = setup_service.start_own_shop(db, values["shop_name"], values["username"], password,
                                                values["display_name"], language=lang)
            db.commit()
        except (InvalidInput, Conflict) as error:
            db.rollback()
            return welcome(request, 422, f=values, errors=[message_in(error, lang)])
        log_in(request, user)
        return RedirectResponse("/setup", status_code=303)

    def checklist(request: Request, user, db: Session, removed: str | None = None, error: str | None = None,
                  status_code: int = 200):
        """The checklist page; after a removal (``removed``) with the demo records that were kept."""
        checks = setup_service.checklist(db, clock.today())
        return templates.TemplateResponse(request, "setup.html", context(
            request, user, checks=checks, ready=setup_service.ready_to_plan(checks),
            demo=setup_service.demo_present(db), removed=removed, kept=setup_service.demo_marks(db) if removed else {},
            error=error), status_code=status_code)

    @router.get("/setup")
    def setup_page(request: Request, db: Session = Depends(session_dependency), user=Depends(page())):
        return checklist(request, user, db, removed=request.query_params.get("removed"))

    @router.post("/setup/plan")
    def setup_plan(request: Request, db: Session = Depends(session_dependency), user=Depends(page("planning"))):
        runner.submit("plan", {"time_limit": PLAN_SECONDS, "mode": "full"}, user.username)
        return RedirectResponse("/planning", status_code=303)

    @router.post("/setup/remove-demo")
    def setup_remove_demo(request: Request, db: Session = Depends(session_dependency),
                          user=Depends(page("users"))):
        try:
            result = setup_service.remove_demo(db, user.username)
            db.commit()
        except Conflict as error:
            db.rollback()
            return checklist(request, user, db, error=message_in(error, language_of(request)), status_code=409)
        return RedirectResponse(f"/setup?removed={sum(result.removed.values())}", status_code=303)

    return router
