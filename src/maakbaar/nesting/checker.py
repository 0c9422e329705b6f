"""Check any layout with shapely: no overlap, spacing between parts, edge margin, every part on its sheet,
allowed rotation and mirroring, quantities. Nothing a solver returns is handed on without passing this."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from .model import Layout, NestPart, SheetSpec, angle_allowed


@dataclass(frozen=True)
class LayoutViolation:
    kind: str  # unknown, overlap, spacing, outside, margin, rotation, mirror, quantity, sheet
    message: str


def check_layout(layout: Layout, parts: dict[str, NestPart], sheets: dict[str, SheetSpec], spacing: float = 0.0,
                 margin: float = 0.0, tolerance: float = 1e-6) -> list[LayoutViolation]:
    problems: list[LayoutViolation] = []
    on_sheet = defaultdict(list)
    counts = Counter()
    for index, placement in enumerate(layout.placements):
        part = parts.get(placement.part)
        sheet = sheets.get(placement.sheet)
        if part is None or sheet is None:
            problems.append(LayoutViolation("unknown", f"placement {index}: unknown part or sheet "
                                                       f"({placement.part}, {placement.sheet})"))
            continue
        if not 0 <= placement.sheet_index < sheet.quantity:
            problems.append(LayoutViolation("sheet", f"{placement.part} on {placement.sheet} #{placement.sheet_index}, "
                                                     f"but only {sheet.quantity} such sheet(s)"))
        if not angle_allowed(part, placement.angle):
            problems.append(LayoutViolation("rotation", f"{placement.part} turned {placement.angle:g} degrees; "
                                                        f"allowed: {part.rotations}"))
        if placement.mirrored and not part.mirror:
            problems.append(LayoutViolation("mirror", f"{placement.part} is mirrored but may not be"))
        counts[placement.part] += 1
        shape = placement.shape(part)
        where = f"{placement.sheet} #{placement.sheet_index}"
        if not sheet.polygon.buffer(tolerance).contains(shape):
            problems.append(LayoutViolation("outside", f"{placement.part} at ({placement.x:.1f}, {placement.y:.1f}) "
                                                       f"sticks out of sheet {where}"))
        elif margin > 0 and shape.distance(sheet.polygon.exterior) < margin - tolerance:
            gap = shape.distance(sheet.polygon.exterior)
            problems.append(LayoutViolation("margin", f"{placement.part} is {gap:.2f} mm from the edge of {where}; "
                                                      f"the margin is {margin:g} mm"))
        on_sheet[(placement.sheet, placement.sheet_index)].append((placement, shape))
    for (code, number), items in on_sheet.items():
        for i, (p1, s1) in enumerate(items):
            for p2, s2 in items[i + 1:]:
                if not s1.envelope.buffer(spacing).intersects(s2.envelope):
                    continue
                overlap = s1.intersection(s2).area
                if overlap > tolerance:
                    problems.append(LayoutViolation("overlap", f"{p1.part} and {p2.part} overlap by {overlap:.1f} mm2 "
                                                               f"on {code} #{number}"))
                elif spacing > 0:
                    gap = s1.distance(s2)
                    if gap < spacing - tolerance:
                        problems.append(LayoutViolation("spacing", f"{p1.part} and {p2.part} are {gap:.2f} mm apart on "
                                                                   f"{code} #{number}; the spacing is {spacing:g} mm"))
    for name, part in parts.items():
        if counts[name] > part.quantity:
            problems.append(LayoutViolation("quantity", f"{name} placed {counts[name]} times, {part.quantity} asked"))
    return problems
