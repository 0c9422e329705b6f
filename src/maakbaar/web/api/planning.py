"""Planning: the current plan, the board's data, the shop's objective order, starting a plan in the background,
moving and unpinning operations, a machine breakdown, and the background jobs' progress."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from pydantic import AfterValidator, BaseModel, Field

from ...services.errors import InvalidInput, NotFound, NotFoundError
from ...services import cache, planning_board, planning_service
from ...store.db import Session
from .. import board
from ..freshness import saw_latest
from ..i18n import api_language
from ..security import RowId
from .common import Dependencies, written


def _objective_list(value: list[str]) -> list[str]:
    """Objectives as a user gave them, checked by the engine's own reading (``problem.objective_order``)."""
    from ...planning.problem import objective_order

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


class MoveIn(BaseModel):
    machine: str
    start: dt.datetime


class DowntimeIn(BaseModel):
    start: dt.datetime
    end: dt.datetime
    reason: str = Field(default="storing", max_length=200)


def router(deps: Dependencies) -> APIRouter:
    routes = APIRouter()
    session, need, runner = deps.session, deps.need, deps.runner

    @routes.get("/plans/current", tags=["planning"])
    def current_plan(request: Request, db: Session = Depends(session), _=Depends(need("read"))):
        row = planning_service.current_plan_row(db)
        if row is None:
            raise NotFound("no plan yet: start one (POST /api/plans)", code="plan.none_yet")
        return {"id": row.id, "created_at": row.created_at, "origin": row.origin, "status": row.status,
                "method": row.method, "late_jobs": row.late_jobs, "tardiness_min": row.tardiness_min,
                # weighted minutes late no plan avoids (planning.bounds); null for plans stored before it
                "unavoidable_tardiness_min": row.unavoidable_tardiness_min,
                # machines late orders must share, where hours would help: [{machine, orders, minutes}]
                "shared_machines": row.shared_machines,
                "setup_min": row.setup_min, "elapsed_s": row.elapsed_s,
                # jobs left out of the plan: [{job, order, reason (in the reader's language), reason_code}]
                "unplanned": [unplanned_job(u, api_language(request)) for u in row.unplanned or []],
                # pins this plan could not keep (now unpinned): [{operation, order, reason, detail}]
                "dropped_pins": row.dropped_pins}

    @routes.get("/plans/current/board", tags=["planning"])
    def board_data(start: dt.datetime | None = None, days: int = Query(default=14, ge=1, le=60),
                   db: Session = Depends(session), _=Depends(need("read"))):
        content = cache.cached("board", (start, days), cache.data_version(db, *board.TOPICS), 600,
                               lambda s: json.dumps(board.board_data(s, start, days), default=str), db)
        return Response(content, media_type="application/json")

    @routes.get("/settings/planning", tags=["planning"])
    def planning_settings(db: Session = Depends(session), _=Depends(need("read"))):
        from ...planning.problem import CRITERIA

        return {"objectives": list(planning_service.shop_objectives(db)), "choices": list(CRITERIA)}

    @routes.put("/settings/planning", tags=["planning"])
    def change_planning_settings(body: ObjectivesIn, db: Session = Depends(session), _=Depends(need("planning"))):
        order = planning_service.set_shop_objectives(db, body.objectives)
        db.commit()
        return {"objectives": list(order)}

    @routes.post("/plans", tags=["planning"], status_code=202)
    def start_plan(body: JobIn = Body(default=JobIn()), user=Depends(need("planning"))):
        return {"job": runner.submit("plan", body.model_dump(), user.username)}

    @routes.post("/plans/current/operations/{op_key:path}/move", tags=["planning"])
    def move(op_key: str, body: MoveIn, request: Request, db: Session = Depends(session),
             _=Depends(need("planning"))):
        result = board.move_operation(db, op_key, body.machine, body.start, api_language(request))
        db.commit()
        return result

    @routes.post("/plans/current/operations/{op_key:path}/unpin", tags=["planning"])
    def unpin(op_key: str, db: Session = Depends(session), _=Depends(need("planning"))):
        """Let the next replan place this operation again (it was pinned by a move)."""
        unpinned = planning_service.unpin_operation(db, op_key)
        db.commit()
        return {"operation": op_key, "unpinned": unpinned}

    @routes.post("/orders/{number}/unpin", tags=["planning"])
    def unpin_order(number: str, db: Session = Depends(session), _=Depends(need("planning"))):
        """Unpin every pinned operation of the order."""
        unpinned = planning_service.unpin_order(db, number)
        db.commit()
        return {"order": number, "unpinned": unpinned}

    @routes.post("/machines/{code}/downtimes", tags=["planning"], status_code=201)
    def machine_down(code: str, body: DowntimeIn, db: Session = Depends(session), _=Depends(need("planning"))):
        if body.end <= body.start:
            raise InvalidInput("end must be after start", field="end", code="error.end_before_start")
        planning_service.add_downtime(db, code, body.start, body.end, body.reason)
        affected = planning_board.operations_in(db, code, body.start, body.end)
        db.commit()
        return {"machine": code, "start": body.start, "end": body.end, "affected_operations": affected}

    @routes.get("/jobs", tags=["jobs"])
    def jobs(db: Session = Depends(session), _=Depends(need("read"))):
        return runner.recent(db)

    @routes.get("/jobs/{job_id}", tags=["jobs"])
    def job(job_id: RowId, request: Request, db: Session = Depends(session), _=Depends(need("read"))):
        status = runner.status(db, job_id)
        if status is None:
            raise NotFoundError("job", job_id)
        if status["status"] in ("done", "failed"):
            saw_latest(request)  # what the client reads next must show what the job changed
        return status

    return routes


def unplanned_job(stored: dict, lang: str) -> dict:
    """A job the plan left out, as stored (its reason as JSON, or text from an older plan), for the API."""
    text, code = written(stored.get("reason"), lang)
    return {"job": stored.get("job"), "order": stored.get("order"), "reason": text, "reason_code": code}
