"""Remnants (restplaten): fill the last sheet from one side, then cut off what is left as stock.

A shop keeps the rest of a sheet only when it is worth the rack space: at least a minimum length, width and
area. The cut is straight, across the sheet, one spacing (kerf and clearance) past the last part, either
across the length (the usual case) or across the width, whichever leaves the larger remnant.
"""

from __future__ import annotations

from dataclasses import dataclass

from shapely import affinity
from shapely.geometry import Polygon, box
from shapely.ops import unary_union

from ..reasons import Reason, size
from .checker import check_layout
from .model import Layout, NestPart, Placement, SheetSpec
from .strip import strip_nest


@dataclass(frozen=True)
class RemnantRule:
    min_length_mm: float = 300.0
    min_width_mm: float = 200.0
    min_area_mm2: float = 150_000.0

    def keeps(self, length: float, width: float, area: float) -> bool:
        return length >= self.min_length_mm and width >= self.min_width_mm and area >= self.min_area_mm2


@dataclass(frozen=True)
class Offcut:
    sheet: str  # code of the sheet it is cut from
    sheet_index: int
    spec: SheetSpec  # the remnant as a new sheet, origin at its own corner, length along x
    cut_at: float  # mm from the sheet's origin, along x (axis "x") or y (axis "y")
    axis: str

    @property
    def area(self) -> float:
        return self.spec.polygon.area


def _normalised(shape: Polygon) -> tuple[Polygon, bool]:
    """Move to the origin; turn a quarter so that the longer side runs along x. Returns (shape, is rectangle)."""
    x0, y0, x1, y1 = shape.bounds
    shape = affinity.translate(shape, -x0, -y0)
    if (y1 - y0) > (x1 - x0):
        shape = affinity.rotate(shape, 90, origin=(0, 0))
        bx0, by0, _bx1, _by1 = shape.bounds
        shape = affinity.translate(shape, -bx0, -by0)
    shape = shape.simplify(0.01)
    minx, miny, maxx, maxy = shape.bounds
    return shape, abs(shape.area - (maxx - minx) * (maxy - miny)) < 1e-3 * max(shape.area, 1.0)


def offcut(layout: Layout, parts: dict[str, NestPart], sheet: SheetSpec, index: int, spacing: float,
           rule: RemnantRule, code: str) -> Offcut | None:
    """The remnant left after cutting straight past the parts on ``sheet`` #``index``, if worth keeping."""
    shapes = [p.shape(parts[p.part]) for p in layout.placements if p.sheet == sheet.code and p.sheet_index == index]
    outline = sheet.polygon
    sx0, sy0, sx1, sy1 = outline.bounds
    if shapes:
        ux0, uy0, ux1, uy1 = unary_union(shapes).bounds
    else:
        ux1, uy1 = sx0 - spacing, sy0 - spacing
    best = None
    for axis, cut in (("x", ux1 + spacing), ("y", uy1 + spacing)):
        window = box(cut, sy0 - 1, sx1 + 1, sy1 + 1) if axis == "x" else box(sx0 - 1, cut, sx1 + 1, sy1 + 1)
        rest = outline.intersection(window)
        if rest.is_empty:
            continue
        if rest.geom_type != "Polygon":  # an irregular remnant can fall apart: keep the largest piece
            rest = max(getattr(rest, "geoms", []), key=lambda g: g.area, default=None)
            if rest is None or rest.geom_type != "Polygon":
                continue
        shape, rectangular = _normalised(rest)
        _x0, _y0, length, width = shape.bounds
        if not rule.keeps(length, width, shape.area):
            continue
        spec = SheetSpec(code, round(length, 1), round(width, 1), 1,
                         None if rectangular else tuple((round(x, 1), round(y, 1))
                                                        for x, y in shape.exterior.coords[:-1]),
                         remnant=True, cost=sheet.cost * shape.area / outline.area if outline.area else 0.0,
                         material=sheet.material, thickness_mm=sheet.thickness_mm)
        if spec.outline is not None and not spec.polygon.is_valid:
            continue
        if best is None or spec.polygon.area > best.area:
            best = Offcut(sheet.code, index, spec, cut, axis)
    return best


def fill_from_one_side(layout: Layout, parts: dict[str, NestPart], sheets: dict[str, SheetSpec], spacing: float,
                       margin: float, time_limit: float, rule: RemnantRule) -> tuple[Layout, Reason | None]:
    """Re-pack the least used sheet from its origin side (strip packing) when that leaves a larger remnant.

    Returns the (checked) layout to use and a note when the sheet was re-packed.
    """
    used = layout.sheets_used()
    candidates = [(code, i) for code, i in used if sheets[code].outline is None]
    if not candidates:
        return layout, None

    def part_area(code, i):
        return sum(parts[p.part].area for p in layout.placements if p.sheet == code and p.sheet_index == i)

    code, index = min(candidates, key=lambda key: part_area(*key) / sheets[key[0]].polygon.area)
    sheet = sheets[code]
    on_sheet = [p for p in layout.placements if p.sheet == code and p.sheet_index == index]
    before = offcut(layout, parts, sheet, index, spacing, rule, "before")
    counts: dict[str, int] = {}
    for p in on_sheet:
        counts[p.part] = counts.get(p.part, 0) + 1
    strip_parts = [NestPart(name, parts[name].outer, (), n, parts[name].rotations) for name, n in counts.items()]
    try:
        strip = strip_nest(strip_parts, sheet.width_mm, time_limit, spacing, margin, workers=2)
    except Exception as error:  # noqa: BLE001 - the nest we have stays valid
        return layout, Reason.of("nestnote.fill_failed", error=f"{error.__class__.__name__}: {error}"[:300])
    if strip.violations or len(strip.layout.placements) != len(on_sheet) or strip.length_mm > sheet.length_mm:
        return layout, None
    moved = tuple(Placement(p.part, code, index, p.x, p.y, p.angle, p.mirrored) for p in strip.layout.placements)
    others = tuple(p for p in layout.placements if not (p.sheet == code and p.sheet_index == index))
    candidate = Layout(others + moved, layout.unplaced)
    after = offcut(candidate, parts, sheet, index, spacing, rule, "after")
    if after is None or (before is not None and after.area <= before.area):
        return layout, None
    if check_layout(candidate, parts, sheets, spacing, margin):
        return layout, None
    return candidate, Reason.of("nestnote.filled", sheet=code, index=index + 1, length=size(round(after.spec.length_mm)),
                                width=size(round(after.spec.width_mm)))
