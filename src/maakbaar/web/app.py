"""The web app: JSON API and server-rendered pages on one FastAPI application."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .. import __version__
from ..domain import OrderStatus
from ..services import order_service
from ..store.db import session_factory
from .i18n import DEFAULT_LANGUAGE, LANGUAGES, translator

HERE = Path(__file__).parent


class OrderOut(BaseModel):
    number: str
    customer_code: str
    customer_name: str
    customer_reference: str
    order_date: dt.date
    release_date: dt.date
    due_date: dt.date
    status: OrderStatus
    priority: int
    line_count: int
    quantity: int
    value: float
    late: bool
    planned_completion: dt.datetime | None = None
    planned_late: bool | None = None
    late_reason: str = ""


def create_app(engine: Engine) -> FastAPI:
    app = FastAPI(title="maakbaar", version=__version__,
                  description="Production office for metalworking job shops: orders, quotes, planning, nesting.")
    sessions = session_factory(engine)
    templates = Jinja2Templates(directory=HERE / "templates")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def session():
        with sessions() as s:
            yield s

    def language(request: Request, lang: str | None = Query(default=None)) -> str:
        chosen = lang or request.cookies.get("lang") or DEFAULT_LANGUAGE
        return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE

    @app.get("/", include_in_schema=False)
    def home():
        return RedirectResponse("/orders")

    @app.get("/api/health", tags=["system"])
    def health(db: Session = Depends(session)) -> dict:
        db.connection()
        return {"status": "ok", "version": __version__}

    @app.get("/api/orders", tags=["orders"], response_model=list[OrderOut])
    def list_orders(include_closed: bool = False, db: Session = Depends(session)):
        return [OrderOut(**{k: v for k, v in vars(o).items() if k != 'days_left'})
                for o in order_service.order_overview(db, include_closed=include_closed)]

    @app.get("/orders", response_class=HTMLResponse, include_in_schema=False)
    def orders_page(request: Request, lang: str = Depends(language), db: Session = Depends(session)):
        orders = order_service.order_overview(db)
        response = templates.TemplateResponse(request, "orders.html", {
            "t": translator(lang), "lang": lang, "other_lang": "en" if lang == "nl" else "nl",
            "orders": orders, "late_count": sum(o.late for o in orders),
            "total_value": f"{sum(o.value for o in orders):,.0f}".replace(",", "."),
        })
        if request.query_params.get("lang") in LANGUAGES:
            response.set_cookie("lang", lang, samesite="lax", max_age=365 * 24 * 3600)
        return response

    return app
