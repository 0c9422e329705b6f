"""Orders beyond their record routes: the overview with plan dates, one order in full, release, promise."""

from __future__ import annotations

import datetime as dt
import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ...services import cache, dashboard_service, order_service, planning_service
from ...store.db import Session
from ..i18n import api_language
from .common import Dependencies, why_late


def router(deps: Dependencies) -> APIRouter:
    routes = APIRouter()
    session, need = deps.session, deps.need

    @routes.get("/orders-overview", tags=["orders"])
    def orders_overview(request: Request, status: str | None = None, customer: str | None = None,
                        late: bool | None = None, due_before: dt.date | None = None, include_closed: bool = False,
                        db: Session = Depends(session), _=Depends(need("read"))):
        overview = dashboard_service.order_overview_entry(db, include_closed=include_closed or bool(status))
        lang = api_language(request)

        def answer() -> str:  # once per overview and filter: hundreds of rows
            rows = order_service.filter_orders(overview.value, status, customer, late, due_before)
            return "[" + ", ".join(cache.per_item(f"order-json-{lang}", rows, lambda o: json.dumps(
                dict(vars(o), status=o.status.value, **why_late(o.late_reason, lang)), default=str))) + "]"

        content = cache.cached("orders-json", (status, customer, late, due_before, include_closed, lang),
                               overview.stamp, 600, answer)
        return Response(content, media_type="application/json")

    @routes.get("/orders/{number}/detail", tags=["orders"])
    def order_detail(number: str, request: Request, db: Session = Depends(session), _=Depends(need("read"))):
        detail = order_service.order_detail(db, number)
        return dict(detail, **why_late(detail.get("late_reason"), api_language(request)))

    @routes.post("/orders/{number}/release", tags=["orders"])
    def release(number: str, db: Session = Depends(session), _=Depends(need("orders"))):
        work_orders = order_service.release_order(db, number)
        db.commit()
        return {"order": number, "work_orders": [w.number for w in work_orders]}

    @routes.get("/orders/{number}/promise", tags=["planning"])
    def promise(number: str, db: Session = Depends(session), _=Depends(need("read"))):
        answer = planning_service.promise_order(db, number)
        return {"order": number, "earliest_without_harm": answer.earliest,
                "earliest_top_priority": answer.top_priority,
                "slipping": [{"order": o, "minutes": m} for o, m in answer.slipping]}

    return routes
