"""Materials and sheet stock."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from ..reasons import size
from .common import Code, DomainModel, MaterialFamily, Name, StockKind, Text, refusal

PositiveFloat = Annotated[float, Field(gt=0)]


class Material(DomainModel):
    """A material grade with its price and embodied CO2, each with where the number came from."""

    grade: Code
    family: MaterialFamily
    name: Name | None = None
    density_kg_m3: float = Field(gt=0, le=25000, description="kg/m3, e.g. 7850 for S235")
    price_per_kg: float = Field(ge=0, le=10000, description="EUR/kg, purchase price of sheet")
    price_date: dt.date
    price_source: Text = ""
    co2_per_kg: float = Field(ge=0, le=1000, description="kg CO2e per kg, cradle to gate")
    co2_source: Text = ""


Point = tuple[float, float]


class StockItem(DomainModel):
    """Sheets or a remnant (restplaat) in the rack: rectangle, or an outline for irregular remnants."""

    code: Code
    material: Code
    thickness_mm: float = Field(gt=0, le=300)
    kind: StockKind = StockKind.SHEET
    length_mm: PositiveFloat
    width_mm: PositiveFloat
    outline: tuple[Point, ...] | None = Field(
        default=None, description="closed polygon in mm (first point not repeated) for an irregular remnant"
    )
    quantity: int = Field(ge=0)
    heat_number: Text = ""
    certificate_ref: Text = ""
    location: Text = ""
    price_per_sheet: float | None = Field(default=None, ge=0)

    @field_validator("outline")
    @classmethod
    def _outline_is_a_polygon(cls, outline):
        if outline is None:
            return outline
        if len(outline) < 3:
            raise refusal("domain.outline_points", "an outline needs at least 3 points")
        area2 = 0.0
        for (x1, y1), (x2, y2) in zip(outline, outline[1:] + outline[:1]):
            area2 += x1 * y2 - x2 * y1
        if abs(area2) < 1e-6:
            raise refusal("domain.outline_area", "the outline encloses no area")
        return outline

    @model_validator(mode="after")
    def _outline_fits_its_size(self):
        if self.length_mm < self.width_mm:
            raise refusal("domain.length_longer", "length_mm ({length}) must be the longer side, width_mm ({width}) "
                          "the shorter", length=size(self.length_mm), width=size(self.width_mm))
        if self.outline is not None:
            xs = [p[0] for p in self.outline]
            ys = [p[1] for p in self.outline]
            if min(xs) < -1e-6 or min(ys) < -1e-6:
                raise refusal("domain.outline_negative", "outline: coordinates must be >= 0 (origin at the sheet's corner)")
            if max(xs) > self.length_mm + 1e-6 or max(ys) > self.width_mm + 1e-6:
                raise refusal("domain.outline_beyond", "outline: extends beyond {length} x {width} mm given as "
                              "length_mm x width_mm", length=size(self.length_mm), width=size(self.width_mm))
        return self

    @property
    def area_mm2(self) -> float:
        if self.outline is None:
            return self.length_mm * self.width_mm
        area2 = 0.0
        for (x1, y1), (x2, y2) in zip(self.outline, self.outline[1:] + self.outline[:1]):
            area2 += x1 * y2 - x2 * y1
        return abs(area2) / 2
