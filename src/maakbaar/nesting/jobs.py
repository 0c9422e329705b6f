"""A nesting job as a shop runs it: parts grouped by material and thickness, each group nested on its own
sheets and remnants (remnants first), the last sheet filled from one side, remnants worth keeping cut off,
and the material cost of every sheet shared out over the parts on it by area.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ..reasons import Reason, size
from .model import Layout, NestPart, SheetSpec
from .output import SheetResult, sheet_results
from .packing import nest
from .remnants import Offcut, RemnantRule, fill_from_one_side, offcut


@dataclass(frozen=True)
class PartCost:
    part: str
    order: str
    pieces: int
    area_mm2: float  # net area of all pieces
    material_cost: float  # EUR for all pieces: their share of the sheets, less the remnants' value

    @property
    def cost_per_piece(self) -> float:
        return self.material_cost / self.pieces if self.pieces else 0.0


@dataclass(frozen=True)
class GroupNest:
    material: str
    thickness_mm: float
    method: str
    layout: Layout
    sheets: tuple[SheetResult, ...]
    offcuts: tuple[Offcut, ...]
    part_costs: tuple[PartCost, ...]
    notes: tuple[Reason, ...] = ()  # nestnote.*

    @property
    def utilisation(self) -> float:
        sheet_area = sum(s.sheet_area_mm2 for s in self.sheets)
        return sum(s.part_area_mm2 for s in self.sheets) / sheet_area if sheet_area else 0.0

    @property
    def net_utilisation(self) -> float:
        """Part area over the sheet area actually consumed: the remnants cut off go back to stock."""
        consumed = sum(s.sheet_area_mm2 for s in self.sheets) - self.remnant_area_mm2
        return sum(s.part_area_mm2 for s in self.sheets) / consumed if consumed > 0 else 0.0

    @property
    def sheet_cost(self) -> float:
        return sum(s.cost for s in self.sheets)

    @property
    def remnant_area_mm2(self) -> float:
        return sum(o.area for o in self.offcuts)

    @property
    def scrap_area_mm2(self) -> float:
        return sum(s.sheet_area_mm2 - s.part_area_mm2 for s in self.sheets) - self.remnant_area_mm2


@dataclass(frozen=True)
class NestOutcome:
    groups: tuple[GroupNest, ...]
    unplaced: tuple[tuple[str, Reason], ...] = field(default=())  # (part, why), also parts with no sheets


def nest_group(parts: list[NestPart], sheets: list[SheetSpec], spacing: float = 5.0, margin: float = 10.0,
               time_limit: float = 10.0, rule: RemnantRule = RemnantRule(), fill_last: bool = True,
               remnant_code: Callable[[int], str] = lambda n: f"REST-{n}") -> GroupNest:
    """Nest parts of one material and thickness on the given sheets and remnants."""
    by_name = {p.name: p for p in parts}
    by_code = {s.code: s for s in sheets}
    result = nest(parts, sheets, spacing, margin, time_limit * (0.8 if fill_last else 1.0))
    layout, notes = result.layout, list(result.notes)
    if fill_last and not result.violations and layout.placements:
        layout, note = fill_from_one_side(layout, by_name, by_code, spacing, margin,
                                          max(1.0, time_limit * 0.2), rule)
        if note:
            notes.append(note)
    offcuts = []
    if not result.violations:
        for code, index in layout.sheets_used():
            cut = offcut(layout, by_name, by_code[code], index, spacing, rule, "?")
            if cut is not None:
                code_of_remnant = remnant_code(len(offcuts) + 1)
                offcuts.append(dataclasses.replace(cut, spec=dataclasses.replace(cut.spec, code=code_of_remnant)))
    results = tuple(sheet_results(layout, by_name, by_code))
    costs = part_costs(layout, by_name, by_code, offcuts)
    first = parts[0] if parts else None
    return GroupNest(first.material if first else "", first.thickness_mm if first else 0.0, result.method, layout,
                     results, tuple(offcuts), costs,
                     tuple(notes) + tuple(Reason.of("nestnote.violation", problem=str(v.message)) for v in result.violations))


def part_costs(layout: Layout, parts: dict[str, NestPart], sheets: dict[str, SheetSpec],
               offcuts: list[Offcut]) -> tuple[PartCost, ...]:
    """Each sheet's cost, less the value of the remnant cut from it, shared over its parts by net area."""
    credit = {(o.sheet, o.sheet_index): o.spec.cost for o in offcuts}
    cost: dict[str, float] = defaultdict(float)
    pieces: dict[str, int] = defaultdict(int)
    for code, index in layout.sheets_used():
        on_sheet = [p for p in layout.placements if p.sheet == code and p.sheet_index == index]
        area = sum(parts[p.part].area for p in on_sheet)
        net = sheets[code].cost - credit.get((code, index), 0.0)
        for p in on_sheet:
            cost[p.part] += net * parts[p.part].area / area if area else 0.0
            pieces[p.part] += 1
    return tuple(PartCost(name, parts[name].order, pieces[name], parts[name].area * pieces[name], cost[name])
                 for name in sorted(pieces))


def nest_by_material(parts: list[NestPart], sheets: list[SheetSpec], spacing: float = 5.0, margin: float = 10.0,
                     time_limit: float = 10.0, rule: RemnantRule = RemnantRule(),
                     progress: Callable[[str], None] | None = None,
                     remnant_code: Callable[[str, float, int], str] | None = None) -> NestOutcome:
    """Group parts by material and thickness; nest each group on the sheets of that material and thickness.

    The time limit is shared over the groups by their number of pieces.
    """
    groups: dict[tuple[str, float], list[NestPart]] = defaultdict(list)
    for part in parts:
        groups[(part.material, round(part.thickness_mm, 3))].append(part)
    stock: dict[tuple[str, float], list[SheetSpec]] = defaultdict(list)
    for sheet in sheets:
        stock[(sheet.material, round(sheet.thickness_mm, 3))].append(sheet)
    total = sum(p.quantity for p in parts) or 1
    out, unplaced = [], []
    for (material, thickness), members in sorted(groups.items()):
        label = f"{material} {thickness:g} mm"
        if not stock.get((material, thickness)):
            unplaced += [(p.name, Reason.of("nest.no_stock", material=material, thickness=size(thickness)))
                         for p in members]
            continue
        share = max(1.0, time_limit * sum(p.quantity for p in members) / total)
        if progress:
            progress(f"{label}: {sum(p.quantity for p in members)} pieces, {share:.0f} s")
        codes = (lambda n, m=material, t=thickness: remnant_code(m, t, n)) if remnant_code else \
            (lambda n, m=material, t=thickness: f"REST-{m}-{t:g}-{n}")
        group = nest_group(members, stock[(material, thickness)], spacing, margin, share, rule, True, codes)
        group = dataclasses.replace(group, notes=tuple(Reason.of("nestnote.group", group=label, note=note)
                                                       for note in group.notes))
        out.append(group)
        unplaced += list(group.layout.unplaced)
    return NestOutcome(tuple(out), tuple(unplaced))
