"""Strip packing, remnants, grouping by material, cost per part, outputs, and nesting open orders from stock."""

from __future__ import annotations

import io

import ezdxf
import pytest

from maakbaar.i18n import say
from maakbaar.nesting import (
    Layout,
    NestPart,
    Placement,
    RemnantRule,
    SheetSpec,
    check_layout,
    fill_from_one_side,
    nest_by_material,
    nest_group,
    offcut,
    strip_nest,
)
from maakbaar.nesting.jobs import part_costs
from maakbaar.nesting.output import sheet_dxf, sheet_png

SHEET = SheetSpec("S3000", 3000, 1500, 3, cost=300.0, material="S235JR", thickness_mm=3)


def rect(name, w, h, quantity=1, **over):
    return NestPart(name, ((0, 0), (w, 0), (w, h), (0, h)), quantity=quantity, **over)


def test_strip_packing_tiles_rectangles_exactly():
    # eight 100 x 50 plates on a strip 100 high: the best length is 4 x 100 = 400 (the strip is 0.01%
    # higher, as in the ESICUP files, since the collision engine needs a hair of room for an exact fit).
    # spyrrow's budget is wall time only: 2 s found 400 on one machine and 411 on a slower one (2026-12-07,
    # where 4 s found 400.2), so the test gives it 6 s.
    result = strip_nest([rect("A", 100, 50, 8, rotations="fixed")], 100.01, time_limit=6, workers=2, seed=3)
    assert not result.violations
    assert len(result.layout.placements) == 8
    assert result.length_mm == pytest.approx(400, abs=0.5)
    assert result.density == pytest.approx(1.0, abs=0.01)


def test_strip_packing_keeps_spacing_margin_and_allowed_turns():
    parts = [rect("L", 300, 40, 3, rotations="180"), rect("Q", 60, 60, 5, rotations="90")]
    result = strip_nest(parts, 200, time_limit=2, spacing=4, margin=10, workers=2, seed=1)
    assert not result.violations
    by_name = {p.name: p for p in parts}
    assert not check_layout(result.layout, by_name, {"strip": result.sheet()}, spacing=4, margin=10)
    assert all(p.angle % 180 == 0 for p in result.layout.placements if p.part == "L")


def test_half_turn_parts_may_not_be_turned_a_quarter():
    part = rect("G", 200, 100, rotations="180")
    turned = Layout((Placement("G", "S3000", 0, 500, 500, 90.0),))
    kinds = [v.kind for v in check_layout(turned, {"G": part}, {"S3000": SHEET})]
    assert kinds == ["rotation"]
    half = Layout((Placement("G", "S3000", 0, 500, 500, 180.0),))
    assert not check_layout(half, {"G": part}, {"S3000": SHEET})


def test_offcut_is_the_sheet_past_the_last_part_and_kept_only_when_large_enough():
    parts = {"A": rect("A", 990, 600)}
    layout = Layout((Placement("A", "S3000", 0, 10, 10),))  # right edge at x = 1000
    cut = offcut(layout, parts, SHEET, 0, spacing=5, rule=RemnantRule(), code="R1")
    assert cut is not None and cut.axis == "x" and cut.cut_at == pytest.approx(1005)
    assert (cut.spec.length_mm, cut.spec.width_mm) == (1995.0, 1500.0)
    assert cut.spec.outline is None and cut.spec.remnant
    assert cut.spec.cost == pytest.approx(300 * 1995 * 1500 / (3000 * 1500))
    # nearly full sheet: the 40 mm strip left is not worth keeping
    full = Layout((Placement("B", "S3000", 0, 10, 10),))
    assert offcut(full, {"B": rect("B", 2945, 1480)}, SHEET, 0, 5, RemnantRule(), "R2") is None
    # a low wide part: cutting across the width leaves more
    low = Layout((Placement("C", "S3000", 0, 10, 10),))
    cut = offcut(low, {"C": rect("C", 2900, 300)}, SHEET, 0, 5, RemnantRule(), "R3")
    assert cut.axis == "y" and (cut.spec.length_mm, cut.spec.width_mm) == (3000.0, 1185.0)


def test_offcut_of_an_irregular_remnant_keeps_its_outline():
    l_shape = SheetSpec("RL", 2000, 1000, 1, outline=((0, 0), (2000, 0), (2000, 500), (1000, 500), (1000, 1000),
                                                      (0, 1000)), remnant=True)
    layout = Layout((Placement("A", "RL", 0, 0, 0),))
    cut = offcut(layout, {"A": rect("A", 400, 400)}, l_shape, 0, 5, RemnantRule(min_area_mm2=1), "R4")
    assert cut.axis == "x" and cut.spec.outline is not None
    expected = (1000 - 405) * 1000 + 1000 * 500  # the L right of the cut at x = 405
    assert cut.area == pytest.approx(expected, rel=1e-6)


def test_fill_from_one_side_packs_the_last_sheet_towards_its_origin():
    parts = {"A": rect("A", 400, 300, 4, rotations="90")}
    spread = Layout(tuple(Placement("A", "S3000", 0, x, 10) for x in (10, 800, 1600, 2500)))
    sheets = {"S3000": SHEET}
    assert not check_layout(spread, parts, sheets, 5, 10)
    assert offcut(spread, parts, SHEET, 0, 5, RemnantRule(), "x") is not None  # only across the width
    filled, note = fill_from_one_side(spread, parts, sheets, spacing=5, margin=10, time_limit=2, rule=RemnantRule())
    assert note and "filled from one side" in str(note) and "vanaf één kant gevuld" in say(note, "nl")
    assert not check_layout(filled, parts, sheets, 5, 10)
    assert len(filled.placements) == 4
    cut = offcut(filled, parts, SHEET, 0, 5, RemnantRule(), "x")
    # four 400 x 300 plates fit in one column 1500 high (4 x 300 + 3 x 5 < 1480): cut before x = 430
    assert cut.axis == "x" and cut.spec.length_mm >= 3000 - 430


def test_part_costs_share_each_sheet_less_its_remnant_by_area():
    parts = {"A": rect("A", 1000, 1000, order="ORD-1"), "B": rect("B", 500, 1000, order="ORD-2")}
    layout = Layout((Placement("A", "S3000", 0, 10, 10), Placement("B", "S3000", 0, 1015, 10)))
    cut = offcut(layout, parts, SHEET, 0, 5, RemnantRule(), "R")
    costs = {c.part: c for c in part_costs(layout, parts, {"S3000": SHEET}, [cut])}
    remnant_value = 300 * (3000 - 1520) * 1500 / 4.5e6  # cut at 1515 + 5
    net = 300 - remnant_value
    assert costs["A"].material_cost == pytest.approx(net * 2 / 3)
    assert costs["B"].material_cost == pytest.approx(net / 3)
    assert costs["A"].order == "ORD-1" and costs["B"].pieces == 1


def test_nest_by_material_keeps_materials_apart_and_names_parts_without_sheets():
    steel = [rect("S", 500, 400, 3, material="S235JR", thickness_mm=3)]
    rvs = [rect("R", 300, 300, 2, material="1.4301", thickness_mm=2)]
    alu = [rect("A", 100, 100, 1, material="EN AW-5083", thickness_mm=4)]
    sheets = [SHEET, SheetSpec("RVS2", 2000, 1000, 1, material="1.4301", thickness_mm=2)]
    outcome = nest_by_material(steel + rvs + alu, sheets, time_limit=2)
    groups = {(g.material, g.thickness_mm): g for g in outcome.groups}
    assert set(groups) == {("S235JR", 3.0), ("1.4301", 2.0)}
    assert {p.sheet for p in groups[("S235JR", 3.0)].layout.placements} == {"S3000"}
    assert {p.sheet for p in groups[("1.4301", 2.0)].layout.placements} == {"RVS2"}
    assert [(name, str(why)) for name, why in outcome.unplaced] == [("A", "no EN AW-5083 4 mm sheets or remnants in stock")]


def test_group_nest_uses_remnants_first_and_reports_cost_time_and_scrap():
    remnant = SheetSpec("REST", 1200, 800, 1, remnant=True, cost=50.0)
    parts = [rect("P", 500, 350, 4, cut_seconds=30.0)]
    group = nest_group(parts, [SHEET, remnant], time_limit=2)
    assert {p.sheet for p in group.layout.placements} == {"REST"}  # 4 x (500 x 350) fit the remnant
    assert group.sheets[0].cut_seconds == pytest.approx(120.0)
    assert group.sheet_cost == pytest.approx(50.0)
    assert group.scrap_area_mm2 + group.remnant_area_mm2 == pytest.approx(1200 * 800 - 4 * 500 * 350)


def test_sheet_dxf_and_png_outputs():
    plate = NestPart("PL", ((0, 0), (200, 0), (200, 100), (0, 100)),
                     holes=(((20, 20), (40, 20), (40, 40), (20, 40)),), quantity=2)
    layout = Layout((Placement("PL", "S3000", 0, 10, 10), Placement("PL", "S3000", 0, 300, 10, 90.0)))
    data = sheet_dxf(layout, {"PL": plate}, SHEET, 0, cut_line=("x", 500.0))
    document = ezdxf.read(io.StringIO(data.decode()))
    space = document.modelspace()
    assert len(space.query('LWPOLYLINE[layer=="OUTER"]')) == 2
    assert len(space.query('LWPOLYLINE[layer=="INNER"]')) == 2
    assert [t.dxf.text for t in space.query("TEXT")] == ["PL", "PL"]
    assert len(space.query('LINE[layer=="REMNANT_CUT"]')) == 1
    turned = list(space.query('LWPOLYLINE[layer=="OUTER"]'))[1]
    xs = [p[0] for p in turned.get_points()]
    assert max(xs) - min(xs) == pytest.approx(100)  # turned a quarter: 100 wide
    png = sheet_png(layout, {"PL": plate}, SHEET, 0, width_px=600)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    assert image.size == (601, 301)
    assert image.getpixel((int(110 * 0.2), 300 - int(60 * 0.2))) != image.getpixel((int(2000 * 0.2), 150))
