"""A bounding-box shelf packer: the simple baseline (and fallback) for sheet nesting.

Parts are taken largest first as their bounding boxes (turned a quarter where allowed and better) and
laid on shelves from the sheet's lower edge; remnants first, then full sheets. Every layout passes the
checker by construction: boxes grown by the spacing never overlap and stay inside the margin.
"""

from __future__ import annotations

from ..reasons import Reason, size
from .model import Layout, NestPart, Placement, SheetSpec


def shelf_nest(parts: list[NestPart], sheets: list[SheetSpec], spacing: float = 5.0, margin: float = 10.0) -> Layout:
    ordered_sheets = sorted(sheets, key=lambda s: (s.purchase, not s.remnant, s.length_mm * s.width_mm))
    items = []
    unplaced = []
    for part in parts:
        if part.quantity <= 0:
            unplaced.append((part.name, Reason.of("unplaced.zero")))
            continue
        x0, y0, x1, y1 = part.polygon.bounds
        items.extend([(part, x1 - x0, y1 - y0, x0, y0)] * part.quantity)
    items.sort(key=lambda it: -(max(it[1], it[2])))
    placements: list[Placement] = []
    open_sheets: list[dict] = []  # per sheet instance: code, index, shelves [(y, height, x_cursor)]
    used = {s.code: 0 for s in sheets}
    for part, w, h, bx, by in items:
        placed = False
        for candidate in open_sheets:
            placed = _try_place(candidate, part, w, h, bx, by, spacing, margin, placements)
            if placed:
                break
        if placed:
            continue
        for sheet in ordered_sheets:
            if sheet.outline is not None or used[sheet.code] >= sheet.quantity:
                continue  # irregular remnants need the real nester
            candidate = {"sheet": sheet, "index": used[sheet.code], "shelves": []}
            if _try_place(candidate, part, w, h, bx, by, spacing, margin, placements):
                used[sheet.code] += 1
                open_sheets.append(candidate)
                placed = True
                break
        if not placed:
            unplaced.append((part.name, Reason.of("unplaced.no_sheet_left", length=size(round(w)), width=size(round(h)))))
    return Layout(tuple(placements), tuple(unplaced))


def _try_place(candidate, part, w, h, bx, by, spacing, margin, placements) -> bool:
    sheet = candidate["sheet"]
    usable_w, usable_h = sheet.length_mm - 2 * margin, sheet.width_mm - 2 * margin
    options = [(w, h, 0.0)]
    if part.rotations in ("free", "90"):
        options.append((h, w, 90.0))
    for pw, ph, angle in options:
        for shelf in candidate["shelves"]:
            if ph <= shelf["height"] + 1e-9 and shelf["x"] + pw <= usable_w + 1e-9:
                _commit(candidate, part, pw, ph, angle, bx, by, w, h, shelf["x"], shelf["y"], margin, placements)
                shelf["x"] += pw + spacing
                return True
        top = max((s["y"] + s["height"] + spacing for s in candidate["shelves"]), default=0.0)
        if top + ph <= usable_h + 1e-9 and pw <= usable_w + 1e-9:
            shelf = {"y": top, "height": ph, "x": 0.0}
            candidate["shelves"].append(shelf)
            _commit(candidate, part, pw, ph, angle, bx, by, w, h, 0.0, top, margin, placements)
            shelf["x"] = pw + spacing
            return True
    return False


def _commit(candidate, part, pw, ph, angle, bx, by, w, h, x, y, margin, placements) -> None:
    # place the part so that its (turned) bounding box starts at (margin + x, margin + y)
    if angle == 90.0:
        # rotating by 90 about the origin maps the box [bx, bx+w] x [by, by+h] to [-by-h, -by] x [bx, bx+w]
        tx, ty = margin + x + by + h, margin + y - bx
    else:
        tx, ty = margin + x - bx, margin + y - by
    placements.append(Placement(part.name, candidate["sheet"].code, candidate["index"], tx, ty, angle))
