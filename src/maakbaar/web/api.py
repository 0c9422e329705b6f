"""The JSON API: everything the pages do, documented at /docs. Every route names the permission it needs.

Validation errors are 422 with the field, unknown records 404, a duplicate or an edit of a changed record 409
(send the version you read as ``If-Match`` or ``?version=``), a bad request the shop can fix 400.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

from fastapi import APIRouter, Body, Depends, File, Form, Header, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import AfterValidator, BaseModel, Field

from ..domain import (
    Calendar,
    Customer,
    Machine,
    Material,
    Operator,
    Order,
    Part,
    Quote,
    StockItem,
    WorkCenter,
    WorkOrder,
)
from ..services import (cache, co2_service, dashboard_service, nesting_service, order_service, planning_board,
                        planning_service, quoting, uploads, user_service)
from ..services.errors import InvalidInput
from ..services.order_service import OrderDraft
from ..store.db import Session
from ..store.repositories import Repositories
from . import board
from .uploads import THICKEST_SHEET_MM, quote_answer, stored_uploads
from .security import (
    LoginRefused,
    RowId,
    api_permission,
    checked_log_in,
    csrf_token,
    log_in,
    log_out_everywhere,
    refused_text,
    user_from_request,
)

# kind in the URL -> (repository attribute, domain model, permission to change)
RESOURCES: dict[str, tuple[str, type, str]] = {
    "materials": ("materials", Material, "masterdata"),
    "calendars": ("calendars", Calendar, "masterdata"),
    "work-centers": ("work_centers", WorkCenter, "masterdata"),
    "machines": ("machines", Machine, "masterdata"),
    "operators": ("operators", Operator, "masterdata"),
    "customers": ("customers", Customer, "orders"),
    "stock": ("stock", StockItem, "stock"),
    "parts": ("parts", Part, "quotes"),
    "orders": ("orders", Order, "orders"),
    "work-orders": ("work_orders", WorkOrder, "planning"),
    "quotes": ("quotes", Quote, "quotes"),
}


class LoginIn(BaseModel):
    username: str
    password: str


class UserOut(BaseModel):
    username: str
    display_name: str
    role: str
    active: bool
    language: str
    badge: str | None = None
    operator_code: str | None = None
    version: int
    locked: bool = False


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=40)
    password: str = Field(min_length=user_service.MIN_PASSWORD)
    role: str
    display_name: str = ""
    badge: str | None = None
    pin: str | None = None
    operator_code: str | None = None
    language: str = "nl"


class UserChange(BaseModel):
    display_name: str | None = None
    role: str | None = None
    active: bool | None = None
    password: str | None = None
    pin: str | None = None
    badge: str | None = None
    language: str | None = None
    unlock: bool | None = Field(default=None, description="lift the lock after too many wrong passwords or PINs")


def _objective_list(value: list[str]) -> list[str]:
    """Objectives as a user gave them, checked by the engine's own reading (``problem.objective_order``)."""
    from ..planning.problem import objective_order

    return list(objective_order(value))


Objectives = Annotated[list[str], AfterValidator(_objective_list)]


class JobIn(BaseModel):
    time_limit: float = Field(default=10, gt=0, le=600)
    mode: str = Field(default="replan", pattern="^(full|replan)$")
    objectives: Objectives | None = Field(
        default=None, description="objectives in order of importance, each of late_jobs, tardiness, setup, "
        "flow_time at most once (default: the shop's order, see /api/settings/planning)")


class ObjectivesIn(BaseModel):
    objectives: Objectives = Field(description="the shop's objectives in order of importance, each of late_jobs, "
                                               "tardiness, setup, flow_time at most once")


class NestIn(BaseModel):
    material: str | None = None
    thickness_mm: float | None = Field(default=None, gt=0)
    time_limit: float = Field(default=10, gt=0, le=600)


class MoveIn(BaseModel):
    machine: str
    start: dt.datetime


class DowntimeIn(BaseModel):
    start: dt.datetime
    end: dt.datetime
    reason: str = Field(default="storing", max_length=200)


class QuoteOrderIn(BaseModel):
    quantities: dict[int, int] = Field(default_factory=dict, description="quote line number -> quantity ordered")
    due_date: dt.date | None = None
    priority: int = Field(default=3, ge=1, le=5)


class LegIn(BaseModel):
    mode: str
    distance_km: float = Field(gt=0, le=50000)
    dedicated: bool = False
    ballast: bool = False


class CompareIn(BaseModel):
    country: str = "CN"
    material_route: str = "steel_blast_furnace"
    grid: str = "CN-2023"
    legs: list[LegIn] = [LegIn(mode="sea_container", distance_km=19500), LegIn(mode="road_truck", distance_km=150)]
    local_price: float | None = Field(default=None, ge=0)
    import_price: float | None = Field(default=None, ge=0)
    local_ladder: int = Field(default=0, ge=0, le=5)
    import_ladder: int = Field(default=0, ge=0, le=5)


def _version(if_match: str | None, version: int | None) -> int | None:
    if version is not None:
        return version
    if if_match:
        try:
            return int(if_match.strip('"W/ '))
        except ValueError:
            raise InvalidInput(f"If-Match must be the version number you read, not {if_match!r}") from None
    return None


def build_router(session_dependency, runner) -> APIRouter:
    router = APIRouter(prefix="/api")

    def need(permission: str):
        return api_permission(permission, session_dependency)

    # ------------------------------------------------------------------ log-in
    @router.post("/login", tags=["users"])
    def login(request: Request, body: LoginIn, db: Session = Depends(session_dependency)):
        try:
            user = checked_log_in(request, db, body.username, body.password)
        except LoginRefused as refused:
            wait = {"Retry-After": str(refused.minutes * 60)} if refused.minutes else None
            raise HTTPException(refused.status, refused_text(refused, "en"), headers=wait) from None
        user_service.record_login(user_service.separate_sessions(db), user.id, body.password)
        log_in(request, user)
        return {"username": user.username, "role": user.role, "csrf_token": csrf_token(request)}

    @router.post("/logout", tags=["users"])
    def logout(request: Request, db: Session = Depends(session_dependency)):
        """Ends every session of the user (a copied cookie stops working too)."""
        log_out_everywhere(request, db)
        return {"ok": True}

    @router.get("/me", tags=["users"])
    def me(request: Request, db: Session = Depends(session_dependency)):
        user = user_from_request(request, db)
        if user is None:
            raise HTTPException(401, "not logged in")
        return {"username": user.username, "display_name": user.display_name, "role": user.role,
                "csrf_token": csrf_token(request)}

    @router.get("/health", tags=["system"])
    def health(db: Session = Depends(session_dependency)) -> dict:
        from .. import __version__

        db.connection()
        return {"status": "ok", "version": __version__}

    # ------------------------------------------------------------------ users (admin)
    @router.get("/users", tags=["users"], response_model=list[UserOut])
    def users(db: Session = Depends(session_dependency), _=Depends(need("users"))):
        return [UserOut(**u.__dict__) for u in user_service.list_users(db)]

    @router.post("/users", tags=["users"], response_model=UserOut, status_code=201)
    def add_user(body: UserIn, db: Session = Depends(session_dependency), _=Depends(need("users"))):
        user = user_service.create_user(db, body.username, body.password, body.role, body.display_name, body.badge,
                                        body.pin, body.operator_code, body.language)
        db.commit()
        return UserOut(**user.__dict__)

    @router.patch("/users/{username}", tags=["users"], response_model=UserOut)
    def change_user(username: str, body: UserChange, db: Session = Depends(session_dependency),
                    if_match: str | None = Header(default=None), version: int | None = None,
                    _=Depends(need("users"))):
        changes = body.model_dump(exclude_none=True)
        user = user_service.update_user(db, username, _version(if_match, version), **changes)
        db.commit()
        return UserOut(**user.__dict__)

    # ------------------------------------------------------------------ orders
    @router.get("/orders-overview", tags=["orders"])
    def orders_overview(status: str | None = None, customer: str | None = None, late: bool | None = None,
                        due_before: dt.date | None = None, include_closed: bool = False,
                        db: Session = Depends(session_dependency), _=Depends(need("read"))):
        rows = dashboard_service.order_overview(db, include_closed=include_closed or bool(status))
        data = [dict(vars(o), status=o.status.value)
                for o in order_service.filter_orders(rows, status, customer, late, due_before)]
        return Response(json.dumps(data, default=str), media_type="application/json")

    @router.get("/orders/{number}/detail", tags=["orders"])
    def order_detail(number: str, db: Session = Depends(session_dependency), _=Depends(need("read"))):
        return order_service.order_detail(db, number)

    @router.post("/orders/{number}/release", tags=["orders"])
    def release(number: str, db: Session = Depends(session_dependency), _=Depends(need("orders"))):
        work_orders = order_service.release_order(db, number)
        db.commit()
        return {"order": number, "work_orders": [w.number for w in work_orders]}

    @router.get("/orders/{number}/promise", tags=["planning"])
    def promise(number: str, db: Session = Depends(session_dependency), _=Depends(need("read"))):
        answer = planning_service.promise_order(db, number)
        return {"order": number, "earliest_without_harm": answer.earliest,
                "earliest_top_priority": answer.top_priority,
                "slipping": [{"order": o, "minutes": m} for o, m in answer.slipping]}

    @router.get("/orders/{number}/co2", tags=["co2"])
    def order_co2(number: str, db: Session = Depends(session_dependency), _=Depends(need("read"))):
        result = co2_service.footprint_of_order(db, number)
        fp = result.footprint
        return {"order": number, "factor_set": result.factor_set, "product_kg": fp.product_mass_kg,
                "energy_kwh": fp.energy_kwh, "co2_kg": fp.total_kg, "per_kg": fp.per_kg_product,
                "by_component": fp.by_key(),
                "components": [vars(c) for c in fp.components]}

    @router.post("/orders/{number}/compare", tags=["co2"])
    def order_compare(number: str, body: CompareIn, db: Session = Depends(session_dependency),
                      _=Depends(need("read"))):
        result = co2_service.compare_order(db, number, body.country, body.material_route, body.grid,
                                           [(leg.mode, leg.distance_km, leg.dedicated, leg.ballast)
                                            for leg in body.legs], None, body.local_price, body.import_price,
                                           body.local_ladder, body.import_ladder)
        return co2_service.comparison_as_dict(result)

    @router.get("/co2/months", tags=["co2"])
    def co2_months(db: Session = Depends(session_dependency), _=Depends(need("read"))):
        return [dict(vars(m), per_kg=m.per_kg) for m in co2_service.footprint_per_month(db)]

    # ------------------------------------------------------------------ planning
    @router.get("/plans/current", tags=["planning"])
    def current_plan(db: Session = Depends(session_dependency), _=Depends(need("read"))):
        row = planning_service.current_plan_row(db)
        if row is None:
            raise HTTPException(404, "no plan yet: start one (POST /api/plans)")
        return {"id": row.id, "created_at": row.created_at, "origin": row.origin, "status": row.status,
                "method": row.method, "late_jobs": row.late_jobs, "tardiness_min": row.tardiness_min,
                # weighted minutes late no plan avoids (planning.bounds); null for plans stored before it
                "unavoidable_tardiness_min": row.unavoidable_tardiness_min,
                # machines late orders must share, where hours would help: [{machine, orders, minutes}]
                "shared_machines": row.shared_machines,
                "setup_min": row.setup_min, "elapsed_s": row.elapsed_s, "unplanned": row.unplanned,
                # pins this plan could not keep (now unpinned): [{operation, order, reason, detail}]
                "dropped_pins": row.dropped_pins}

    @router.get("/plans/current/board", tags=["planning"])
    def board_data(start: dt.datetime | None = None, days: int = Query(default=14, ge=1, le=60),
                   db: Session = Depends(session_dependency), _=Depends(need("read"))):
        content = cache.cached("board", (cache.data_version(db), start, days), 600,
                                    lambda: json.dumps(board.board_data(db, start, days), default=str))
        return Response(content, media_type="application/json")

    @router.get("/settings/planning", tags=["planning"])
    def planning_settings(db: Session = Depends(session_dependency), _=Depends(need("read"))):
        from ..planning.problem import CRITERIA

        return {"objectives": list(planning_service.shop_objectives(db)), "choices": list(CRITERIA)}

    @router.put("/settings/planning", tags=["planning"])
    def change_planning_settings(body: ObjectivesIn, db: Session = Depends(session_dependency),
                                 _=Depends(need("planning"))):
        order = planning_service.set_shop_objectives(db, body.objectives)
        db.commit()
        return {"objectives": list(order)}

    @router.post("/plans", tags=["planning"], status_code=202)
    def start_plan(body: JobIn = Body(default=JobIn()), user=Depends(need("planning"))):
        return {"job": runner.submit("plan", body.model_dump(), user.username)}

    @router.post("/plans/current/operations/{op_key:path}/move", tags=["planning"])
    def move(op_key: str, body: MoveIn, db: Session = Depends(session_dependency), _=Depends(need("planning"))):
        result = board.move_operation(db, op_key, body.machine, body.start)
        db.commit()
        return result

    @router.post("/plans/current/operations/{op_key:path}/unpin", tags=["planning"])
    def unpin(op_key: str, db: Session = Depends(session_dependency), _=Depends(need("planning"))):
        """Let the next replan place this operation again (it was pinned by a move)."""
        unpinned = planning_service.unpin_operation(db, op_key)
        db.commit()
        return {"operation": op_key, "unpinned": unpinned}

    @router.post("/orders/{number}/unpin", tags=["planning"])
    def unpin_order(number: str, db: Session = Depends(session_dependency), _=Depends(need("planning"))):
        """Unpin every pinned operation of the order."""
        unpinned = planning_service.unpin_order(db, number)
        db.commit()
        return {"order": number, "unpinned": unpinned}

    @router.post("/machines/{code}/downtimes", tags=["planning"], status_code=201)
    def machine_down(code: str, body: DowntimeIn, db: Session = Depends(session_dependency),
                     _=Depends(need("planning"))):
        if body.end <= body.start:
            raise HTTPException(422, [{"loc": ["body", "end"], "msg": "end must be after start",
                                       "type": "value_error"}])
        planning_service.add_downtime(db, code, body.start, body.end, body.reason)
        affected = planning_board.operations_in(db, code, body.start, body.end)
        db.commit()
        return {"machine": code, "start": body.start, "end": body.end, "affected_operations": affected}

    # ------------------------------------------------------------------ jobs
    @router.get("/jobs", tags=["jobs"])
    def jobs(db: Session = Depends(session_dependency), _=Depends(need("read"))):
        return runner.recent(db)

    @router.get("/jobs/{job_id}", tags=["jobs"])
    def job(job_id: RowId, db: Session = Depends(session_dependency), _=Depends(need("read"))):
        status = runner.status(db, job_id)
        if status is None:
            raise HTTPException(404, f"job {job_id} does not exist")
        return status

    # ------------------------------------------------------------------ nesting
    @router.get("/nests", tags=["nesting"])
    def nests(db: Session = Depends(session_dependency), _=Depends(need("read"))):
        return [_nest_summary(r) for r in nesting_service.nest_rows(db)]

    @router.get("/nests/{nest_id}", tags=["nesting"])
    def nest(nest_id: RowId, db: Session = Depends(session_dependency), _=Depends(need("read"))):
        row = nesting_service.nest_row(db, nest_id)
        return dict(_nest_summary(row), notes=row.notes, unplaced=row.unplaced,
                    sheets=[{"position": s.position, "stock_code": s.stock_code, "parts": s.part_count,
                             "utilisation": s.part_area_mm2 / s.sheet_area_mm2, "cut_minutes": s.cut_seconds / 60,
                             "cost": s.cost, "remnant": s.offcut,
                             "png": f"/api/nests/{row.id}/sheets/{s.position}.png",
                             "svg": f"/api/nests/{row.id}/sheets/{s.position}.svg",
                             "dxf": f"/api/nests/{row.id}/sheets/{s.position}.dxf"} for s in row.sheets],
                    lines=[{"order": ln.order_number, "line": ln.line_no, "part": ln.part_number,
                            "quantity": ln.quantity, "material_cost": ln.material_cost} for ln in row.lines])

    @router.get("/nests/{nest_id}/sheets/{position}.{fmt}", tags=["nesting"])
    def nest_sheet(nest_id: RowId, position: RowId, fmt: str, db: Session = Depends(session_dependency),
                   _=Depends(need("read"))):
        from ..nesting.output import sheet_dxf, sheet_png, sheet_svg

        row = nesting_service.nest_row(db, nest_id)
        layout, parts, sheet, cut = nesting_service.layout_of(row, position)
        index = sheet.quantity - 1
        name = f"nest{nest_id}-{position + 1:02d}-{sheet.code}"
        if fmt == "png":
            return Response(sheet_png(layout, parts, sheet, index, cut_line=cut), media_type="image/png")
        if fmt == "svg":
            return Response(sheet_svg(layout, parts, sheet, index), media_type="image/svg+xml")
        if fmt == "dxf":
            return Response(sheet_dxf(layout, parts, sheet, index, cut_line=cut), media_type="application/dxf",
                            headers={"Content-Disposition": f'attachment; filename="{name}.dxf"'})
        raise HTTPException(404, "format must be png, svg or dxf")

    @router.post("/nests", tags=["nesting"], status_code=202)
    def start_nest(body: NestIn = Body(default=NestIn()), user=Depends(need("nesting"))):
        return {"job": runner.submit("nest", body.model_dump(), user.username)}

    # ------------------------------------------------------------------ quoting
    @router.post("/quotes/calculate", tags=["quotes"])
    def calculate(files: list[UploadFile] = File(...), material: str = Form(...),
                  thickness_mm: float = Form(..., gt=0, le=THICKEST_SHEET_MM), quantities: str = Form("1,10,50"),
                  finish: str = Form("none"), weld_length_mm: float = Form(0, ge=0, le=1e6),
                  upload: str | None = Form(None), db: Session = Depends(session_dependency),
                  _=Depends(need("quotes"))):
        folder = stored_uploads(files, upload)
        return quote_answer(db, folder, material, thickness_mm, quantities, finish, weld_length_mm)

    @router.post("/quotes/from-upload", tags=["quotes"], status_code=201)
    def save_quote(upload: str = Form(...), material: str = Form(...),
                   thickness_mm: float = Form(..., gt=0, le=THICKEST_SHEET_MM), quantities: str = Form("1,10,50"),
                   finish: str = Form("none"), weld_length_mm: float = Form(0, ge=0, le=1e6),
                   customer: str = Form(...), db: Session = Depends(session_dependency), _=Depends(need("quotes"))):
        folder = uploads.upload_folder(upload)
        _, quote = quoting.quote_and_save(db, uploads.drawings_in(folder), material, thickness_mm, quantities,
                                          customer, finish, weld_length_mm)
        db.commit()
        return {"quote": quote.number, "parts": [line.part for line in quote.lines]}

    @router.post("/quotes/{number}/order", tags=["quotes"], status_code=201)
    def quote_to_order(number: str, body: QuoteOrderIn = Body(default=QuoteOrderIn()),
                       db: Session = Depends(session_dependency), _=Depends(need("orders"))):
        """The order the customer gave on a quote: per quote line the quantity ordered (default: the first
        break), priced at the largest break not above it; the due date from the lead time unless given."""
        order = quoting.order_from_quote(db, number, body.quantities or None, body.due_date, priority=body.priority)
        db.commit()
        return {"order": order.number, "due_date": order.due_date}

    # ------------------------------------------------------------------ master data and records (last: their
    # /{kind}/{key} routes must not shadow the specific routes above)
    for kind, (attribute, model, permission) in RESOURCES.items():
        _crud(router, kind, attribute, model, permission, session_dependency, need)

    return router


def _nest_summary(row) -> dict:
    return {"id": row.id, "created_at": row.created_at, "material": row.material, "thickness_mm": row.thickness_mm,
            "status": row.status, "method": row.method, "sheets": len(row.sheets), "utilisation": row.utilisation,
            "sheet_cost": row.sheet_cost, "remnant_area_mm2": row.remnant_area_mm2,
            "scrap_area_mm2": row.scrap_area_mm2}


def _crud(router: APIRouter, kind: str, attribute: str, model: type, permission: str, session_dependency, need):
    tag = kind

    def repo(db: Session):
        return getattr(Repositories(db), attribute)

    def out(item, version: int) -> dict:
        return item.model_dump(mode="json") | {"version": version}

    def list_items(db: Session = Depends(session_dependency), _=Depends(need("read"))):
        r = repo(db)
        known = r.versions()
        return [out(item, known.get(r.key_of(item), 1)) for item in r.list()]

    def get_item(key: str, db: Session = Depends(session_dependency), _=Depends(need("read"))):
        r = repo(db)
        item = r.get(key)
        if item is None:
            raise HTTPException(404, f"unknown {r.what} '{key}'")
        return out(item, r.version(key))

    def add_item(item=Body(...), db: Session = Depends(session_dependency), _=Depends(need(permission))):
        if isinstance(item, OrderDraft):  # an order is numbered and dated by its service, as on the page
            item = order_service.create_order(db, item)
        else:
            repo(db).add(item)
        db.commit()
        return out(item, 1)

    def replace_item(key: str, item=Body(...), if_match: str | None = Header(default=None),
                     version: int | None = None, db: Session = Depends(session_dependency),
                     _=Depends(need(permission))):
        r = repo(db)
        if r.key_of(item) != key:
            raise HTTPException(422, [{"loc": ["body", r.key_attr], "type": "value_error",
                                       "msg": f"the key in the body ({r.key_of(item)}) differs from the URL ({key})"}])
        new_version = r.replace(item, _version(if_match, version))
        db.commit()
        return out(item, new_version)

    def delete_item(key: str, db: Session = Depends(session_dependency), _=Depends(need(permission))):
        repo(db).delete(key)
        db.commit()
        return Response(status_code=204)

    # the body's type is the domain model itself: FastAPI validates it (422 with the field) and documents it
    add_item.__annotations__["item"] = OrderDraft if model is Order else model
    replace_item.__annotations__["item"] = model
    router.add_api_route(f"/{kind}", list_items, methods=["GET"], tags=[tag], summary=f"List {kind}")
    router.add_api_route(f"/{kind}/{{key}}", get_item, methods=["GET"], tags=[tag], summary=f"One of {kind}")
    router.add_api_route(f"/{kind}", add_item, methods=["POST"], tags=[tag], status_code=201,
                         summary=f"Add to {kind}")
    router.add_api_route(f"/{kind}/{{key}}", replace_item, methods=["PUT"], tags=[tag],
                         summary=f"Replace one of {kind} (send the version read as If-Match)")
    router.add_api_route(f"/{kind}/{{key}}", delete_item, methods=["DELETE"], tags=[tag], status_code=204,
                         summary=f"Delete one of {kind}")
