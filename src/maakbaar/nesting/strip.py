"""Strip packing with spyrrow (sparrow): parts on a strip of fixed width and the shortest length.

Used for the ESICUP benchmark, for filling the last sheet of a nest from one side (so the rest stays one
usable remnant), and as "strip cut into sheets" in the sheet benchmark. spyrrow knows no holes, so a part is
packed by its outer contour; every layout is checked with the layout checker before it is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shapely.geometry import polygon as shapely_polygon

from .checker import LayoutViolation, check_layout
from .model import Layout, NestPart, Placement, SheetSpec

STRIP = "strip"


@dataclass(frozen=True)
class StripResult:
    layout: Layout  # placements on sheet "strip" #0, x from the margin onward
    length_mm: float  # used strip length including the margin at both ends
    height_mm: float
    density: float  # part area (outer contours) / used strip area inside the margins
    violations: tuple[LayoutViolation, ...] = ()

    def sheet(self) -> SheetSpec:
        return SheetSpec(STRIP, max(self.length_mm, 1e-9), self.height_mm)


def _orientations(part: NestPart) -> list[float] | None:
    if part.rotations == "fixed":
        return [0.0]
    if part.rotations == "90":
        return [0.0, 90.0, 180.0, 270.0]
    if part.rotations == "180":
        return [0.0, 180.0]
    return None  # free rotation


def strip_nest(parts: list[NestPart], height_mm: float, time_limit: float = 10.0, spacing: float = 0.0,
               margin: float = 0.0, seed: int = 0, workers: int | None = None) -> StripResult:
    """Pack every part (mirroring is not used) on a strip ``height_mm`` high; the strip's length is minimised."""
    import spyrrow

    todo = [p for p in parts if p.quantity > 0]
    if not todo:
        return StripResult(Layout(()), 0.0, height_mm, 0.0)
    items = []
    for index, part in enumerate(todo):
        outer = shapely_polygon.orient(shapely_polygon.Polygon(part.outer), sign=1.0)
        items.append(spyrrow.Item(str(index), [tuple(map(float, p)) for p in outer.exterior.coords],
                                  demand=part.quantity, allowed_orientations=_orientations(part)))
    usable = height_mm - 2 * margin
    instance = spyrrow.StripPackingInstance("maakbaar", strip_height=usable, items=items)
    config = spyrrow.StripPackingConfig(early_termination=True, total_computation_time=max(1, math.ceil(time_limit)),
                                        min_items_separation=spacing or None, num_workers=workers, seed=seed)
    solution = instance.solve(config)
    placements = []
    for placed in solution.placed_items:
        part = todo[int(placed.id)]
        dx, dy = placed.translation
        placements.append(Placement(part.name, STRIP, 0, dx + margin, dy + margin, placed.rotation % 360.0))
    layout = Layout(tuple(placements))
    by_name = {p.name: p for p in todo}
    right = max((p.shape(by_name[p.part]).bounds[2] for p in placements), default=margin)
    length = right + margin
    outer_area = sum(shapely_polygon.Polygon(by_name[p.part].outer).area for p in placements)
    density = outer_area / ((right - margin) * usable) if right > margin else 0.0
    result = StripResult(layout, length, height_mm, density)
    violations = check_layout(layout, by_name, {STRIP: result.sheet()}, spacing, margin, tolerance=1e-3)
    return StripResult(layout, length, height_mm, density, tuple(violations))
