"""Nests: the stored ones with their sheets (as PNG, SVG or DXF for the laser) and starting a new nest run."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ...services import nesting_service
from ...store.db import Session
from ...services.errors import NotFound
from ..i18n import api_language
from ..security import RowId
from .common import Dependencies, written


class NestIn(BaseModel):
    material: str | None = None
    thickness_mm: float | None = Field(default=None, gt=0)
    time_limit: float = Field(default=10, gt=0, le=600)


def nest_summary(row) -> dict:
    return {"id": row.id, "created_at": row.created_at, "material": row.material, "thickness_mm": row.thickness_mm,
            "status": row.status, "method": row.method, "sheets": len(row.sheets), "utilisation": row.utilisation,
            "sheet_cost": row.sheet_cost, "remnant_area_mm2": row.remnant_area_mm2,
            "scrap_area_mm2": row.scrap_area_mm2}


def router(deps: Dependencies) -> APIRouter:
    routes = APIRouter()
    session, need = deps.session, deps.need

    @routes.get("/nests", tags=["nesting"])
    def nests(db: Session = Depends(session), _=Depends(need("read"))):
        return [nest_summary(r) for r in nesting_service.nest_rows(db)]

    @routes.get("/nests/{nest_id}", tags=["nesting"])
    def nest(nest_id: RowId, request: Request, db: Session = Depends(session), _=Depends(need("read"))):
        row = nesting_service.nest_row(db, nest_id)
        lang = api_language(request)
        # notes and unplaced parts' reasons in the reader's language, with their codes (notes_codes, [part, code])
        notes = [written(note, lang) for note in row.notes or []]
        return dict(nest_summary(row), notes=[text for text, _code in notes],
                    notes_codes=[code for _text, code in notes],
                    unplaced=[[name, *written(why, lang)] for name, why in row.unplaced or []],
                    sheets=[{"position": s.position, "stock_code": s.stock_code, "parts": s.part_count,
                             "utilisation": s.part_area_mm2 / s.sheet_area_mm2, "cut_minutes": s.cut_seconds / 60,
                             "cost": s.cost, "remnant": s.offcut,
                             "png": f"/api/nests/{row.id}/sheets/{s.position}.png",
                             "svg": f"/api/nests/{row.id}/sheets/{s.position}.svg",
                             "dxf": f"/api/nests/{row.id}/sheets/{s.position}.dxf"} for s in row.sheets],
                    lines=[{"order": ln.order_number, "line": ln.line_no, "part": ln.part_number,
                            "quantity": ln.quantity, "material_cost": ln.material_cost} for ln in row.lines])

    @routes.get("/nests/{nest_id}/sheets/{position}.{fmt}", tags=["nesting"])
    def nest_sheet(nest_id: RowId, position: RowId, fmt: str, db: Session = Depends(session),
                   _=Depends(need("read"))):
        from ...nesting.output import sheet_dxf, sheet_png, sheet_svg

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
        raise NotFound("format must be png, svg or dxf", code="nest.format", format=fmt)

    @routes.post("/nests", tags=["nesting"], status_code=202)
    def start_nest(body: NestIn = Body(default=NestIn()), user=Depends(need("nesting"))):
        return {"job": deps.runner.submit("nest", body.model_dump(), user.username)}

    return routes
