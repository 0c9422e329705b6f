"""DXF flat patterns: reference parts computed by hand, invariances, and every bad file explained."""

from __future__ import annotations

import io
import math

import ezdxf
import pytest
from ezdxf.math import Matrix44
from hypothesis import given, settings
from hypothesis import strategies as st

from maakbaar.geometry import DxfProblem, DxfSettings, read_dxf, read_dxf_bytes


def to_bytes(doc) -> bytes:
    stream = io.StringIO()
    doc.write(stream)
    return stream.getvalue().encode()


def new_doc(units: int = 4):
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = units
    return doc


def rectangle(msp, x, y, w, h, layer="0"):
    msp.add_lwpolyline([(x, y), (x + w, y), (x + w, y + h), (x, y + h)], close=True, dxfattribs={"layer": layer})


def plate_with_holes():
    doc = new_doc()
    msp = doc.modelspace()
    rectangle(msp, 0, 0, 100, 50)
    for cx in (15, 85):
        for cy in (12, 38):
            msp.add_circle((cx, cy), 5)
    return doc


def test_rectangle_with_four_holes_by_hand():
    [part] = read_dxf_bytes(to_bytes(plate_with_holes()))
    assert part.cut_length_mm == pytest.approx(300 + 4 * math.pi * 10, rel=1e-12)
    assert part.outer_cut_mm == pytest.approx(300) and part.inner_cut_mm == pytest.approx(4 * math.pi * 10)
    assert part.pierces == 5
    assert part.net_area_mm2 == pytest.approx(5000 - 4 * math.pi * 25, rel=1e-9)
    assert part.bbox == pytest.approx((0, 0, 100, 50))
    assert (part.length_mm, part.width_mm) == (100, 50)
    assert part.convex_hull_area_mm2 == pytest.approx(5000)
    assert part.mass_kg(3, 7850) == pytest.approx(part.net_area_mm2 * 3 * 7850e-9)
    assert part.rapid_mm > 0


def test_loose_lines_and_arcs_with_rounded_corners():
    doc = new_doc()
    msp = doc.modelspace()
    r, w, h = 5, 100, 50
    msp.add_line((r, 0), (w - r, 0))
    msp.add_line((w, r), (w, h - r))
    msp.add_line((w - r, h), (r, h))
    msp.add_line((0, h - r), (0, r))
    msp.add_arc((w - r, r), r, 270, 0)
    msp.add_arc((w - r, h - r), r, 0, 90)
    msp.add_arc((r, h - r), r, 90, 180)
    msp.add_arc((r, r), r, 180, 270)
    [part] = read_dxf_bytes(to_bytes(doc))
    assert part.cut_length_mm == pytest.approx(2 * (90 + 40) + 2 * math.pi * r, rel=1e-12)
    assert part.pierces == 1
    assert part.net_area_mm2 == pytest.approx(w * h - (4 - math.pi) * r * r, rel=1e-9)


def test_bulged_polyline_slot():
    doc = new_doc()
    msp = doc.modelspace()
    # a slot: two straights of 50 and two half circles of radius 10 (bulge 1 = half circle)
    msp.add_lwpolyline([(0, 0, 0, 0, 0), (50, 0, 0, 0, 1), (50, 20, 0, 0, 0), (0, 20, 0, 0, 1)],
                       format="xyseb", close=True)
    [part] = read_dxf_bytes(to_bytes(doc))
    assert part.cut_length_mm == pytest.approx(100 + 2 * math.pi * 10, rel=1e-12)
    assert part.net_area_mm2 == pytest.approx(50 * 20 + math.pi * 100, rel=1e-9)


def test_block_reference_scaled_and_rotated_nested():
    doc = new_doc()
    inner = doc.blocks.new("HOLE")
    inner.add_circle((5, 5), 2)
    block = doc.blocks.new("PLATE")
    rectangle(block, 0, 0, 10, 10)
    block.add_blockref("HOLE", (0, 0))
    doc.modelspace().add_blockref("PLATE", (100, 40), dxfattribs={"xscale": 2, "yscale": 2, "rotation": 30})
    [part] = read_dxf_bytes(to_bytes(doc))
    assert part.cut_length_mm == pytest.approx(4 * 20 + 2 * math.pi * 4, rel=1e-9)
    assert part.net_area_mm2 == pytest.approx(400 - math.pi * 16, rel=1e-9)
    assert part.pierces == 2
    # rotated 30 degrees: the bounding box is that of the rotated square
    side = 20 * (math.cos(math.radians(30)) + math.sin(math.radians(30)))
    assert part.length_mm == pytest.approx(side, rel=1e-6)


def test_mirrored_block_reference():
    doc = new_doc()
    block = doc.blocks.new("P")
    block.add_line((0, 0), (10, 0))
    block.add_arc((10, 5), 5, 270, 90)
    block.add_line((10, 10), (0, 10))
    block.add_line((0, 10), (0, 0))
    doc.modelspace().add_blockref("P", (0, 0), dxfattribs={"xscale": -1})
    [part] = read_dxf_bytes(to_bytes(doc))
    assert part.cut_length_mm == pytest.approx(30 + math.pi * 5, rel=1e-9)
    assert part.bbox[0] == pytest.approx(-15) and part.bbox[2] == pytest.approx(0)


def test_inch_file_is_converted_to_mm():
    doc = new_doc(units=1)
    rectangle(doc.modelspace(), 0, 0, 4, 2)
    [part] = read_dxf_bytes(to_bytes(doc))
    assert (part.length_mm, part.width_mm) == (pytest.approx(101.6), pytest.approx(50.8))
    assert part.cut_length_mm == pytest.approx(12 * 25.4)


def test_spline_ring_and_ellipse_hole_within_a_hundredth_percent():
    from ezdxf.math import ConstructionArc, rational_bspline_from_arc

    doc = new_doc()
    msp = doc.modelspace()
    spline = rational_bspline_from_arc(center=(0, 0), radius=50, start_angle=0, end_angle=360)
    msp.add_rational_spline(spline.control_points, spline.weights(), degree=spline.degree,
                            dxfattribs={}).dxf.flags = 1
    entity = msp.query("SPLINE").first
    entity.knots = list(spline.knots())
    msp.add_ellipse((0, 0), major_axis=(20, 0), ratio=0.5)
    [part] = read_dxf_bytes(to_bytes(doc))
    assert part.outer_cut_mm == pytest.approx(2 * math.pi * 50, rel=1e-4)
    a, b = 20, 10  # Ramanujan's ellipse perimeter, exact to far below 0.01% here
    h = ((a - b) / (a + b)) ** 2
    ellipse = math.pi * (a + b) * (1 + 3 * h / (10 + math.sqrt(4 - 3 * h)))
    assert part.inner_cut_mm == pytest.approx(ellipse, rel=1e-4)
    assert part.pierces == 2
    del ConstructionArc


def test_bend_and_engrave_layers_and_ignored_dimensions():
    doc = new_doc()
    for name in ("BUIGLIJN", "GRAVEER", "MAATVOERING"):
        doc.layers.add(name)
    msp = doc.modelspace()
    rectangle(msp, 0, 0, 200, 100)
    msp.add_line((50, 0), (50, 100), dxfattribs={"layer": "BUIGLIJN"})
    msp.add_line((150, 0), (150, 100), dxfattribs={"layer": "BUIGLIJN"})
    msp.add_line((10, 10), (40, 10), dxfattribs={"layer": "GRAVEER"})
    msp.add_text("P-1001", dxfattribs={"layer": "MAATVOERING"})
    msp.add_linear_dim(base=(0, -10), p1=(0, 0), p2=(200, 0)).render()
    [part] = read_dxf_bytes(to_bytes(doc))
    assert part.bends == 2 and part.bend_length_mm == pytest.approx(200)
    assert part.engrave_length_mm == pytest.approx(30)
    assert part.cut_length_mm == pytest.approx(600)


def test_parts_side_by_side_and_part_in_a_hole():
    doc = new_doc()
    msp = doc.modelspace()
    rectangle(msp, 0, 0, 100, 100)
    rectangle(msp, 20, 20, 60, 60)  # a hole
    rectangle(msp, 30, 30, 10, 10)  # a small part inside the hole
    rectangle(msp, 200, 0, 50, 50)  # a part beside it
    parts = read_dxf_bytes(to_bytes(doc))
    assert sorted(round(p.net_area_mm2) for p in parts) == [100, 2500, 100 * 100 - 60 * 60]
    big = max(parts, key=lambda p: p.net_area_mm2)
    assert big.pierces == 2


# ------------------------------------------------------------------ invariances (hypothesis)


def _transformed_plate(matrix: Matrix44) -> bytes:
    doc = plate_with_holes()
    for entity in doc.modelspace():
        entity.transform(matrix)
    return to_bytes(doc)


@settings(max_examples=25, deadline=None)
@given(dx=st.floats(-5000, 5000), dy=st.floats(-5000, 5000), angle=st.floats(0, 360), mirror=st.booleans())
def test_cut_length_and_area_do_not_change_when_moved_turned_or_mirrored(dx, dy, angle, mirror):
    reference = read_dxf_bytes(to_bytes(plate_with_holes()))[0]
    matrix = Matrix44.z_rotate(math.radians(angle)) @ Matrix44.translate(dx, dy, 0)
    if mirror:
        matrix = Matrix44.scale(-1, 1, 1) @ matrix
    [part] = read_dxf_bytes(_transformed_plate(matrix))
    assert part.cut_length_mm == pytest.approx(reference.cut_length_mm, rel=1e-9)
    assert part.net_area_mm2 == pytest.approx(reference.net_area_mm2, rel=1e-6)
    assert part.pierces == reference.pierces


@settings(max_examples=25, deadline=None)
@given(fraction=st.floats(0.01, 0.99))
def test_splitting_a_line_changes_nothing(fraction):
    def triangle(split: bool) -> bytes:
        doc = new_doc()
        msp = doc.modelspace()
        if split:
            msp.add_line((0, 0), (120 * fraction, 0))
            msp.add_line((120 * fraction, 0), (120, 0))
        else:
            msp.add_line((0, 0), (120, 0))
        msp.add_line((120, 0), (0, 90))
        msp.add_line((0, 90), (0, 0))
        return to_bytes(doc)

    whole, split = read_dxf_bytes(triangle(False))[0], read_dxf_bytes(triangle(True))[0]
    assert split.cut_length_mm == pytest.approx(whole.cut_length_mm, rel=1e-12)
    assert split.net_area_mm2 == pytest.approx(whole.net_area_mm2, rel=1e-9)
    assert whole.cut_length_mm == pytest.approx(360)


# ------------------------------------------------------------------ bad files


def problems_of(data: bytes, **kw) -> str:
    with pytest.raises(DxfProblem) as error:
        read_dxf_bytes(data, "part.dxf", **kw)
    return " | ".join(error.value.problems)


def test_open_contour_names_the_gap():
    doc = new_doc()
    msp = doc.modelspace()
    msp.add_line((0, 0), (100, 0))
    msp.add_line((100, 0), (100, 50))
    msp.add_line((100, 50), (0, 50))
    msp.add_line((0, 50), (0, 2))  # 2 mm short of closing
    text = problems_of(to_bytes(doc))
    assert "open contour of 4 entities: gap of 2.000 mm between (0.00, 2.00) and (0.00, 0.00)" in text


def test_self_intersecting_contour():
    doc = new_doc()
    doc.modelspace().add_lwpolyline([(0, 0), (100, 100), (100, 0), (0, 100)], close=True)
    assert "contour crosses itself" in problems_of(to_bytes(doc))


def test_duplicate_entities():
    doc = plate_with_holes()
    doc.modelspace().add_circle((15, 12), 5)
    assert "duplicate entity: circle" in problems_of(to_bytes(doc))


def test_no_closed_outer_contour():
    doc = new_doc()
    doc.layers.add("BEND")
    doc.modelspace().add_line((0, 0), (10, 0), dxfattribs={"layer": "BEND"})
    doc.modelspace().add_text("only text")
    assert "no cutting contour found" in problems_of(to_bytes(doc))


def test_not_a_dxf_file_and_empty_file():
    assert "this is not a DXF file" in problems_of(b"%PDF-1.7 not a drawing")
    assert "the file is empty" in problems_of(b"   \n")
    assert "DXF structure is broken" in problems_of(b"0\nSECTION\n2\nENTITIES\n0\nLINE\n8\n0\n10\nabc\n")


def test_file_too_large(tmp_path):
    path = tmp_path / "big.dxf"
    path.write_bytes(to_bytes(plate_with_holes()))
    with pytest.raises(DxfProblem, match="more than the limit"):
        read_dxf(path, DxfSettings(max_file_bytes=1000))
    with pytest.raises(DxfProblem, match="cannot read the file"):
        read_dxf(tmp_path / "missing.dxf")


def test_absurd_units():
    doc = new_doc(units=6)  # metres: a 100 x 50 "m" plate
    rectangle(doc.modelspace(), 0, 0, 100, 50)
    assert "not believable: the drawing units are m ($INSUNITS=6)" in problems_of(to_bytes(doc))


def _same_parts(data: bytes) -> tuple[list, list]:
    import io

    import ezdxf

    from maakbaar.geometry.dxf import decode_dxf, parts_from_document, read_dxf_bytes

    fast = read_dxf_bytes(data, "fast")
    slow = parts_from_document(ezdxf.read(io.StringIO(decode_dxf(data))), "ezdxf")
    return fast, slow


def test_the_fast_reader_gives_the_same_parts_as_ezdxf():
    import random

    from benchmarks.quoting import typical
    from maakbaar.geometry import fast

    doc = new_doc()
    msp = doc.modelspace()
    # outline with bulges both ways, a slot as a closed LWPOLYLINE, holes, bend lines, text and a dimension
    msp.add_lwpolyline([(0, 0, 0), (200, 0, 0.4), (240, 60, 0), (240, 120, -0.3), (0, 120, 0)], format="xyb",
                       close=True)
    msp.add_lwpolyline([(20, 40, 1), (40, 40, 0), (40, 50, 1), (20, 50, 0)], format="xyb", close=True)
    msp.add_circle((150, 60), 8)
    msp.add_arc((100, 90), 10, 0, 180)
    msp.add_line((90, 90), (110, 90))
    msp.add_line((60, 0), (60, 120), dxfattribs={"layer": "BUIG"})
    msp.add_text("P-1", dxfattribs={"layer": "TEXT"})
    data = to_bytes(doc)
    assert fast.read_entities(data.decode(), {"TEXT", "MTEXT", "DIMENSION"}) is not None  # the fast path is used
    fast_parts, slow_parts = _same_parts(data)
    assert len(fast_parts) == len(slow_parts) >= 1
    for a, b in zip(fast_parts, slow_parts):
        assert a.cut_length_mm == pytest.approx(b.cut_length_mm, abs=1e-9)
        assert a.net_area_mm2 == pytest.approx(b.net_area_mm2, abs=1e-6)
        assert (a.pierces, a.bends) == (b.pierces, b.bends)
        assert a.bend_length_mm == pytest.approx(b.bend_length_mm)
    rng = random.Random(5)
    for k in range(20):
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"t{k}.dxf"
            typical(rng, path)
            data = path.read_bytes()
        assert fast.read_entities(data.decode(), {"TEXT", "MTEXT", "DIMENSION"}) is not None
        fast_parts, slow_parts = _same_parts(data)
        assert [round(p.cut_length_mm, 9) for p in fast_parts] == [round(p.cut_length_mm, 9) for p in slow_parts]
        assert [round(p.net_area_mm2, 6) for p in fast_parts] == [round(p.net_area_mm2, 6) for p in slow_parts]


def test_drawings_the_fast_reader_does_not_take_go_to_ezdxf():
    from maakbaar.geometry import fast

    doc = new_doc()
    block = doc.blocks.new("PLAAT")
    rectangle(block, 0, 0, 100, 50)
    doc.modelspace().add_blockref("PLAAT", (10, 10))
    data = to_bytes(doc)
    assert fast.read_entities(data.decode(), set()) is None
    fast_parts, slow_parts = _same_parts(data)
    assert fast_parts[0].cut_length_mm == pytest.approx(300) == slow_parts[0].cut_length_mm
