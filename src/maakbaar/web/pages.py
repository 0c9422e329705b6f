"""Server-rendered pages (Jinja2 + HTMX): dashboard, orders, quote, planning board, promise, nesting, CO2,
master data and users. Pages read through the services; changes go through the same checks as the API."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from urllib.parse import quote as urlquote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from pydantic import ValidationError
from markupsafe import Markup

from .. import clock
from ..domain import OrderStatus, WorkCenterType
from ..planning.problem import CRITERIA
from ..services import (cache, co2_service, cost_service, dashboard_service, masterdata_service, nesting_service,
                        order_service, planning_board, planning_service, quoting, setup_service, tabular, uploads,
                        user_service, workbook_template)
from ..services.errors import ConflictError, ImportProblem, InvalidInput, NotFound, NotFoundError, message_in
from ..services.order_service import DraftLine, OrderDraft
from ..store.db import Session
from ..store.repositories import Repositories
from .freshness import saw_latest
from .uploads import THICKEST_SHEET_MM, quote_answer, stored_uploads
from ..i18n import day, moment, money as euro, number, say
from ..reasons import Reason
from .errors import validation_message
from .i18n import DAY_NAMES, LANGUAGES, language_of, translator
from .security import RowId, csrf_token, log_in, log_out_everywhere, page_permission, user_from_request

# the objective orders the planning page offers (the translation key names each); any other order set
# through the API or the CLI is shown as it is
OBJECTIVE_PRESETS = (("late_jobs,tardiness,setup,flow_time", "objectives.fewest_late"),
                     ("tardiness,late_jobs,setup,flow_time", "objectives.fewest_minutes"),
                     ("late_jobs,tardiness,flow_time,setup", "objectives.short_lead"))

NAV = (("dashboard", "/dashboard", "read"), ("orders", "/orders", "read"), ("quote", "/quote", "quotes"),
       ("planning", "/planning", "read"), ("promise", "/promise", "read"), ("nesting", "/nests", "read"),
       ("co2", "/co2", "read"), ("masterdata", "/masterdata", "read"), ("postcalc", "/postcalc", "read"),
       ("terminal", "/terminal", "floor"), ("setup", "/setup", "masterdata"),
       ("users", "/users", "users"))


def context(request: Request, user, **values) -> dict:
    lang = language_of(request)
    nav = [n for n in NAV if user is None or user.may(n[2])]
    if user is not None and user.role == "operator":  # the floor needs the terminal, not the office
        nav = [n for n in NAV if n[0] == "terminal"]
    return {"request": request, "t": translator(lang), "lang": lang, "other_lang": "en" if lang == "nl" else "nl",
            "user": user, "csrf": csrf_token(request), "nav": nav,
            "path": request.url.path, "today": clock.today(), **values}


def document_language_of(request: Request) -> str | None:
    """The language a user asks a customer document in (``?doc=de``); None: the customer's own (a language the
    documents are not in is refused by the service, with the choices)."""
    return request.query_params.get("doc") or None


def money(value: float | None, lang: str = "nl") -> str:
    """An amount in a column headed EUR: two decimals, grouped as the page's language writes them."""
    return number(value, lang, 2)


def when(moment, lang: str = "nl", rest: str = "%d-%m %H:%M") -> str:
    """The weekday in the page's language, then the rest of the format: 'di 01-12 06:00'."""
    if moment is None:
        return ""
    return f"{DAY_NAMES.get(lang, DAY_NAMES['nl'])[moment.weekday()]} {moment.strftime(rest)}"


def build_router(session_dependency, runner, templates) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    templates.env.filters["money"] = money
    templates.env.filters["when"] = when
    templates.env.filters["num"] = number
    templates.env.filters["euro"] = euro  # an amount on its own: € 1.234,50
    templates.env.filters["day"] = day  # a date: 7 dec 2026; day("weekday"): ma 7 dec
    templates.env.filters["moment"] = moment  # ma 7 dec 14:30
    templates.env.filters["say"] = say  # a reason code with its values (maakbaar.reasons) in the page's language
    templates.env.filters["reason"] = Reason.from_json  # a reason stored as JSON back as a reason
    templates.env.globals["urlquote"] = urlquote

    def page(permission: str = "read"):
        return page_permission(permission, session_dependency)

    def render(request: Request, name: str, user, status_code: int = 200, **values):
        response = templates.TemplateResponse(request, name, context(request, user, **values), status_code=status_code)
        if request.query_params.get("lang") in LANGUAGES:
            response.set_cookie("lang", request.query_params["lang"], samesite="lax", max_age=365 * 24 * 3600)
        return response

    # ------------------------------------------------------------------ log-in
    def demo_users(db: Session) -> tuple:
        """The demo's users for the log-in page, while the demo is loaded."""
        return user_service.DEMO_USERS if setup_service.demo_users_present(db) else ()

    @router.get("/login")
    def login_page(request: Request, next: str = "/dashboard", db: Session = Depends(session_dependency)):
        if setup_service.is_fresh(db):  # nobody can log in yet: the demo or an own shop first
            return RedirectResponse("/welcome", status_code=303)
        return render(request, "login.html", user_from_request(request, db), next=next, error=None,
                      demo=demo_users(db), demo_password=user_service.DEMO_PASSWORD,
                      demo_loading=request.query_params.get("demo") == "1")

    @router.post("/login")
    async def login_submit(request: Request, username: str = Form(...), password: str = Form(...),
                           next: str = Form("/dashboard"), csrf_token_field: str = Form("", alias="csrf_token"),
                           db: Session = Depends(session_dependency)):
        from .security import check_csrf

        from .security import LoginRefused, checked_log_in, refused_text

        await check_csrf(request)
        try:
            user = await run_in_threadpool(checked_log_in, request, db, username, password)
        except LoginRefused as refused:
            return render(request, "login.html", None, status_code=refused.status, next=next,
                          error=refused_text(refused, language_of(request)),
                          demo=demo_users(db), demo_password=user_service.DEMO_PASSWORD)
        await run_in_threadpool(user_service.record_login, user_service.separate_sessions(db), user.id, password)
        log_in(request, user)
        target = next if next.startswith("/") and not next.startswith("//") else "/dashboard"
        if user.role == "operator" and target == "/dashboard":
            target = "/terminal"
        return RedirectResponse(target, status_code=303)

    @router.post("/logout")
    async def logout(request: Request, db: Session = Depends(session_dependency)):
        from .security import check_csrf

        await check_csrf(request)
        await run_in_threadpool(log_out_everywhere, request, db)
        return RedirectResponse("/login", status_code=303)

    @router.get("/")
    def home():
        return RedirectResponse("/dashboard", status_code=303)

    # ------------------------------------------------------------------ dashboard
    @router.get("/dashboard")
    def dashboard_page(request: Request, db: Session = Depends(session_dependency), user=Depends(page())):
        board = dashboard_service.dashboard_entry(db)
        lang = language_of(request)
        content = cache.cached("dashboard-html", (lang,), board.stamp, 600, lambda: templates.get_template(
            "_dashboard_content.html").render(t=translator(lang), lang=lang, d=board.value))
        return render(request, "dashboard.html", user, content=content)

    # ------------------------------------------------------------------ orders
    @router.get("/orders")
    def orders_page(request: Request, status: str = "", customer: str = "", late: str = "", due_before: str = "",
                    db: Session = Depends(session_dependency), user=Depends(page())):
        overview = dashboard_service.order_overview_entry(db, include_closed=bool(status))
        late_filter = {"yes": True, "no": False}.get(late)
        try:
            due = dt.date.fromisoformat(due_before) if due_before else None
        except ValueError:
            due = None
        lang = language_of(request)

        def make() -> dict:
            """The list and its table (hundreds of rows, the heavy part), once per overview, filter and language;
            pure work from the overview, so a reader may get the last one while this is made."""
            orders = order_service.filter_orders(overview.value, status or None, customer or None, late_filter, due)
            values = dict(orders=orders, late_count=sum(o.late or bool(o.planned_late) for o in orders),
                          total_value=euro(sum(o.value for o in orders), lang))
            t = translator(lang)
            row = templates.get_template("_order_row.html")
            # per row: a changed customer name or one changed order renders only its own rows
            rows_html = Markup("".join(cache.per_item(f"order-row-{lang}", orders,
                                                      lambda o: row.render(t=t, lang=lang, o=o))))
            values["table_html"] = templates.get_template("_orders_table.html").render(
                t=t, lang=lang, rows_html=rows_html, **values)
            return values

        values = dict(cache.cached("orders-page", (lang, status, customer, late, due_before), overview.stamp, 600,
                                   make),
                      filters={"status": status, "customer": customer, "late": late, "due_before": due_before},
                      statuses=[s.value for s in OrderStatus])
        if request.headers.get("hx-request") and request.headers.get("hx-target") == "orders-table":
            return HTMLResponse(values["table_html"])
        return render(request, "orders.html", user, **values)

    @router.get("/orders/new")
    def order_new(request: Request, db: Session = Depends(session_dependency), user=Depends(page("orders"))):
        return render(request, "order_form.html", user, **_order_form_values(db), order=None, errors=[])

    @router.post("/orders/new")
    async def order_create(request: Request, db: Session = Depends(session_dependency),
                           user=Depends(page("orders"))):
        return await _with_form(request, _create_order, request, db, user)

    def _create_order(form: dict, request: Request, db: Session, user):
        lang = language_of(request)
        t = translator(lang)
        errors, lines, rows = [], [], []  # rows: the form's line number of each line read
        for i in range(1, 6):
            part = form.get(f"part_{i}", "").strip()
            if not part:
                continue
            try:
                lines.append(DraftLine(part=part, quantity=form.get(f"quantity_{i}", "").strip() or 0))
                rows.append(i)
            except ValidationError as error:
                errors += [_order_problem(e, t, lang, line=i) for e in error.errors()]
        if not lines and not errors:
            errors = [t("order.no_lines")]
        if not errors:
            try:
                order = order_service.create_order(db, OrderDraft(
                    number=form.get("number") or None, customer=form.get("customer", ""),
                    customer_reference=form.get("reference", ""), release_date=form.get("release_date") or None,
                    due_date=form.get("due_date", ""), priority=form.get("priority") or 3,
                    notes=form.get("notes", ""), lines=lines))
                db.commit()
            except ValidationError as error:
                errors = [_order_problem(e, t, lang, rows=rows) for e in error.errors()]
            except (InvalidInput, NotFound) as error:
                message = message_in(error, lang)
                errors = message if isinstance(message, list) else [message]
        if errors:
            db.rollback()
            return render(request, "order_form.html", user, status_code=422, **_order_form_values(db), order=None,
                          errors=errors, form=dict(form))
        if form.get("then") == "replan":
            runner.submit("plan", {"time_limit": 10, "mode": "replan"}, user.username)
            return RedirectResponse("/planning?rush=" + urlquote(order.number), status_code=303)
        return RedirectResponse(f"/orders/{urlquote(order.number)}", status_code=303)

    @router.get("/orders/{number}")
    def order_page(number: str, request: Request, db: Session = Depends(session_dependency), user=Depends(page())):
        detail = order_service.order_detail(db, number)
        try:
            co2 = co2_service.footprint_of_order(db, number)
        except Exception:  # noqa: BLE001 - the page shows the order even if a factor is missing
            co2 = None
        return render(request, "order_detail.html", user, o=detail, co2=co2,
                      version=Repositories(db).orders.version(number))

    @router.post("/orders/{number}/edit")
    async def order_edit(number: str, request: Request, db: Session = Depends(session_dependency),
                         user=Depends(page("orders"))):
        return await _with_form(request, _edit_order, number, db)

    def _edit_order(form: dict, number: str, db: Session):
        try:
            changes = {"due_date": dt.date.fromisoformat(form["due_date"]), "priority": int(form["priority"]),
                       "notes": form.get("notes", ""), "customer_reference": form.get("reference", ""),
                       "status": OrderStatus(form["status"]) if form.get("status") else None}
            version = int(form["version"])
        except (KeyError, ValueError) as error:
            raise InvalidInput(f"the order form is incomplete or wrong: {error}", code="order.form",
                               error=str(error)[:200]) from None
        order_service.edit_order(db, number, version, **changes)
        db.commit()
        return RedirectResponse(f"/orders/{urlquote(number)}", status_code=303)

    @router.post("/orders/{number}/release")
    def order_release(number: str, db: Session = Depends(session_dependency), user=Depends(page("orders"))):
        order_service.release_order(db, number)
        db.commit()
        return RedirectResponse(f"/orders/{urlquote(number)}", status_code=303)

    @router.get("/orders/{number}/promise")
    def order_promise(number: str, request: Request, db: Session = Depends(session_dependency),
                      user=Depends(page())):
        answer = planning_service.promise_order(db, number)
        return render(request, "_promise.html", user, answer=answer)

    # ------------------------------------------------------------------ promise
    @router.get("/promise")
    def promise_page(request: Request, order: str = "", db: Session = Depends(session_dependency),
                     user=Depends(page())):
        orders = [o for o in order_service.order_overview(db) if o.status != OrderStatus.IN_PROGRESS]
        return render(request, "promise.html", user, orders=orders, chosen=order)

    # ------------------------------------------------------------------ quotes
    @router.get("/quote")
    def quote_page(request: Request, db: Session = Depends(session_dependency), user=Depends(page("quotes"))):
        repos = Repositories(db)
        return render(request, "quote.html", user, materials=repos.materials.list(),
                      customers=repos.customers.list(), quotes=sorted(repos.quotes.list(), key=lambda q: q.number,
                                                                      reverse=True)[:20])

    @router.post("/quote/calculate")
    def quote_calculate(request: Request, files: list[UploadFile] = File(default=[]), material: str = Form(...),
                        thickness_mm: float = Form(..., gt=0, le=THICKEST_SHEET_MM),
                        quantities: str = Form("1,10,50"), finish: str = Form("none"),
                        weld_length_mm: float = Form(0, ge=0, le=1e6), upload: str = Form(""),
                        db: Session = Depends(session_dependency), user=Depends(page("quotes"))):
        files = [f for f in files if f.filename]
        if not files and not upload:
            return render(request, "_quote_result.html", user, answer=None,
                          error=translator(language_of(request))("choose_files"))
        folder = stored_uploads(files, upload or None)
        answer = quote_answer(db, folder, material, thickness_mm, quantities, finish, weld_length_mm,
                              language_of(request))
        repos = Repositories(db)
        return render(request, "_quote_result.html", user, answer=answer, error=None,
                      customers=repos.customers.list(), may_costs=user.may("masterdata"),
                      params=dict(material=material, thickness_mm=thickness_mm, quantities=quantities,
                                  finish=finish, weld_length_mm=weld_length_mm))

    @router.post("/quote/save")
    def quote_save(upload: str = Form(...), material: str = Form(...),
                   thickness_mm: float = Form(..., gt=0, le=THICKEST_SHEET_MM), quantities: str = Form(...),
                   finish: str = Form("none"), weld_length_mm: float = Form(0, ge=0, le=1e6),
                   customer: str = Form(...), db: Session = Depends(session_dependency),
                   user=Depends(page("quotes"))):
        folder = uploads.upload_folder(upload)
        _, quote = quoting.quote_and_save(db, uploads.drawings_in(folder), material, thickness_mm, quantities,
                                          customer, finish, weld_length_mm)
        db.commit()
        return RedirectResponse(f"/quotes/{urlquote(quote.number)}", status_code=303)

    @router.get("/quotes/{number}")
    def quote_detail(number: str, request: Request, db: Session = Depends(session_dependency),
                     user=Depends(page("read"))):
        repos = Repositories(db)
        quote = repos.quotes.get(number)
        if quote is None:
            raise NotFoundError("quote", number)
        parts = {line.part: repos.parts.get(line.part) for line in quote.lines}
        return render(request, "quote_detail.html", user, q=quote, parts=parts,
                      customer=repos.customers.get(quote.customer))

    @router.get("/quotes/{number}/document")
    def quote_document(number: str, request: Request, db: Session = Depends(session_dependency),
                       user=Depends(page("read"))):
        return HTMLResponse(quoting.quote_document_html(db, number, document_language_of(request)))

    @router.get("/quotes/{number}/document.pdf")
    def quote_document_pdf(number: str, request: Request, db: Session = Depends(session_dependency),
                           user=Depends(page("read"))):
        data = quoting.quote_document_pdf(db, number, document_language_of(request))
        return Response(data, media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="offerte-{urlquote(number)}.pdf"'})

    @router.get("/orders/{number}/document")
    def order_document(number: str, request: Request, kind: str = "confirmation",
                       db: Session = Depends(session_dependency), user=Depends(page("read"))):
        """The order confirmation (``?kind=confirmation``) or the delivery note (``?kind=delivery-note``), in the
        customer's language unless ``?doc=`` asks another."""
        return HTMLResponse(order_service.order_document_html(db, number, kind, document_language_of(request)))

    @router.post("/quotes/{number}/order")
    async def quote_order(number: str, request: Request, db: Session = Depends(session_dependency),
                          user=Depends(page("orders"))):
        return await _with_form(request, _quote_order, number, db)

    def _quote_order(form: dict, number: str, db: Session):
        """The quantity per line the customer ordered (fields ``quantity_<line>``; empty: the first break)."""
        try:
            quantities = {int(k.removeprefix("quantity_")): int(v) for k, v in form.items()
                          if k.startswith("quantity_") and str(v).strip()}
        except ValueError:
            raise InvalidInput("a quantity must be a whole number", field="quantity", code="quote.quantity_whole") from None
        order = quoting.order_from_quote(db, number, quantities or None)
        db.commit()
        return RedirectResponse(f"/orders/{urlquote(order.number)}", status_code=303)

    # ------------------------------------------------------------------ planning board
    @router.get("/planning")
    def planning_page(request: Request, rush: str = "", db: Session = Depends(session_dependency),
                      user=Depends(page())):
        repos = Repositories(db)
        try:
            objectives = ",".join(planning_service.shop_objectives(db))
        except planning_service.PlanningServiceError:  # a hand-edited setting: shown as the default, fixed on save
            objectives = ",".join(CRITERIA)
        return render(request, "planning.html", user, machines=[m for m in repos.machines.list() if m.active],
                      parts=Repositories(db).parts.numbers_with_routing(), customers=repos.customers.list(), rush=rush, may_plan=user.may("planning"),
                      jobs=runner.recent(db, 5), objectives=objectives, objective_presets=OBJECTIVE_PRESETS,
                      **_plan_meta(db))

    @router.get("/planning/meta")
    def planning_meta(request: Request, db: Session = Depends(session_dependency), user=Depends(page())):
        """The line above the board (which plan, how many late, pins dropped), fetched again after a replan."""
        return render(request, "_plan_meta.html", user, rush="", **_plan_meta(db))

    @router.post("/planning/objectives")
    def planning_objectives(objectives: str = Form(...), db: Session = Depends(session_dependency),
                            user=Depends(page("planning"))):
        planning_service.set_shop_objectives(db, objectives.split(","))
        db.commit()
        return Response(status_code=204)

    # ------------------------------------------------------------------ nesting
    @router.get("/nests")
    def nests_page(request: Request, db: Session = Depends(session_dependency), user=Depends(page())):
        return render(request, "nests.html", user, nests=nesting_service.nest_rows(db),
                      waiting=nesting_service.waiting_by_material(db),
                      may_nest=user.may("nesting"), jobs=[j for j in runner.recent(db, 5) if j["kind"] == "nest"])

    @router.get("/nests/{nest_id}")
    def nest_page(nest_id: RowId, request: Request, db: Session = Depends(session_dependency), user=Depends(page())):
        return render(request, "nest_detail.html", user, n=nesting_service.nest_row(db, nest_id))

    # ------------------------------------------------------------------ jobs (HTMX polling)
    @router.get("/jobs/{job_id}")
    def job_partial(job_id: RowId, request: Request, db: Session = Depends(session_dependency), user=Depends(page())):
        status = runner.status(db, job_id)
        if status is None:
            raise NotFoundError("job", job_id)
        if status["status"] in ("done", "failed"):
            saw_latest(request)  # the page reloads what the job changed: it must show it
        return render(request, "_job.html", user, job=status)

    @router.post("/jobs/plan")
    def job_plan(request: Request, time_limit: float = Form(10), mode: str = Form("replan"),
                 db: Session = Depends(session_dependency), user=Depends(page("planning"))):
        job_id = runner.submit("plan", {"time_limit": min(max(time_limit, 1), 600), "mode": mode}, user.username)
        db.rollback()  # end this request's read snapshot: the job row was committed by another connection
        return render(request, "_job.html", user, job=runner.status(db, job_id))

    @router.post("/jobs/nest")
    def job_nest(request: Request, material: str = Form(""), thickness_mm: str = Form(""),
                 time_limit: float = Form(10), db: Session = Depends(session_dependency),
                 user=Depends(page("nesting"))):
        job_id = runner.submit("nest", {"material": material or None,
                                        "thickness_mm": float(thickness_mm) if thickness_mm else None,
                                        "time_limit": min(max(time_limit, 1), 600)}, user.username)
        db.rollback()  # end this request's read snapshot: the job row was committed by another connection
        return render(request, "_job.html", user, job=runner.status(db, job_id))

    # ------------------------------------------------------------------ CO2
    @router.get("/co2")
    def co2_page(request: Request, order: str = "", db: Session = Depends(session_dependency),
                 user=Depends(page())):
        factors = co2_service.shop_factors()
        footprint = co2_service.footprint_of_order(db, order, factors) if order else None
        orders = order_service.order_overview(db)
        return render(request, "co2.html", user, months=dashboard_service.co2_months(db), footprint=footprint,
                      order=order, orders=orders, factors=factors,
                      transport_modes=factors.keys("transport_kg_co2_per_tkm"),
                      labels={k: v.get("label", k) for section in ("transport_kg_co2_per_tkm", "grid_kg_co2_per_kwh",
                                                                      "materials_kg_co2_per_kg")
                              for k, v in factors.data.get(section, {}).items() if isinstance(v, dict)},
                      grids=factors.keys("grid_kg_co2_per_kwh"), routes=factors.keys("materials_kg_co2_per_kg"))

    @router.get("/co2/report.pdf")
    def co2_report(request: Request, order: str = "", scenario: str = "", country: str = "CN",
                   route: str = "steel_blast_furnace", grid: str = "CN-2023", mode1: str = "sea_container",
                   km1: float = 19500, mode2: str = "road_truck", km2: float = 150, ballast: bool = False,
                   local_price: float | None = None, import_price: float | None = None, local_ladder: int = 0,
                   db: Session = Depends(session_dependency), user=Depends(page())):
        from importlib import resources

        from ..co2 import scenario_from_file
        from ..documents.co2_report import comparison_pdf

        factors = co2_service.shop_factors()
        if scenario == "sluisdeuren":
            path = resources.files("maakbaar.data").joinpath("scenarios/sluisdeuren-ijmuiden.json")
            result = scenario_from_file(str(path), factors)
            name = "sluisdeuren-ijmuiden"
        elif order:
            legs = [(mode1, km1, ballast, ballast)] + ([(mode2, km2, False, False)] if km2 > 0 else [])
            result = co2_service.compare_order(db, order, country, route, grid, legs, factors, local_price,
                                               import_price, local_ladder, 0)
            name = f"co2-{order}"
        else:
            raise InvalidInput("choose an order or the lock doors scenario", code="co2_page.choose")
        language = quoting.document_language(document_language_of(request)) or language_of(request)
        return Response(comparison_pdf(result, language), media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})

    # ------------------------------------------------------------------ master data
    @router.get("/masterdata")
    def masterdata_page(request: Request, tab: str = "machines", db: Session = Depends(session_dependency),
                        user=Depends(page())):
        repos = Repositories(db)
        operators = repos.operators.list()
        types = [t for t in WorkCenterType if t != WorkCenterType.SUBCONTRACT]
        return render(request, "masterdata.html", user, tab=tab, machines=repos.machines.list(),
                      work_centers={w.code: w for w in repos.work_centers.list()}, calendars=repos.calendars.list(),
                      operators=operators, types=types, materials=repos.materials.list(),
                      stock=sorted(repos.stock.list(), key=lambda s: (s.material, s.thickness_mm, s.kind.value, s.code)),
                      costs=cost_service.values(db) if tab == "rates" else [],
                      speeds=cost_service.speed_values(db) if tab == "rates" else {},
                      customers=repos.customers.list(), may_edit=user.may("masterdata"),
                      parts=repos.parts.list() if tab == "parts" else [],
                      may_change=user.may(masterdata_service.kind(tab).permission
                                          if tab in masterdata_service.KINDS else "masterdata"),
                      saved=request.query_params.get("saved", ""), deleted=request.query_params.get("deleted", ""),
                      costs_saved=request.query_params.get("costs_saved", ""))

    @router.get("/masterdata/export.xlsx")
    def masterdata_export(db: Session = Depends(session_dependency), user=Depends(page())):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "maakbaar-export.xlsx"
            tabular.export_xlsx(db, path)
            data = path.read_bytes()
        return Response(data, media_type=tabular.XLSX,
                        headers={"Content-Disposition": 'attachment; filename="maakbaar-export.xlsx"'})

    @router.get("/masterdata/import/template.xlsx")
    def masterdata_import_template(request: Request, user=Depends(page())):
        """The onboarding workbook in the reader's language, today's dates in its examples."""
        lang = language_of(request)
        data = workbook_template.template_workbook(lang, clock.today())
        name = "maakbaar-werkmap.xlsx" if lang == "nl" else "maakbaar-workbook.xlsx"
        return Response(data, media_type=tabular.XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @router.post("/masterdata/import")
    def masterdata_import(request: Request, file: UploadFile = File(...), db: Session = Depends(session_dependency),
                          user=Depends(page("masterdata"))):
        """Step 1: the file is kept under a name the server chooses and checked in full; the page shows what
        would be added and updated, or every bad row. Nothing is stored yet."""
        shown = uploads.shown_name(file.filename or "import")
        try:
            token, shown, counts = tabular.preview_upload(db, file.filename or "import", file.file)
        except ImportProblem as error:
            db.rollback()
            return render(request, "import_result.html", user, status_code=422, problems=error.problems[:200],
                          counts=None, file_name=shown, token=None, stage="refused")
        except InvalidInput as error:
            if error.code != "import_kind":
                raise
            return render(request, "import_result.html", user, status_code=422, problems=[error.reason], counts=None,
                          file_name=shown, token=None, stage="refused")
        db.rollback()  # the preview stores nothing
        return render(request, "import_result.html", user, problems=[], counts=counts, file_name=shown,
                      token=token, stage="preview")

    @router.post("/masterdata/import/confirm")
    def masterdata_import_confirm(request: Request, token: str = Form(...), db: Session = Depends(session_dependency),
                                  user=Depends(page("masterdata"))):
        """Step 2: the previewed file is imported in one transaction (checked again: the shop may have changed
        since the preview), then removed."""
        path, shown = uploads.kept_import(token)
        try:
            counts = tabular.confirm_upload(db, path, shown)
        except ImportProblem as error:
            db.rollback()
            return render(request, "import_result.html", user, status_code=422, problems=error.problems[:200],
                          counts=None, file_name=shown, token=None, stage="refused")
        db.commit()
        uploads.forget_import(path)
        return render(request, "import_result.html", user, problems=[], counts=counts, file_name=shown, token=None,
                      stage="stored")

    @router.post("/masterdata/operators/{code}/skill")
    def operator_skill(code: str, work_center_type: str = Form(...), level: int = Form(...),
                       db: Session = Depends(session_dependency), user=Depends(page("masterdata"))):
        masterdata_service.set_skill(db, code, WorkCenterType(work_center_type), level)
        db.commit()
        level_text = str(level) if level else "-"
        return HTMLResponse(f'<span class="skill level{level}">{level_text}</span>')

    # ------------------------------------------------------------------ users
    def users_values(db: Session) -> dict:
        return dict(users=user_service.list_users(db), roles=user_service.ROLES,
                    operators=[(o.code, o.name) for o in Repositories(db).operators.list()])

    def user_refused(request: Request, user, db: Session, error: Exception, name: str, status: int, **values):
        db.rollback()
        message = message_in(error, language_of(request))
        return render(request, name, user, status_code=status, **users_values(db), **values,
                      error="; ".join(message) if isinstance(message, list) else message)

    @router.get("/users")
    def users_page(request: Request, db: Session = Depends(session_dependency), user=Depends(page("users"))):
        return render(request, "users.html", user, **users_values(db), error=None, form={})

    @router.post("/users")
    def users_add(request: Request, username: str = Form(...), password: str = Form(...), role: str = Form(...),
                  display_name: str = Form(""), badge: str = Form(""), pin: str = Form(""),
                  operator_code: str = Form(""), language: str = Form("nl"), db: Session = Depends(session_dependency),
                  user=Depends(page("users"))):
        try:
            user_service.create_user(db, username, password, role, display_name, badge.strip() or None,
                                     pin.strip() or None, operator_code or None,
                                     language if language in LANGUAGES else "nl")
            db.commit()
        except user_service.UserError as error:
            return user_refused(request, user, db, error, "users.html", 422,
                                form={"username": username, "display_name": display_name, "role": role,
                                      "badge": badge, "operator_code": operator_code, "language": language})
        return RedirectResponse("/users", status_code=303)

    @router.get("/users/{username}")
    def user_page(username: str, request: Request, db: Session = Depends(session_dependency),
                  user=Depends(page("users"))):
        shown = user_service.user_named(db, username)
        return render(request, "user_edit.html", user, **users_values(db), shown=shown, form={}, error=None)

    @router.post("/users/{username}")
    async def user_change(username: str, request: Request, db: Session = Depends(session_dependency),
                          user=Depends(page("users"))):
        return await _with_form(request, _change_user, username, request, db, user)

    def _change_user(form: dict, username: str, request: Request, db: Session, user):
        """Name, role, language, badge, operator and switched on or off; a new PIN or password only when typed;
        a locked account lifted when ticked. The version read with the form guards against a stale edit."""
        shown = user_service.user_named(db, username)
        changes = {"display_name": form.get("display_name", "").strip() or username,
                   "role": form.get("role", shown.role), "active": form.get("active") == "on",
                   "language": form.get("language") if form.get("language") in LANGUAGES else shown.language,
                   "badge": form.get("badge", "").strip(), "operator_code": form.get("operator_code", "")}
        if form.get("pin", "").strip():
            changes["pin"] = form["pin"].strip()
        if form.get("password", ""):
            changes["password"] = form["password"]
        if form.get("unlock") == "on":
            changes["unlock"] = True
        try:
            user_service.update_user(db, username, version_of(form), **changes)
            db.commit()
        except (user_service.UserError, ConflictError) as error:
            return user_refused(request, user, db, error, "user_edit.html",
                                409 if isinstance(error, ConflictError) else 422, shown=shown,
                                form={k: v for k, v in form.items() if k not in ("pin", "password", "csrf_token")})
        return RedirectResponse("/users", status_code=303)

    return router


_ORDER_FIELDS = {"customer": "customer", "customer_reference": "reference", "release_date": "release_date",
                 "due_date": "due_date", "priority": "priority", "notes": "notes", "lines": "lines",
                 "number": "order", "part": "part", "quantity": "quantity"}


def _order_problem(error: dict, t, lang: str, line: int | None = None, rows: list[int] | None = None) -> str:
    """One of the new order's problems in the reader's language, led by the field it is about as the form names
    it ("Onderdeel 2, Aantal: ..."): ``line`` is the form's line a problem of one line is about; ``rows`` the
    form's line of each line of the order. A rule's own text that begins with a field path ("due_date: ...",
    written for the API) has that path put as the form names it."""
    loc = [str(x) for x in error["loc"]]
    if "lines" in loc and loc.index("lines") + 1 < len(loc) and loc[loc.index("lines") + 1].isdigit():
        index = int(loc[loc.index("lines") + 1])
        line = rows[index] if rows and index < len(rows) else index + 1
    text = validation_message(error, lang)
    found = re.match(r"(?:lines\[\d+\]\.)?(\w+): ", text)
    if found and found.group(1) in _ORDER_FIELDS:
        loc = loc + [found.group(1)]
        text = text[found.end():]
    field = next((x for x in reversed(loc) if x in _ORDER_FIELDS and x != "lines"), None)
    label = t(_ORDER_FIELDS[field]) if field else ""
    if line is not None:
        label = f"{t('part')} {line}" + (f", {label}" if label and field != "part" else "")
    return f"{label}: {text}" if label else text


def version_of(form: dict) -> int | None:
    """The version a form was read at (its hidden field), None for a new record."""
    text = str(form.get("version", ""))
    return int(text) if text.isdigit() else None


async def _with_form(request: Request, handler, *args):
    """Read a posted form (free-named fields, such as an order's lines) and run ``handler(form, *args)`` in a
    worker thread, as FastAPI does for plain routes, so the database work never blocks the event loop."""
    form = dict(await request.form())
    return await run_in_threadpool(handler, form, *args)


def _plan_meta(db: Session) -> dict:
    plan = planning_service.current_plan_row(db)
    if plan is None:
        return {"plan": None, "late_orders": None, "unavoidable_orders": None}
    # unavoidable: late in every plan, even with the shop to themselves they end after their due date
    late, unavoidable = planning_board.late_order_counts(db, plan)
    return {"plan": plan, "late_orders": late, "unavoidable_orders": unavoidable}


def _order_form_values(db: Session) -> dict:
    return {"customers": Repositories(db).customers.list(), "parts": Repositories(db).parts.numbers_with_routing()}
