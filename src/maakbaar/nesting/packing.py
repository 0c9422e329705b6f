"""Sheet nesting with packingsolver (irregular bin packing: holes, part in part, several sheet types).

Every layout it returns is checked with the independent layout checker; a layout that fails, or a solver
that fails, falls back to the shelf packer (also checked), so an invalid layout is never handed on.
Remnants cost half per mm2, so the solver uses them first; sheets still to be bought cost a fifth more, so
they are used only when the stock runs out.
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from dataclasses import dataclass

from shapely.geometry import polygon as shapely_polygon

from ..reasons import Reason, size
from .checker import LayoutViolation, check_layout
from .model import Layout, NestPart, Placement, SheetSpec
from .shelf import shelf_nest


@dataclass(frozen=True)
class NestResult:
    layout: Layout
    method: str  # packingsolver, packingsolver (no turns) or shelf
    violations: tuple[LayoutViolation, ...] = ()
    notes: tuple[Reason, ...] = ()  # nestnote.*


def _rotations(part: NestPart) -> list[tuple[float, float, bool]]:
    angles = {"fixed": (0.0,), "180": (0.0, 180.0)}.get(part.rotations, (0.0, 90.0, 180.0, 270.0))
    out = [(a, a, False) for a in angles]
    if part.mirror:
        out += [(a, a, True) for a in angles]
    return out


def _shape(points):
    from packingsolver import irregular as ir

    return ir.build_shape([[float(x), float(y)] for x, y in points])


def _fits_somewhere(part: NestPart, sheets: list[SheetSpec], margin: float) -> bool:
    x0, y0, x1, y1 = part.polygon.bounds
    w, h = x1 - x0, y1 - y0
    for sheet in sheets:
        usable_w, usable_h = sheet.length_mm - 2 * margin, sheet.width_mm - 2 * margin
        if (w <= usable_w and h <= usable_h) or (part.rotations in ("free", "90") and h <= usable_w and w <= usable_h):
            return True
    return False


def nest(parts: list[NestPart], sheets: list[SheetSpec], spacing: float = 5.0, margin: float = 10.0,
         time_limit: float = 10.0) -> NestResult:
    by_name = {p.name: p for p in parts}
    sheet_by_code = {s.code: s for s in sheets}
    unplaced, todo = [], []
    for part in parts:
        if part.quantity <= 0:
            unplaced.append((part.name, Reason.of("unplaced.zero")))
        elif not part.polygon.is_valid or part.polygon.area <= 0:
            unplaced.append((part.name, Reason.of("unplaced.invalid")))
        elif not _fits_somewhere(part, sheets, margin):
            x0, y0, x1, y1 = part.polygon.bounds
            unplaced.append((part.name, Reason.of("unplaced.too_large", length=size(round(x1 - x0)),
                                                  width=size(round(y1 - y0)))))
        else:
            todo.append(part)
    notes = []
    # packingsolver 0.1.1233's default (anytime, several threads) search sometimes hands back a layout with a
    # part outside the sheet (its own solution then reports x_max beyond the sheet and calls itself feasible).
    # On the frame-with-a-hole test that was 16-18 runs in 30 on this machine, with or without quarter turns.
    # Its deterministic mode gave the right layout 100 runs in 100 there and the same sheet counts on the
    # 50/150/300-piece benchmark mixes, and the same job then always gives the same nest. So that goes first;
    # every layout still goes through the checker, and a failed one is tried again: the anytime search as
    # asked, then both without turns, within twice the time limit, then the shelf packer; whatever is used
    # passes the checker.
    fixed = [dataclasses.replace(p, rotations="fixed", mirror=False) for p in todo]
    attempts = [("packingsolver", todo, True), ("packingsolver", todo, False),
                ("packingsolver (no turns)", fixed, True), ("packingsolver (no turns)", fixed, False)]
    deadline = time.monotonic() + 2 * time_limit
    for number, (method, attempt, deterministic) in enumerate(attempts if todo else []):
        left = deadline - time.monotonic()
        if number and left < min(time_limit, 1.0):
            notes.append(Reason.of("nestnote.no_time", method=method))
            break
        try:
            layout = _packingsolver(attempt, sheets, spacing, margin, min(time_limit, left), deterministic)
        except Exception as error:  # noqa: BLE001 - a crashed solver must not lose the nest
            notes.append(Reason.of("nestnote.failed", method=method, error=f"{error.__class__.__name__}: {error}"[:300]))
            continue
        violations = check_layout(layout, by_name, sheet_by_code, spacing, margin)
        if not violations:
            if layout.unplaced:
                # not everything fits the sheets given: packingsolver may then place nothing at all, so the
                # shelf packer gets a go too, and the layout that places more part area wins
                shelf = shelf_nest(todo, sheets, spacing, margin)
                if not check_layout(shelf, by_name, sheet_by_code, spacing, margin) and \
                        _placed_area(shelf, by_name) > _placed_area(layout, by_name):
                    notes.append(Reason.of("nestnote.shelf_more", method=method))
                    return NestResult(Layout(shelf.placements, tuple(unplaced) + shelf.unplaced), "shelf", (),
                                      tuple(notes))
            return NestResult(Layout(layout.placements, tuple(unplaced) + layout.unplaced), method, (),
                              tuple(notes))
        notes.append(Reason.of("nestnote.check_failed", method=method, problem=str(violations[0].message)))
    if todo:
        notes.append(Reason.of("nestnote.shelf_used"))
    layout = shelf_nest(todo, sheets, spacing, margin)
    violations = check_layout(layout, by_name, sheet_by_code, spacing, margin)
    return NestResult(Layout(layout.placements, tuple(unplaced) + layout.unplaced), "shelf", tuple(violations),
                      tuple(notes))


def _placed_area(layout: Layout, parts: dict[str, NestPart]) -> float:
    return sum(parts[p.part].area for p in layout.placements)


def _packingsolver(parts: list[NestPart], sheets: list[SheetSpec], spacing: float, margin: float,
                   time_limit: float, deterministic: bool = True) -> Layout:
    import packingsolver
    from packingsolver import irregular as ir

    builder = ir.InstanceBuilder()
    builder.set_objective(packingsolver.Objective.VariableSizedBinPacking)
    bin_ids = []
    for sheet in sheets:
        outline = sheet.outline or ((0, 0), (sheet.length_mm, 0), (sheet.length_mm, sheet.width_mm),
                                    (0, sheet.width_mm))
        area = shapely_polygon.Polygon(outline).area
        weight = 0.5 if sheet.remnant else 1.2 if sheet.purchase else 1.0
        bin_ids.append(builder.add_bin_type(_shape(outline), cost=area * weight, item_bin_minimum_spacing=margin,
                                            copies=sheet.quantity))
    item_ids = []
    for part in parts:
        outer = shapely_polygon.orient(part.polygon, sign=1.0)
        # packingsolver wants every ring counter-clockwise, holes too
        holes = [shapely_polygon.orient(shapely_polygon.Polygon(ring), sign=1.0).exterior.coords[:-1]
                 for ring in outer.interiors]
        shape = ir.ShapeWithHoles(_shape(outer.exterior.coords[:-1]), [_shape(h) for h in holes])
        item_ids.append(builder.add_item_type(ir.ItemShape(shape), allowed_rotations=_rotations(part),
                                              copies=part.quantity))
    builder.set_item_item_minimum_spacing(spacing)
    instance = builder.build()
    parameters = ir.OptimizeParameters()
    parameters.time_limit = time_limit
    if deterministic:
        parameters.optimization_mode = packingsolver.OptimizationMode.NotAnytimeDeterministic
    parameters.verbosity_level = 0
    solution = ir.optimize(instance, parameters).solution
    sheet_of_bin = {bin_id: sheet for bin_id, sheet in zip(bin_ids, sheets)}
    part_of_item = {item_id: part for item_id, part in zip(item_ids, parts)}
    next_index: dict[str, int] = defaultdict(int)
    placements = []
    for i in range(solution.number_of_different_bins()):
        solution_bin = solution.bin(i)
        sheet = sheet_of_bin[solution_bin.bin_type_id]
        for _copy in range(solution_bin.copies):
            index = next_index[sheet.code]
            next_index[sheet.code] += 1
            for item in solution_bin.items:
                part = part_of_item[item.item_type_id]
                placements.append(Placement(part.name, sheet.code, index, item.bl_corner.x, item.bl_corner.y,
                                            item.angle, bool(item.mirror)))
    placed = defaultdict(int)
    for placement in placements:
        placed[placement.part] += 1
    unplaced = tuple((p.name, Reason.of("unplaced.left_over", n=p.quantity - placed[p.name], total=p.quantity))
                     for p in parts if placed[p.name] < p.quantity)
    return Layout(tuple(placements), unplaced)
