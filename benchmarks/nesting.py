"""Nesting benchmarks.

esicup: strip packing (spyrrow through ``maakbaar.nesting.strip_nest``) on the 13 ESICUP instances, density
beside the best published and beside a bounding-box shelf packer on the same strip (same-run baseline).

sheets: realistic job mixes of sheet-metal parts (plates with holes, brackets, flanges, gussets, U-shapes) on
3000 x 1500 sheets plus a few remnants: packingsolver (``nest``) against spyrrow's strip cut into sheets and
the bounding-box shelf packer, each layout checked; sheets used against the area lower bound.
"""

from __future__ import annotations

import json
import math
import random
import time
from pathlib import Path

from shapely import affinity
from shapely.geometry import Point, Polygon, box

from maakbaar.nesting import NestPart, SheetSpec, check_layout, nest, shelf_nest, strip_nest
from maakbaar.nesting.model import Layout, Placement

ESICUP = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "nesting" / "esicup"
PUBLISHED_BEST = {"albano": 89.82, "blaz1": 86.22, "dagli": 90.17, "fu": 92.39, "jakobs1": 89.24, "jakobs2": 87.72,
                  "mao": 86.87, "marques": 92.02, "shapes0": 69.98, "shapes1": 76.72, "shirts": 90.92,
                  "swim": 79.83, "trousers": 92.62}  # shared/benchmarks/README.md (sparrow, 1200 s, 16 cores)


def read_esicup(name: str) -> tuple[list[NestPart], float]:
    data = json.loads((ESICUP / f"{name}.json").read_text())
    parts = []
    for item in data["items"]:
        points = [tuple(p) for p in item["shape"]["data"]]
        if points[0] == points[-1]:
            points = points[:-1]
        allowed = [a % 360 for a in item.get("allowed_orientations") or [0.0]]
        rotations = {(0.0,): "fixed", (0.0, 180.0): "180"}.get(tuple(sorted(allowed)), "90")
        parts.append(NestPart(f"i{item['id']}", tuple(points), quantity=item["demand"], rotations=rotations))
    return parts, float(data["strip_height"])


def shelf_strip_density(parts: list[NestPart], height: float) -> float:
    """Bounding boxes on shelves across a very long strip (shelves run across the strip's height, stacked
    along its length): the simple baseline."""
    total = sum(p.area * p.quantity for p in parts)
    long = SheetSpec("strip", height, 1e9)
    layout = shelf_nest(parts, [long], 0.0, 0.0)
    by_name = {p.name: p for p in parts}
    top = max(p.shape(by_name[p.part]).bounds[3] for p in layout.placements)
    return total / (top * height)


def esicup(seconds: list[float], names: list[str] | None, workers: int) -> str:
    names = names or sorted(PUBLISHED_BEST)
    header = "| instance | published best % | shelf % | " + " | ".join(f"ours {s:g}s %" for s in seconds) + \
             " | " + " | ".join(f"gap {s:g}s (points)" for s in seconds) + " | x shelf (last) |"
    lines = [header, "|" + "---|" * (4 + 2 * len(seconds))]
    gaps: dict[float, list[float]] = {s: [] for s in seconds}
    for name in names:
        parts, height = read_esicup(name)
        shelf = 100 * shelf_strip_density(parts, height)
        densities = []
        for limit in seconds:
            result = strip_nest(parts, height, limit, workers=workers, seed=1)
            assert not result.violations, f"{name}: {result.violations[:3]}"
            assert len(result.layout.placements) == sum(p.quantity for p in parts)
            densities.append(100 * result.density)
            gaps[limit].append(PUBLISHED_BEST[name] - 100 * result.density)
        line = (f"| {name} | {PUBLISHED_BEST[name]:.2f} | {shelf:.1f} | "
                + " | ".join(f"{d:.2f}" for d in densities) + " | "
                + " | ".join(f"{PUBLISHED_BEST[name] - d:.2f}" for d in densities)
                + f" | {densities[-1] / shelf:.2f} |")
        lines.append(line)
        print(line, flush=True)
    summary = ", ".join(f"{s:g} s: mean gap {sum(g) / len(g):.2f} points" for s, g in gaps.items())
    return "\n".join(lines) + f"\n\n{summary} (target: within 3 points at 60 s).\n"


# ---------------------------------------------------------------- realistic sheet mixes

def _ring(shape: Polygon) -> tuple[tuple[tuple[float, float], ...], tuple[tuple[tuple[float, float], ...], ...]]:
    shape = shape.simplify(0.05)
    x0, y0, _x1, _y1 = shape.bounds
    shape = affinity.translate(shape, -x0, -y0)
    return (tuple(shape.exterior.coords[:-1]), tuple(tuple(r.coords[:-1]) for r in shape.interiors))


def random_part(rng: random.Random) -> Polygon:
    kind = rng.choices(["plate", "bracket", "flange", "gusset", "channel", "strip"], [4, 3, 2, 2, 2, 1])[0]
    if kind == "plate":
        w, h = rng.uniform(100, 900), rng.uniform(60, 500)
        shape = box(0, 0, w, h)
        for _ in range(rng.randint(0, 6)):
            r = rng.uniform(4, min(w, h) / 8)
            shape = shape.difference(Point(rng.uniform(2 * r + 5, w - 2 * r - 5),
                                           rng.uniform(2 * r + 5, h - 2 * r - 5)).buffer(r, 16))
        return shape
    if kind == "bracket":
        a, b, t = rng.uniform(120, 600), rng.uniform(100, 500), rng.uniform(40, 120)
        shape = box(0, 0, a, t).union(box(0, 0, t, b))
        return shape.difference(Point(a - t / 2, t / 2).buffer(t / 5, 16)).difference(Point(t / 2, b - t / 2).buffer(t / 5, 16))
    if kind == "flange":
        r = rng.uniform(60, 350)
        shape = Point(r, r).buffer(r, 48).difference(Point(r, r).buffer(r * rng.uniform(0.3, 0.6), 48))
        for k in range(rng.choice([4, 6, 8])):
            angle = 2 * math.pi * k / 8
            shape = shape.difference(Point(r + 0.8 * r * math.cos(angle), r + 0.8 * r * math.sin(angle)).buffer(r * 0.06, 12))
        return shape
    if kind == "gusset":
        a, b = rng.uniform(100, 500), rng.uniform(100, 500)
        return Polygon([(0, 0), (a, 0), (a * 0.15, b), (0, b)])
    if kind == "channel":
        w, h, t = rng.uniform(200, 800), rng.uniform(100, 400), rng.uniform(30, 80)
        return box(0, 0, w, h).difference(box(t, t, w - t, h + 1))
    return box(0, 0, rng.uniform(800, 2900), rng.uniform(30, 150))


def job_mix(pieces: int, seed: int) -> list[NestPart]:
    rng = random.Random(seed)
    parts, total = [], 0
    while total < pieces:
        quantity = min(pieces - total, rng.choice([1, 1, 2, 2, 4, 5, 10]))
        outer, holes = _ring(random_part(rng))
        parts.append(NestPart(f"P{len(parts) + 1}", outer, holes, quantity, "90"))
        total += quantity
    return parts


def spyrrow_cut(parts: list[NestPart], sheet: SheetSpec, spacing: float, margin: float, seconds: float) -> Layout:
    """Strip packing on a strip one sheet wide, cut into sheet lengths; parts over a cut go round again."""
    usable = sheet.length_mm - 2 * margin
    todo = {p.name: p.quantity for p in parts}
    by_name = {p.name: p for p in parts}
    placements, index, deadline = [], 0, time.monotonic() + seconds
    while any(todo.values()):
        remaining = [NestPart(n, by_name[n].outer, by_name[n].holes, q, by_name[n].rotations)
                     for n, q in todo.items() if q]
        budget = max(1.0, (deadline - time.monotonic()) / 2)
        strip = strip_nest(remaining, sheet.width_mm, budget, spacing, margin, workers=2)
        windows: dict[int, list[Placement]] = {}
        for p in strip.layout.placements:
            x0, _y0, x1, _y1 = p.shape(by_name[p.part]).bounds
            k = int((x0 - margin) // usable)
            if x1 - margin <= (k + 1) * usable + 1e-6:
                windows.setdefault(k, []).append(p)
        full = sorted(windows)
        if not full:
            raise RuntimeError("no part fits a sheet length")
        keep = full if len(full) == 1 or sum(len(w) for w in windows.values()) == sum(todo.values()) else full[:-1]
        for k in keep:
            for p in windows[k]:
                placements.append(Placement(p.part, sheet.code, index, p.x - k * usable, p.y, p.angle))
                todo[p.part] -= 1
            index += 1
    return Layout(tuple(placements))


def lower_bound(parts: list[NestPart], sheet: SheetSpec, remnants: list[SheetSpec], spacing: float,
                margin: float) -> int:
    """Full sheets no layout can do with fewer. Parts at least ``spacing`` apart means their outlines grown by
    spacing / 2 do not overlap, and those grown outlines stay inside the sheet shrunk by margin - spacing / 2.
    So: (grown area of all parts - usable area of every remnant) / usable area of a sheet, and also the grown
    area of the parts that fit in no remnant alone, rounded up."""
    grow = spacing / 2
    usable = sheet.polygon.buffer(-(margin - grow), join_style=2).area
    remnant_room = {r.code: r.polygon.buffer(-(margin - grow), join_style=2) for r in remnants}
    total = fits_nowhere = 0.0
    for part in parts:
        grown = Polygon(part.outer).buffer(grow, join_style=1).area - sum(Polygon(h).area for h in part.holes)
        total += grown * part.quantity
        x0, y0, x1, y1 = part.polygon.bounds
        w, h = x1 - x0, y1 - y0
        fits = False
        for room in remnant_room.values():
            rx0, ry0, rx1, ry1 = room.bounds
            rw, rh = rx1 - rx0 - spacing, ry1 - ry0 - spacing
            if (w <= rw and h <= rh) or (w <= rh and h <= rw):
                fits = True
        if not fits:
            fits_nowhere += grown * part.quantity
    return max(0, math.ceil(max(total - sum(r.area for r in remnant_room.values()), fits_nowhere) / usable - 1e-9))


def sheets(sizes: list[int], seconds: float) -> str:
    sheet = SheetSpec("3000x1500", 3000, 1500, 400)
    remnants = [SheetSpec("R1", 1200, 1500, 1, remnant=True), SheetSpec("R2", 900, 700, 1, remnant=True),
                SheetSpec("R3", 1500, 600, 1, outline=((0, 0), (1500, 0), (1500, 600), (700, 600), (0, 250)),
                          remnant=True)]
    spacing, margin = 5.0, 10.0
    lines = ["| pieces | part area / sheet | lower bound (full sheets) | method | full sheets | remnants used | "
             "utilisation % | above bound | time s |", "|---|---|---|---|---|---|---|---|---|"]
    for pieces in sizes:
        parts = job_mix(pieces, seed=pieces)
        by_name = {p.name: p for p in parts}
        area = sum(p.area * p.quantity for p in parts)
        bound = lower_bound(parts, sheet, remnants, spacing, margin)
        all_sheets = [sheet, *remnants]
        runs = {}
        t = time.perf_counter()
        runs["shelf (baseline)"] = (shelf_nest(parts, all_sheets, spacing, margin), time.perf_counter() - t)
        t = time.perf_counter()
        runs["packingsolver"] = (nest(parts, all_sheets, spacing, margin, seconds).layout, time.perf_counter() - t)
        t = time.perf_counter()
        runs["spyrrow strip cut"] = (spyrrow_cut(parts, sheet, spacing, margin, seconds), time.perf_counter() - t)
        for method, (layout, elapsed) in runs.items():
            sheets_by_code = {s.code: s for s in all_sheets}
            problems = check_layout(layout, by_name, sheets_by_code, spacing, margin)
            assert not problems, f"{method}: {problems[:3]}"
            placed = len(layout.placements)
            assert placed == pieces, f"{method}: {placed} of {pieces} placed ({layout.unplaced[:3]})"
            used = layout.sheets_used()
            full = sum(1 for code, _ in used if code == sheet.code)
            rem = sum(1 for code, _ in used if code != sheet.code)
            util = 100 * area / sum(sheets_by_code[c].polygon.area for c, _ in used)
            line = (f"| {pieces} | {area / sheet.polygon.area:.2f} | {bound} | {method} | {full} | {rem} | "
                    f"{util:.1f} | {full - bound:+d} | {elapsed:.1f} |")
            lines.append(line)
            print(line, flush=True)
    return "\n".join(lines) + "\n\nTarget: never more than one sheet above the lower bound.\n"
