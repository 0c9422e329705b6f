"""Nest the laser parts of open orders on the stock's sheets and remnants; keep the nest; update the stock.

Never commits. A nest takes the sheets it uses out of stock and puts the remnants it cuts off back in as
restplaten, so the next nest uses them first. Order lines already in a planned nest are not nested again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from .errors import InvalidInput
from .. import clock
from . import cost_service
from ..costing.model import CostError, CostTables, laser_seconds
from ..domain import OrderStatus, StockItem, StockKind, WorkCenterType
from ..nesting import GroupNest, NestPart, RemnantRule, SheetSpec, nest_by_material
from ..nesting.model import Layout, Placement
from ..reasons import Reason, size
from ..store.repositories import Repositories
from ..store.records import NestRecords

BUY_PREFIX = "KOOP-"  # sheets the nest needs beyond the stock: to be ordered
NESTABLE_STATUSES = (OrderStatus.ORDERED, OrderStatus.RELEASED, OrderStatus.IN_PROGRESS)


class NestingServiceError(InvalidInput):
    pass


@dataclass(frozen=True)
class NestRequestLine:
    order_number: str
    line_no: int
    part_number: str
    quantity: int


@dataclass(frozen=True)
class NestRun:
    nest_ids: tuple[int, ...]
    unplaced: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]


def _part_shape(part, notes: list[str]) -> tuple[tuple, tuple, float, int] | None:
    """Outline, holes, cut length and pierces: from the DXF when it can be read, else the flat blank's box."""
    if part.geometry_ref and Path(part.geometry_ref).is_file():
        from ..geometry import DxfProblem, read_dxf

        try:
            geometries = read_dxf(Path(part.geometry_ref))
            g = geometries[0]
            return g.outer.points, tuple(h.points for h in g.holes), g.cut_length_mm, g.pierces
        except DxfProblem as error:
            notes.append(Reason.of("nestnote.dxf_unusable", part=part.number, file=Path(part.geometry_ref).name,
                                   problems=tuple(error.reasons), length=size(part.length_mm),
                                   width=size(part.width_mm)))
    if part.length_mm <= 0 or part.width_mm <= 0:
        return None
    box = ((0.0, 0.0), (part.length_mm, 0.0), (part.length_mm, part.width_mm), (0.0, part.width_mm))
    return box, (), part.cut_length_mm or 2 * (part.length_mm + part.width_mm), part.pierces or 1


def lines_in_planned_nests(session: Session) -> set[tuple[str, int]]:
    return NestRecords(session).nested_lines()


def open_laser_lines(session: Session, material: str | None = None,
                     thickness_mm: float | None = None) -> list[NestRequestLine]:
    """Lines of open orders whose part is cut on the laser, not yet in a nest."""
    repos = Repositories(session)
    parts = {p.number: p for p in repos.parts.list()}
    done = lines_in_planned_nests(session)
    out = []
    for order in repos.orders.list():
        if order.status not in NESTABLE_STATUSES:
            continue
        for line in order.lines:
            part = parts.get(line.part)
            if part is None or (order.number, line.line_no) in done:
                continue
            if not any(step.work_center_type == WorkCenterType.LASER for step in part.routing):
                continue
            if material and part.material != material:
                continue
            if thickness_mm is not None and abs(part.thickness_mm - thickness_mm) > 1e-6:
                continue
            out.append(NestRequestLine(order.number, line.line_no, part.number, line.quantity))
    return out


def sheets_in_stock(session: Session, material: str | None = None,
                    thickness_mm: float | None = None) -> list[SheetSpec]:
    repos = Repositories(session)
    materials = {m.grade: m for m in repos.materials.list()}
    out = []
    for item in repos.stock.list():
        if item.quantity <= 0 or (material and item.material != material):
            continue
        if thickness_mm is not None and abs(item.thickness_mm - thickness_mm) > 1e-6:
            continue
        spec = SheetSpec(item.code, item.length_mm, item.width_mm, item.quantity, item.outline,
                         item.kind == StockKind.REMNANT, material=item.material, thickness_mm=item.thickness_mm)
        cost = item.price_per_sheet
        grade = materials.get(item.material)
        if cost is None and grade is not None:
            cost = spec.polygon.area * item.thickness_mm * 1e-9 * grade.density_kg_m3 * grade.price_per_kg
        out.append(dataclasses.replace(spec, cost=round(cost or 0.0, 2)))
    return out


def sheets_to_buy(parts: list[NestPart], stock: list[SheetSpec], materials: dict) -> list[SheetSpec]:
    """Per material and thickness, sheets that may be bought when the stock runs out: the largest full sheet
    the shop stocks of that material (else 3000 x 1500), enough of them for twice the parts' area."""
    out = []
    groups: dict[tuple[str, float], float] = {}
    for part in parts:
        key = (part.material, round(part.thickness_mm, 3))
        groups[key] = groups.get(key, 0.0) + part.area * part.quantity
    for (grade, thickness), area in sorted(groups.items()):
        sizes = [(s.length_mm, s.width_mm) for s in stock if s.material == grade and not s.remnant
                 and s.outline is None]
        length, width = max(sizes, key=lambda lw: lw[0] * lw[1]) if sizes else (3000.0, 1500.0)
        count = int(2 * area // (length * width)) + 2
        material = materials.get(grade)
        cost = length * width * thickness * 1e-9 * material.density_kg_m3 * material.price_per_kg if material else 0.0
        out.append(SheetSpec(f"{BUY_PREFIX}{length:g}x{width:g}", length, width, count, purchase=True,
                             cost=round(cost, 2), material=grade, thickness_mm=thickness))
    return out


def nest_open_orders(session: Session, material: str | None = None, thickness_mm: float | None = None,
                     time_limit: float = 10.0, spacing: float = 5.0, margin: float = 10.0,
                     rule: RemnantRule = RemnantRule(), tables: CostTables | None = None,
                     progress: Callable[[str], None] | None = None, now: dt.datetime | None = None) -> NestRun:
    """Nest the open orders' laser parts (one nest per material and thickness) and store the nests."""
    lines = open_laser_lines(session, material, thickness_mm)
    if not lines:
        what = " ".join(x for x in (material, f"{thickness_mm:g} mm" if thickness_mm else "") if x)
        raise NestingServiceError(f"no open order lines {('of ' + what + ' ') if what else ''}to nest "
                                  f"(laser parts of ordered or released orders, not yet in a nest)",
                                  code="nest.nothing_open" if what else "nest.nothing_open_at_all", what=what)
    repos = Repositories(session)
    parts = {p.number: p for p in repos.parts.list()}
    materials = {m.grade: m for m in repos.materials.list()}
    tables = tables or cost_service.tables(session)
    notes: list[str] = []
    nest_parts, unplaced = [], []
    line_of: dict[str, NestRequestLine] = {}
    for line in lines:
        part = parts[line.part_number]
        shape = _part_shape(part, notes)
        name = f"{line.order_number}/{line.line_no}"
        if shape is None:
            unplaced.append((name, Reason.of("unplaced.no_shape", part=part.number)))
            continue
        outer, holes, cut_length, pierces = shape
        grade = materials.get(part.material)
        try:
            seconds = laser_seconds(tables, grade.family.value if grade else "steel", part.thickness_mm, cut_length,
                                    pierces) if grade else 0.0
        except CostError as error:
            notes.append(Reason.of("nestnote.no_cutting_time", part=name, problem=error.reason))
            seconds = 0.0
        nest_parts.append(NestPart(name, tuple(outer), tuple(holes), line.quantity, "90", False, part.material,
                                   part.thickness_mm, line.order_number, seconds))
        line_of[name] = line
    sheets = sheets_in_stock(session, material, thickness_mm)
    sheets += sheets_to_buy(nest_parts, sheets, materials)
    started = time.perf_counter()
    existing = set(repos.stock.keys())
    counter = [0]

    def remnant_code(grade: str, thickness: float, n: int) -> str:
        while True:
            counter[0] += 1
            code = f"R-{(now or clock.now()):%y%m%d}-{counter[0]:03d}"
            if code not in existing:
                existing.add(code)
                return code

    outcome = nest_by_material(nest_parts, sheets, spacing, margin, time_limit, rule, progress, remnant_code)
    elapsed = time.perf_counter() - started
    ids = []
    for group in outcome.groups:
        if not group.layout.placements:
            continue
        group_sheets = {s.code: s for s in sheets if s.material == group.material
                        and abs(s.thickness_mm - group.thickness_mm) < 1e-6}
        row = _store_group(session, group, {p.name: p for p in nest_parts}, group_sheets, line_of, time_limit,
                           elapsed, spacing, margin, now)
        _update_stock(session, group)
        ids.append(row.id)
    for group in outcome.groups:
        bought = sum(1 for s in group.sheets if s.code.startswith(BUY_PREFIX))
        if bought:
            sheet_size = next(s.code for s in group.sheets if s.code.startswith(BUY_PREFIX))[len(BUY_PREFIX):]
            notes.append(Reason.of("nestnote.buy", material=group.material, thickness=size(group.thickness_mm),
                                   n=bought, sheet=sheet_size))
    return NestRun(tuple(ids), tuple(unplaced) + outcome.unplaced,
                   tuple(notes) + tuple(n for g in outcome.groups for n in g.notes))


def _store_group(session: Session, group: GroupNest, parts: dict[str, NestPart], sheets: dict[str, SheetSpec],
                 line_of, time_limit, elapsed, spacing, margin, now):
    """The nest as stored; ``sheets``: the sheets of this material and thickness it was nested on, by code."""
    used_parts = {p.part for p in group.layout.placements}
    nest = dict(created_at=(now or clock.now()).replace(microsecond=0), material=group.material,
                  thickness_mm=group.thickness_mm, status="planned", method=group.method, time_limit_s=time_limit,
                  elapsed_s=round(elapsed, 3), spacing_mm=spacing, margin_mm=margin,
                  utilisation=group.utilisation, sheet_cost=group.sheet_cost, scrap_area_mm2=group.scrap_area_mm2,
                  remnant_area_mm2=group.remnant_area_mm2,
                  parts=[{"name": n, "outer": [list(p) for p in parts[n].outer],
                          "holes": [[list(p) for p in h] for h in parts[n].holes], "quantity": parts[n].quantity,
                          "order": parts[n].order, "cut_seconds": parts[n].cut_seconds}
                         for n in sorted(used_parts)],
                  notes=[n.to_json() for n in group.notes],
                  unplaced=[[name, reason.to_json()] for name, reason in group.layout.unplaced])
    offcut_of = {(o.sheet, o.sheet_index): o for o in group.offcuts}
    sheet_rows = []
    for position, result in enumerate(group.sheets):
        placements = [p for p in group.layout.placements if p.sheet == result.code and p.sheet_index == result.index]
        cut = offcut_of.get((result.code, result.index))
        sheet_spec = sheets[result.code]
        sheet_rows.append(dict(
            position=position, stock_code=result.code, sheet_index=result.index,
            length_mm=sheet_spec.length_mm, width_mm=sheet_spec.width_mm,
            outline=[list(p) for p in sheet_spec.outline] if sheet_spec.outline else None,
            is_remnant=result.remnant, part_count=result.parts, part_area_mm2=result.part_area_mm2,
            sheet_area_mm2=result.sheet_area_mm2, cut_seconds=result.cut_seconds, cost=result.cost,
            placements=[{"part": p.part, "x": p.x, "y": p.y, "angle": p.angle, "mirrored": p.mirrored}
                        for p in placements],
            offcut=None if cut is None else {
                "code": cut.spec.code, "axis": cut.axis, "cut_at": cut.cut_at, "length_mm": cut.spec.length_mm,
                "width_mm": cut.spec.width_mm, "area_mm2": cut.area,
                "outline": [list(p) for p in cut.spec.outline] if cut.spec.outline else None}))
    cost_of = {c.part: c for c in group.part_costs}
    lines = [dict(order_number=line_of[name].order_number, line_no=line_of[name].line_no,
                  part_number=line_of[name].part_number, quantity=cost_of[name].pieces,
                  material_cost=round(cost_of[name].material_cost, 2)) for name in sorted(used_parts)]
    return NestRecords(session).add(nest, sheet_rows, lines)


def _update_stock(session: Session, group: GroupNest) -> None:
    """Take the used sheets out of stock (checked against the version read) and add the remnants."""
    stock = Repositories(session).stock
    used: dict[str, int] = {}
    for code, _index in group.layout.sheets_used():
        used[code] = used.get(code, 0) + 1
    for code, count in used.items():
        if code.startswith(BUY_PREFIX):
            continue
        item = stock.get(code)
        if item is None or item.quantity < count:
            raise NestingServiceError(f"stock item {code}: {count} needed, "
                                      f"{0 if item is None else item.quantity} in stock (changed meanwhile?)",
                                      code="nest.stock_short", item=code, needed=count,
                                      held=0 if item is None else item.quantity)
        stock.replace(item.model_copy(update={"quantity": item.quantity - count}), stock.version(code))
    for cut in group.offcuts:
        source = None if cut.sheet.startswith(BUY_PREFIX) else stock.get(cut.sheet)
        stock.add(StockItem(code=cut.spec.code, material=group.material, thickness_mm=group.thickness_mm,
                            kind=StockKind.REMNANT, length_mm=cut.spec.length_mm, width_mm=cut.spec.width_mm,
                            outline=cut.spec.outline, quantity=1,
                            heat_number=source.heat_number if source else "",
                            certificate_ref=source.certificate_ref if source else "",
                            location=source.location if source else "",
                            price_per_sheet=round(cut.spec.cost, 2)))


def waiting_by_material(session: Session) -> list[tuple[tuple[str, float], int]]:
    """Pieces of open laser lines not yet nested, per (material, thickness), for the nesting page."""
    blanks = Repositories(session).parts.material_and_thickness()
    groups: dict[tuple[str, float], int] = {}
    for line in open_laser_lines(session):
        key = blanks[line.part_number]
        groups[key] = groups.get(key, 0) + line.quantity
    return sorted(groups.items())


def nest_rows(session: Session, limit: int = 50) -> list:
    """The latest stored nests, newest first."""
    return NestRecords(session).recent(limit)


def nest_row(session: Session, nest_id: int):
    """A stored nest with its sheets and lines; NotFoundError for an unknown one."""
    return NestRecords(session).get(nest_id)


def layout_of(row, position: int) -> tuple[Layout, dict[str, NestPart], SheetSpec, tuple[str, float] | None]:
    """The stored sheet as engine data, to draw it (SVG, PNG) or write its DXF."""
    sheet_row = next((s for s in row.sheets if s.position == position), None)
    if sheet_row is None:
        raise NestingServiceError(f"nest {row.id} has no sheet {position + 1}", code="nest.no_sheet", nest=row.id,
                                  sheet=position + 1)
    parts = {p["name"]: NestPart(p["name"], tuple(map(tuple, p["outer"])),
                                 tuple(tuple(map(tuple, h)) for h in p["holes"]), p["quantity"],
                                 cut_seconds=p.get("cut_seconds", 0.0))
             for p in row.parts}
    sheet = SheetSpec(sheet_row.stock_code, sheet_row.length_mm, sheet_row.width_mm, sheet_row.sheet_index + 1,
                      tuple(map(tuple, sheet_row.outline)) if sheet_row.outline else None, sheet_row.is_remnant)
    layout = Layout(tuple(Placement(p["part"], sheet_row.stock_code, sheet_row.sheet_index, p["x"], p["y"],
                                    p["angle"], p["mirrored"]) for p in sheet_row.placements))
    cut = (sheet_row.offcut["axis"], sheet_row.offcut["cut_at"]) if sheet_row.offcut else None
    return layout, parts, sheet, cut


@dataclass(frozen=True)
class DrawingNest:
    """DXF files nested on sheets (not stored: a trial nest for a quote or a check)."""

    group: GroupNest
    parts: dict[str, NestPart]  # by name, for drawing the sheets
    sheets: dict[str, SheetSpec]  # by code
    problems: list[Reason]  # drawings that could not be read, each with the reason (dxf.file)


def nest_drawings(session: Session | None, drawings: list[tuple[Path, int]], sheet: tuple[float, float] = (3000, 1500),
                  sheets: int = 20, material: str | None = None, thickness_mm: float | None = None,
                  spacing: float = 5.0, margin: float = 10.0, time_limit: float = 10.0) -> DrawingNest:
    """Nest the parts of DXF files (a folder stands for every DXF file in it), each ``quantity`` times, on
    ``sheets`` sheets of ``sheet`` (length, width) or, given ``material`` and ``thickness_mm``, on the stock.
    A drawing that cannot be read is named in ``problems``; the rest is still nested."""
    from ..geometry import DxfProblem, read_dxf
    from ..nesting import nest_group

    parts, problems, expanded = [], [], []
    for path, quantity in drawings:
        if quantity <= 0:
            raise NestingServiceError(f"{path}: the quantity must be above zero", code="nest.quantity", file=str(path))
        if path.is_dir():
            found = sorted(path.glob("*.dxf")) + sorted(path.glob("*.DXF"))
            if not found:
                problems.append(Reason.of("nest.no_dxf_in_folder", folder=str(path)))
            expanded += [(f, quantity) for f in found]
        else:
            expanded.append((path, quantity))
    for path, quantity in expanded:
        try:
            geometries = read_dxf(path)
        except DxfProblem as error:
            problems.append(Reason.of("dxf.file", file=path.name, problems=tuple(error.reasons)))
            continue
        for k, g in enumerate(geometries, 1):
            label = path.stem if len(geometries) == 1 else f"{path.stem}-{k}"
            parts.append(NestPart(label, g.outer.points, tuple(h.points for h in g.holes), quantity=quantity))
    if material or thickness_mm:
        if not (material and thickness_mm) or session is None:
            raise NestingServiceError("give the material and the thickness together to nest on stock",
                                      code="nest.material_and_thickness")
        specs = sheets_in_stock(session, material, thickness_mm)
        if not specs:
            raise NestingServiceError(f"no {material} {thickness_mm:g} mm sheets or remnants in stock",
                                      code="nest.no_stock", material=material, thickness=size(thickness_mm))
    else:
        length, width = sheet
        if length <= 0 or width <= 0:
            raise NestingServiceError("a sheet needs a length and a width above zero", code="nest.sheet_size")
        specs = [SheetSpec(f"{length:g}x{width:g}", max(length, width), min(length, width), sheets)]
    if not parts:
        raise NestingServiceError("no part to nest" + (": " + "; ".join(map(str, problems)) if problems else ""),
                                  code="nest.no_part", problems=tuple(problems) or "-")
    group = nest_group(parts, specs, spacing, margin, time_limit)
    return DrawingNest(group, {p.name: p for p in parts}, {s.code: s for s in specs}, problems)
