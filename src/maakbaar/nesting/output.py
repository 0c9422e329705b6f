"""Per-sheet results of a nest: utilisation and an SVG of the layout with part labels."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .model import Layout, NestPart, SheetSpec


@dataclass(frozen=True)
class SheetResult:
    code: str
    index: int
    parts: int
    part_area_mm2: float
    sheet_area_mm2: float

    @property
    def utilisation(self) -> float:
        return self.part_area_mm2 / self.sheet_area_mm2 if self.sheet_area_mm2 else 0.0


def sheet_results(layout: Layout, parts: dict[str, NestPart], sheets: dict[str, SheetSpec]) -> list[SheetResult]:
    out = []
    for code, index in layout.sheets_used():
        placed = [p for p in layout.placements if p.sheet == code and p.sheet_index == index]
        out.append(SheetResult(code, index, len(placed), sum(parts[p.part].area for p in placed),
                               sheets[code].polygon.area))
    return out


def sheet_svg(layout: Layout, parts: dict[str, NestPart], sheet: SheetSpec, index: int, width_px: int = 1200) -> str:
    scale = width_px / sheet.length_mm
    height_px = sheet.width_mm * scale

    def path(points) -> str:
        return "M " + " L ".join(f"{x * scale:.2f},{height_px - y * scale:.2f}" for x, y in points) + " Z"

    shapes, labels = [], []
    for placement in layout.placements:
        if placement.sheet != sheet.code or placement.sheet_index != index:
            continue
        shape = placement.shape(parts[placement.part])
        rings = [shape.exterior.coords[:-1], *(ring.coords[:-1] for ring in shape.interiors)]
        shapes.append(f'<path d="{" ".join(path(r) for r in rings)}" fill="#c9d3dd" stroke="#1d2430" '
                      f'stroke-width="1" fill-rule="evenodd"/>')
        c = shape.representative_point()
        labels.append(f'<text x="{c.x * scale:.1f}" y="{height_px - c.y * scale:.1f}" font-size="11" '
                      f'text-anchor="middle" font-family="sans-serif">{escape(placement.part)}</text>')
    outline = path(sheet.polygon.exterior.coords[:-1])
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height_px:.0f}" '
            f'viewBox="0 0 {width_px} {height_px:.2f}"><path d="{outline}" fill="#f6f7f9" stroke="#6b7480"/>'
            + "".join(shapes) + "".join(labels) + "</svg>")
