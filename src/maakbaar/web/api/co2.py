"""CO2 per order and per month, and the local-versus-import comparison for a tender."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from ...services import co2_service
from ...store.db import Session
from ..i18n import api_language
from .common import Dependencies


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


def router(deps: Dependencies) -> APIRouter:
    routes = APIRouter()
    session, need = deps.session, deps.need

    @routes.get("/orders/{number}/co2", tags=["co2"])
    def order_co2(number: str, request: Request, db: Session = Depends(session), _=Depends(need("read"))):
        result = co2_service.footprint_of_order(db, number)
        fp = result.footprint
        return {"order": number, "factor_set": result.factor_set, "product_kg": fp.product_mass_kg,
                "energy_kwh": fp.energy_kwh, "co2_kg": fp.total_kg, "per_kg": fp.per_kg_product,
                "by_component": fp.by_key(),
                "components": [co2_service.component_json(c, api_language(request)) for c in fp.components]}

    @routes.post("/orders/{number}/compare", tags=["co2"])
    def order_compare(number: str, body: CompareIn, request: Request, db: Session = Depends(session),
                      _=Depends(need("read"))):
        result = co2_service.compare_order(db, number, body.country, body.material_route, body.grid,
                                           [(leg.mode, leg.distance_km, leg.dedicated, leg.ballast)
                                            for leg in body.legs], None, body.local_price, body.import_price,
                                           body.local_ladder, body.import_ladder)
        return co2_service.comparison_as_dict(result, api_language(request))

    @routes.get("/co2/months", tags=["co2"])
    def co2_months(db: Session = Depends(session), _=Depends(need("read"))):
        return [dict(vars(m), per_kg=m.per_kg) for m in co2_service.footprint_per_month(db)]

    return routes
