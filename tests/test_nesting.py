"""Layout checker and the shelf packer baseline."""

from __future__ import annotations

from maakbaar.nesting import Layout, NestPart, Placement, SheetSpec, check_layout, shelf_nest

SHEET = SheetSpec("PL3000", 3000, 1500, quantity=3)


def rect(name: str, w: float, h: float, quantity: int = 1, rotations: str = "free") -> NestPart:
    return NestPart(name, ((0, 0), (w, 0), (w, h), (0, h)), quantity=quantity, rotations=rotations)


def kinds(layout, parts, spacing=0.0, margin=0.0):
    return {v.kind for v in check_layout(layout, {p.name: p for p in parts}, {SHEET.code: SHEET}, spacing, margin)}


def test_checker_finds_a_planted_overlap():
    a, b = rect("A", 100, 100), rect("B", 100, 100)
    layout = Layout((Placement("A", "PL3000", 0, 10, 10), Placement("B", "PL3000", 0, 60, 60)))
    assert kinds(layout, [a, b]) == {"overlap"}
    apart = Layout((Placement("A", "PL3000", 0, 10, 10), Placement("B", "PL3000", 1, 60, 60)))
    assert kinds(apart, [a, b]) == set()  # on different sheets


def test_checker_finds_a_spacing_violation():
    a, b = rect("A", 100, 100), rect("B", 100, 100)
    layout = Layout((Placement("A", "PL3000", 0, 10, 10), Placement("B", "PL3000", 0, 115, 10)))
    assert kinds(layout, [a, b], spacing=5) == set()
    close = Layout((Placement("A", "PL3000", 0, 10, 10), Placement("B", "PL3000", 0, 112, 10)))
    assert kinds(close, [a, b], spacing=5) == {"spacing"}


def test_checker_finds_a_part_outside_the_sheet_and_in_the_margin():
    a = rect("A", 100, 100)
    assert kinds(Layout((Placement("A", "PL3000", 0, 2950, 10),)), [a]) == {"outside"}
    assert kinds(Layout((Placement("A", "PL3000", 0, 5, 10),)), [a], margin=10) == {"margin"}
    turned = Layout((Placement("A", "PL3000", 0, 50, 10, angle=90),))  # turning moves it to x -50..50
    assert kinds(turned, [a]) == {"outside"}


def test_checker_rotation_mirror_and_quantity_rules():
    fixed = rect("F", 100, 50, rotations="fixed")
    layout = Layout((Placement("F", "PL3000", 0, 200, 10, angle=90), Placement("F", "PL3000", 0, 400, 10,
                                                                               mirrored=True)))
    assert kinds(layout, [fixed]) == {"rotation", "mirror", "quantity"}


def test_part_in_a_hole_is_not_an_overlap():
    frame = NestPart("FRAME", ((0, 0), (300, 0), (300, 300), (0, 300)),
                     holes=(((50, 50), (250, 50), (250, 250), (50, 250)),))
    small = rect("SMALL", 100, 100)
    layout = Layout((Placement("FRAME", "PL3000", 0, 10, 10), Placement("SMALL", "PL3000", 0, 110, 110)))
    assert kinds(layout, [frame, small], spacing=5) == set()


def test_rectangles_that_tile_a_sheet_exactly():
    parts = [rect("Q", 1500, 750, quantity=4)]
    layout = shelf_nest(parts, [SHEET], spacing=0, margin=0)
    assert check_layout(layout, {"Q": parts[0]}, {SHEET.code: SHEET}) == []
    assert layout.sheets_used() == [("PL3000", 0)]
    assert layout.utilisation({"Q": parts[0]}, {SHEET.code: SHEET}) == 1.0


def test_shelf_packer_uses_remnants_first_and_reports_what_does_not_fit():
    remnant = SheetSpec("REST-1", 1000, 600, remnant=True)
    parts = [rect("A", 400, 300, quantity=3), rect("BIG", 3200, 100), NestPart("Z", ((0, 0), (10, 0), (10, 10)),
                                                                                quantity=0)]
    layout = shelf_nest(parts, [SHEET, remnant], spacing=5, margin=10)
    by_name = {p.name: p for p in parts}
    assert check_layout(layout, by_name, {SHEET.code: SHEET, remnant.code: remnant}, spacing=5, margin=10) == []
    assert {p.sheet for p in layout.placements} == {"REST-1", "PL3000"}
    assert sum(p.sheet == "REST-1" for p in layout.placements) == 2  # two 400x300 fit on the remnant
    reasons = {name: str(why) for name, why in layout.unplaced}  # str: the English text
    assert "does not fit" in reasons["BIG"] and reasons["Z"] == "quantity is zero"


def test_packingsolver_tiles_a_sheet_exactly():
    from maakbaar.nesting.packing import nest

    parts = [rect("Q", 1500, 750, quantity=4)]
    result = nest(parts, [SHEET], spacing=0, margin=0, time_limit=2)
    assert result.method == "packingsolver"
    assert check_layout(result.layout, {"Q": parts[0]}, {SHEET.code: SHEET}) == []
    assert result.layout.sheets_used() == [("PL3000", 0)]
    assert len(result.layout.placements) == 4


def test_nest_never_hands_on_an_invalid_layout_and_names_what_cannot_be_nested():
    from maakbaar.nesting.packing import nest

    frame = NestPart("FRAME", ((0, 0), (1000, 0), (1000, 1000), (0, 1000)),
                     holes=(((100, 100), (900, 100), (900, 900), (100, 900)),))
    small = rect("SMALL", 700, 700)
    huge = rect("HUGE", 4000, 100)
    none = rect("NONE", 10, 10, quantity=0)
    sheet = SheetSpec("S", 1100, 1100)
    parts = [frame, small, huge, none]
    result = nest(parts, [sheet], spacing=5, margin=10, time_limit=2)
    # whatever the method, the layout handed on passes the checker
    assert check_layout(result.layout, {p.name: p for p in parts}, {"S": sheet}, 5, 10) == []
    reasons = {name: str(why) for name, why in result.layout.unplaced}
    assert reasons["HUGE"] == "4,000 x 100 mm is larger than every sheet"
    assert reasons["NONE"] == "quantity is zero"
    assert "FRAME" in {p.part for p in result.layout.placements}


def test_a_small_part_goes_into_the_hole_of_a_large_one():
    from maakbaar.nesting.packing import nest

    frame = NestPart("FRAME", ((0, 0), (1000, 0), (1000, 1000), (0, 1000)),
                     holes=(((100, 100), (900, 100), (900, 900), (100, 900)),))
    small = rect("SMALL", 700, 700)
    sheet = SheetSpec("S", 1100, 1100)
    results = [nest([frame, small], [sheet], spacing=5, margin=10, time_limit=3) for _ in range(5)]
    for result in results:
        assert result.method == "packingsolver" and result.notes == ()  # right the first time
        assert result.layout.unplaced == ()
        assert result.layout.sheets_used() == [("S", 0)]  # the only way: SMALL inside FRAME's hole
        assert check_layout(result.layout, {"FRAME": frame, "SMALL": small}, {"S": sheet}, 5, 10) == []
    # the same job gives the same nest every time
    assert len({r.layout.placements for r in results}) == 1


def test_a_layout_that_fails_the_check_is_tried_again_then_handed_to_the_shelf_packer(monkeypatch):
    """packingsolver's anytime search now and then returns a part outside the sheet (seen on the
    frame-with-a-hole instance): the broken layout is never used; packingsolver gets another try with its other
    search, and when every try is broken the shelf packer takes over and the notes say what happened."""
    from maakbaar.nesting import packing

    sheet = SheetSpec("S", 1100, 1100)
    parts = [rect("A", 500, 500), rect("B", 500, 500)]
    real = packing._packingsolver
    calls = []

    def broken_first(attempt, sheets, spacing, margin, time_limit, deterministic):
        calls.append(([p.rotations for p in attempt], deterministic))
        layout = real(attempt, sheets, spacing, margin, time_limit, deterministic)
        if len(calls) == 1:  # the first try puts B beside the sheet
            moved = [Placement(p.part, p.sheet, p.sheet_index, 1015.0, 10.0, p.angle, p.mirrored)
                     if p.part == "B" else p for p in layout.placements]
            return Layout(tuple(moved), layout.unplaced)
        return layout

    monkeypatch.setattr(packing, "_packingsolver", broken_first)
    result = packing.nest(parts, [sheet], spacing=5, margin=10, time_limit=2)
    assert calls == [(["free", "free"], True), (["free", "free"], False)]  # tried again as asked, other search
    assert result.method == "packingsolver"
    assert "sticks out of sheet S" in str(result.notes[0])
    assert check_layout(result.layout, {p.name: p for p in parts}, {"S": sheet}, 5, 10) == []

    calls.clear()

    def always_broken(attempt, sheets, spacing, margin, time_limit, deterministic):
        calls.append(([p.rotations for p in attempt], deterministic))
        return Layout((Placement("A", "S", 0, 1015.0, 10.0, 0.0, False),), ())

    monkeypatch.setattr(packing, "_packingsolver", always_broken)
    result = packing.nest(parts, [sheet], spacing=5, margin=10, time_limit=2)
    assert calls == [(["free", "free"], True), (["free", "free"], False),
                     (["fixed", "fixed"], True), (["fixed", "fixed"], False)]
    assert result.method == "shelf" and str(result.notes[-1]) == "shelf packer used"
    assert check_layout(result.layout, {p.name: p for p in parts}, {"S": sheet}, 5, 10) == []
    assert len(result.layout.placements) == 2
