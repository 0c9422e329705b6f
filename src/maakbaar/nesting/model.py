"""Plain data for nesting: parts (outline with holes), sheets (rectangles or remnant outlines), placements."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

from shapely import affinity
from shapely.geometry import Polygon, box

from ..reasons import Reason

Point = tuple[float, float]
ROTATIONS = ("free", "90", "180", "fixed")


@dataclass(frozen=True)
class NestPart:
    name: str
    outer: tuple[Point, ...]
    holes: tuple[tuple[Point, ...], ...] = ()
    quantity: int = 1
    rotations: str = "free"  # free, 90 (quarter turns), 180 (half turns: grain kept) or fixed (brushed finish)
    mirror: bool = False
    material: str = ""
    thickness_mm: float = 0.0
    order: str = ""  # which order line(s) the part comes from, for the per-part material cost
    cut_seconds: float = 0.0  # laser time per piece from the quoting model (cutting, piercing, rapids)

    def __post_init__(self):
        if self.rotations not in ROTATIONS:
            raise ValueError(f"{self.name}: rotations must be one of {', '.join(ROTATIONS)}, not {self.rotations!r}")

    @cached_property
    def polygon(self) -> Polygon:
        return Polygon(self.outer, list(self.holes))

    @property
    def area(self) -> float:
        return self.polygon.area


@dataclass(frozen=True)
class SheetSpec:
    code: str
    length_mm: float
    width_mm: float
    quantity: int = 1
    outline: tuple[Point, ...] | None = None  # irregular remnant
    remnant: bool = False
    cost: float = 0.0  # per sheet, EUR
    material: str = ""
    thickness_mm: float = 0.0
    purchase: bool = False  # not in stock: to be ordered (used only when stock runs out)

    @cached_property
    def polygon(self) -> Polygon:
        return Polygon(self.outline) if self.outline else box(0, 0, self.length_mm, self.width_mm)


@dataclass(frozen=True)
class Placement:
    part: str
    sheet: str  # sheet code
    sheet_index: int  # which of that code's sheets (0-based)
    x: float
    y: float
    angle: float = 0.0  # degrees, counter-clockwise about the part's own origin, before moving
    mirrored: bool = False  # mirrored in x before rotating

    def shape(self, part: NestPart) -> Polygon:
        shape = part.polygon
        if self.mirrored:
            shape = affinity.scale(shape, xfact=-1, yfact=1, origin=(0, 0))
        if self.angle:
            shape = affinity.rotate(shape, self.angle, origin=(0, 0))
        return affinity.translate(shape, self.x, self.y)


@dataclass(frozen=True)
class Layout:
    placements: tuple[Placement, ...]
    unplaced: tuple[tuple[str, Reason], ...] = field(default=())  # (part, why: unplaced.*)

    def sheets_used(self) -> list[tuple[str, int]]:
        return sorted({(p.sheet, p.sheet_index) for p in self.placements})

    def utilisation(self, parts: dict[str, NestPart], sheets: dict[str, SheetSpec]) -> float:
        used = self.sheets_used()
        if not used:
            return 0.0
        part_area = sum(parts[p.part].area for p in self.placements)
        return part_area / sum(sheets[code].polygon.area for code, _i in used)


def allowed_angles(part: NestPart) -> tuple[float, ...]:
    if part.rotations == "fixed":
        return (0.0,)
    if part.rotations == "90":
        return (0.0, 90.0, 180.0, 270.0)
    if part.rotations == "180":
        return (0.0, 180.0)
    return tuple(float(a) for a in range(0, 360, 15))


def angle_allowed(part: NestPart, angle: float) -> bool:
    angle = angle % 360
    if part.rotations == "fixed":
        return math.isclose(angle, 0.0, abs_tol=1e-6) or math.isclose(angle, 360.0, abs_tol=1e-6)
    if part.rotations == "90":
        return any(math.isclose(angle, a, abs_tol=1e-6) for a in (0, 90, 180, 270, 360))
    if part.rotations == "180":
        return any(math.isclose(angle, a, abs_tol=1e-6) for a in (0, 180, 360))
    return True
