"""Post-calculation (nacalculatie): an order's planned against actual cost, a period's operations, and applying
a correction the bookings suggest to the standard times."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from ...services import postcalc_service
from ...services.errors import InvalidInput
from ...store.db import Session
from .common import Dependencies


class CorrectionIn(BaseModel):
    work_center_type: str
    machine: str = ""
    factor: float = Field(gt=0)


def figure_json(f) -> dict:
    return {"operation": f.key, "work_center_type": f.work_center_type, "machine": f.machine,
            "description": f.description, "quantity": f.quantity, "good": f.good, "scrap": f.scrap,
            "planned_min": f.planned_min, "actual_min": f.actual_min, "actual_setup_min": f.actual_setup_min,
            "actual_run_min": f.actual_run_min, "planned_cost": f.planned_cost, "actual_cost": f.actual_cost,
            "run_ratio": f.run_ratio}


def postcalc_json(result) -> dict:
    return {"order": result.order, "revenue": result.revenue, "material_estimated": result.material_estimated,
            "material_used": result.material_used, "material_note": result.material_note,
            "planned_cost": result.planned_cost, "actual_cost": result.actual_cost, "result": result.result,
            "operations": [figure_json(f) for f in result.operations]}


def router(deps: Dependencies) -> APIRouter:
    routes = APIRouter()
    session, need = deps.session, deps.need

    @routes.get("/orders/{number}/postcalc", tags=["post-calculation"])
    def order_postcalc(number: str, db: Session = Depends(session), _=Depends(need("read"))):
        return postcalc_json(postcalc_service.order_postcalc(db, number))

    @routes.get("/postcalc", tags=["post-calculation"])
    def period(start: dt.date, end: dt.date, min_operations: int = 3, db: Session = Depends(session),
               _=Depends(need("read"))):
        if end < start:
            raise InvalidInput("end before start", field="end", code="error.end_before_start")
        figures, offered = postcalc_service.period_postcalc(db, start, end, min_operations)
        return {"operations": [figure_json(f) for f in figures],
                "corrections": [{"work_center_type": c.work_center_type, "machine": c.machine,
                                 "operations": c.operations, "standard_run_min": c.standard_run_min,
                                 "actual_run_min": c.actual_run_min, "ratio": c.ratio} for c in offered]}

    @routes.post("/postcalc/corrections/apply", tags=["post-calculation"])
    def apply(body: CorrectionIn, db: Session = Depends(session), _=Depends(need("masterdata"))):
        try:
            changed = postcalc_service.apply_correction(db, body.work_center_type, body.machine, body.factor)
        except InvalidInput as error:
            raise InvalidInput(str(error), field="factor", code=error.code, **error.params) from None
        db.commit()
        return {"routing_steps_changed": changed}

    return routes
