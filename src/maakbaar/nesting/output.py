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
    cut_seconds: float = 0.0  # laser time for the parts on this sheet (from the quoting model)
    cost: float = 0.0  # EUR, the sheet's cost
    remnant: bool = False

    @property
    def utilisation(self) -> float:
        return self.part_area_mm2 / self.sheet_area_mm2 if self.sheet_area_mm2 else 0.0


def sheet_results(layout: Layout, parts: dict[str, NestPart], sheets: dict[str, SheetSpec]) -> list[SheetResult]:
    out = []
    for code, index in layout.sheets_used():
        placed = [p for p in layout.placements if p.sheet == code and p.sheet_index == index]
        out.append(SheetResult(code, index, len(placed), sum(parts[p.part].area for p in placed),
                               sheets[code].polygon.area, sum(parts[p.part].cut_seconds for p in placed),
                               sheets[code].cost, sheets[code].remnant))
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


def _sheet_shapes(layout: Layout, parts: dict[str, NestPart], sheet: SheetSpec, index: int):
    for placement in layout.placements:
        if placement.sheet == sheet.code and placement.sheet_index == index:
            yield placement, placement.shape(parts[placement.part])


def sheet_dxf(layout: Layout, parts: dict[str, NestPart], sheet: SheetSpec, index: int,
              cut_line: tuple[str, float] | None = None) -> bytes:
    """The sheet program's geometry for the laser's CAM: layers SHEET, OUTER (outer contours), INNER (holes),
    LABEL (part names, not to be cut) and REMNANT_CUT (the straight cut that frees the remnant), in mm."""
    import io

    import ezdxf

    document = ezdxf.new("R2010", units=4)  # 4 = millimetres
    for name, colour in (("SHEET", 8), ("OUTER", 7), ("INNER", 1), ("LABEL", 3), ("REMNANT_CUT", 5)):
        document.layers.add(name, color=colour)
    space = document.modelspace()
    space.add_lwpolyline(list(sheet.polygon.exterior.coords[:-1]), close=True, dxfattribs={"layer": "SHEET"})
    for placement, shape in _sheet_shapes(layout, parts, sheet, index):
        space.add_lwpolyline(list(shape.exterior.coords[:-1]), close=True, dxfattribs={"layer": "OUTER"})
        for ring in shape.interiors:
            space.add_lwpolyline(list(ring.coords[:-1]), close=True, dxfattribs={"layer": "INNER"})
        point = shape.representative_point()
        space.add_text(placement.part, height=8, dxfattribs={"layer": "LABEL"}).set_placement((point.x, point.y))
    if cut_line:
        axis, at = cut_line
        x0, y0, x1, y1 = sheet.polygon.bounds
        start, end = ((at, y0), (at, y1)) if axis == "x" else ((x0, at), (x1, at))
        space.add_line(start, end, dxfattribs={"layer": "REMNANT_CUT"})
    stream = io.StringIO()
    document.write(stream)
    return stream.getvalue().encode("utf-8")


def sheet_png(layout: Layout, parts: dict[str, NestPart], sheet: SheetSpec, index: int, width_px: int = 1200,
              cut_line: tuple[str, float] | None = None) -> bytes:
    """A picture of the sheet for the web page: parts filled, holes open, labels, the remnant cut dashed."""
    import io

    from PIL import Image, ImageDraw

    x0, y0, x1, y1 = sheet.polygon.bounds
    scale = width_px / max(x1 - x0, 1e-9)
    height_px = max(1, round((y1 - y0) * scale))
    image = Image.new("RGB", (width_px + 1, height_px + 1), "white")
    draw = ImageDraw.Draw(image)

    def pixels(points):
        return [((x - x0) * scale, height_px - (y - y0) * scale) for x, y in points]

    draw.polygon(pixels(sheet.polygon.exterior.coords), fill="#f6f7f9", outline="#6b7480")
    labels = []
    for placement, shape in _sheet_shapes(layout, parts, sheet, index):
        draw.polygon(pixels(shape.exterior.coords), fill="#c9d3dd", outline="#1d2430")
        for ring in shape.interiors:
            draw.polygon(pixels(ring.coords), fill="#f6f7f9", outline="#1d2430")
        point = shape.representative_point()
        labels.append((pixels([(point.x, point.y)])[0], placement.part))
    for (px, py), text in labels:
        draw.text((px, py), text, fill="#1d2430", anchor="mm")
    if cut_line:
        axis, at = cut_line
        ends = [(at, y0), (at, y1)] if axis == "x" else [(x0, at), (x1, at)]
        (ax, ay), (bx, by) = pixels(ends)
        steps = 40
        for k in range(0, steps, 2):
            draw.line([(ax + (bx - ax) * k / steps, ay + (by - ay) * k / steps),
                       (ax + (bx - ax) * (k + 1) / steps, ay + (by - ay) * (k + 1) / steps)], fill="#1f6feb", width=2)
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return stream.getvalue()
