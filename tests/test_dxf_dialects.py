"""DXF files as CAD programs write them: every DXF version ezdxf writes, each saved with LF, CR LF and old-Mac
CR line ends, with a UTF-8 byte order mark, as binary DXF, with a Windows code page, without $INSUNITS, and
mirrored (extrusion 0,0,-1). Every copy must give the same parts, cut length and pierces as the reference
drawing, and the fast reader must agree with ezdxf's document wherever it reads a file.

The corpus is made by the tests themselves with ezdxf, so nothing third-party is committed.
"""

from __future__ import annotations

import io
import math

import ezdxf
import pytest
from ezdxf.math import Matrix44

from maakbaar.geometry import DxfProblem, read_dxf_bytes
from maakbaar.geometry.dxf import decode_dxf, parts_from_document

VERSIONS = ["R12", "R2000", "R2004", "R2007", "R2010", "R2013", "R2018"]


def _polyline(msp, points, version: str, layer: str = "0"):
    """A closed polyline with bulges: LWPOLYLINE where the version has it, the old POLYLINE in R12."""
    if version == "R12":
        return msp.add_polyline2d(points, format="xyb", close=True, dxfattribs={"layer": layer})
    return msp.add_lwpolyline(points, format="xyb", close=True, dxfattribs={"layer": layer})


def reference_drawing(version: str, units: int | None = 4, layer_suffix: str = ""):
    """Three parts a job shop would draw: a bracket with a bulged corner, a slot and holes, and a bend line on
    a Dutch bend layer; a ring of loose lines and arcs; a plate with a block of holes. Text, a dimension and
    a hatch lie beside them, as exports leave them."""
    doc = ezdxf.new(version)
    if units is None:
        del doc.header["$INSUNITS"]
    else:
        doc.header["$INSUNITS"] = units
    msp = doc.modelspace()
    # part 1: outline with a rounded corner (bulge) and a slot (two half circles), two holes
    _polyline(msp, [(0, 0, 0), (180, 0, 0.41421356), (200, 20, 0), (200, 120, 0), (0, 120, 0)], version)
    _polyline(msp, [(30, 40, 1), (60, 40, 0), (60, 52, 1), (30, 52, 0)], version)
    msp.add_circle((150, 60), 8.5)
    msp.add_circle((150, 95), 4)
    msp.add_line((100, 0), (100, 120), dxfattribs={"layer": "ZETLIJN" + layer_suffix})
    # part 2: loose lines and arcs: a 100 x 60 plate with 10 mm rounded corners, beside part 1
    x, y, w, h, r = 300, 0, 100, 60, 10
    msp.add_line((x + r, y), (x + w - r, y))
    msp.add_line((x + w, y + r), (x + w, y + h - r))
    msp.add_line((x + w - r, y + h), (x + r, y + h))
    msp.add_line((x, y + h - r), (x, y + r))
    msp.add_arc((x + w - r, y + r), r, 270, 360)
    msp.add_arc((x + w - r, y + h - r), r, 0, 90)
    msp.add_arc((x + r, y + h - r), r, 90, 180)
    msp.add_arc((x + r, y + r), r, 180, 270)
    msp.add_circle((x + 50, y + 30), 12)
    # part 3: a plate with its hole pattern as a block reference
    block = doc.blocks.new("GATEN")
    block.add_circle((0, 0), 3)
    block.add_circle((20, 0), 3)
    _polyline(msp, [(500, 0, 0), (600, 0, 0), (600, 80, 0), (500, 80, 0)], version)
    msp.add_blockref("GATEN", (520, 40))
    # what exports leave beside the parts
    msp.add_text("Beugel é ü" if version != "R12" else "Beugel", dxfattribs={"layer": "TEKST" + layer_suffix,
                                                                           "insert": (10, 130)})
    if version != "R12":
        msp.add_mtext("Materiaal S235", dxfattribs={"layer": "TEKST", "insert": (10, 150)})
        hatch = msp.add_hatch(color=3, dxfattribs={"layer": "ARCERING"})
        hatch.paths.add_polyline_path([(520, 10), (530, 10), (530, 20)], is_closed=True)
    msp.add_linear_dim(base=(0, -20), p1=(0, 0), p2=(200, 0), dxfattribs={"layer": "MAATVOERING"}).render()
    return doc


def write(doc, line_end: str = "\n", bom: bool = False) -> bytes:
    stream = io.StringIO()
    doc.write(stream)
    text = stream.getvalue().replace("\r\n", "\n")
    data = text.replace("\n", line_end).encode(doc.output_encoding, errors="strict")
    return (b"\xef\xbb\xbf" + data) if bom else data


def write_binary(doc) -> bytes:
    stream = io.BytesIO()
    doc.write(stream, fmt="bin")
    return stream.getvalue()


def summary(parts) -> list[tuple]:
    return sorted((round(p.cut_length_mm, 6), p.pierces, round(p.net_area_mm2, 4), p.bends,
                   round(p.bend_length_mm, 6)) for p in parts)


REFERENCE = summary(read_dxf_bytes(write(reference_drawing("R2010"))))


def test_the_reference_drawing_is_what_was_drawn_by_hand():
    """The reference itself checked by hand, so the corpus compares against something known."""
    by_pierces = {p[1]: p for p in REFERENCE}
    assert sorted(by_pierces) == [2, 3, 4]  # ring: 1 hole; block plate: 2 holes; bracket: slot + 2 holes
    # bracket: sides 180, 100, 200 and 120 and a quarter circle of radius 20 (bulge tan(22.5 deg)); the slot
    # is two half circles over a 30 mm chord (bulge 1: radius 15) joined by two 12 mm lines
    corner = 20 * math.pi / 2
    outer = 180 + corner + 100 + 200 + 120
    slot = 2 * 12 + 2 * math.pi * 15
    bracket = outer + slot + 2 * math.pi * 8.5 + 2 * math.pi * 4
    assert by_pierces[4][0] == pytest.approx(bracket, abs=1e-5)
    assert by_pierces[4][3] == 1 and by_pierces[4][4] == pytest.approx(120)  # one bend line across it
    ring = 2 * (80 + 40) + 2 * math.pi * 10 + 2 * math.pi * 12
    assert by_pierces[2][0] == pytest.approx(ring, abs=1e-6)
    assert by_pierces[3][0] == pytest.approx(2 * 180 + 2 * 2 * math.pi * 3, abs=1e-6)


# ezdxf writes binary DXF from R2000 on (binary R12 files are rare and it cannot make one)
CASES = [(v, e) for v in VERSIONS for e in ("LF", "CRLF", "CR", "BOM", "BOM+CRLF", "binary")
         if not (v == "R12" and e == "binary")]


@pytest.mark.parametrize(("version", "variant"), CASES)
def test_every_version_and_line_end_gives_the_same_parts(version, variant):
    doc = reference_drawing(version)
    if variant == "binary":
        data = write_binary(doc)
        assert data.startswith(b"AutoCAD Binary DXF")
    else:
        ends = {"LF": "\n", "CRLF": "\r\n", "CR": "\r", "BOM": "\n", "BOM+CRLF": "\r\n"}[variant]
        data = write(doc, ends, bom=variant.startswith("BOM"))
    assert summary(read_dxf_bytes(data, f"{version}-{variant}.dxf")) == REFERENCE


@pytest.mark.parametrize("version", ["R12", "R2000", "R2004"])
def test_a_windows_code_page_with_accents_in_layer_names(version):
    """Pre-2007 files are written in the code page of $DWGCODEPAGE: é and ü as single cp1252 bytes. The bend
    layer 'ZETLIJN-é' must still count as a bend layer, and the rest read the same."""
    doc = reference_drawing(version, layer_suffix="-éü")
    doc.header["$DWGCODEPAGE"] = "ANSI_1252"
    data = write(doc, "\r\n")
    assert "ZETLIJN-éü".encode("cp1252") in data  # really written as code page bytes, not UTF-8
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "ZETLIJN-éü" in decode_dxf(data)
    assert summary(read_dxf_bytes(data)) == REFERENCE


def test_utf8_written_by_a_newer_version_keeps_its_accents():
    doc = reference_drawing("R2018", layer_suffix="-éü")
    data = write(doc, "\r\n", bom=True)
    assert "ZETLIJN-éü" in decode_dxf(data)
    assert summary(read_dxf_bytes(data)) == REFERENCE


def test_no_insunits_is_taken_as_mm():
    doc = reference_drawing("R2000", units=None)
    assert "$INSUNITS" not in doc.header
    assert summary(read_dxf_bytes(write(doc, "\r\n"))) == REFERENCE


def test_inch_drawing_scales_to_the_same_part():
    doc = reference_drawing("R2010", units=1)
    doc.modelspace()  # the same numbers, now in inches: every length 25.4 times, every area 25.4 squared
    parts = read_dxf_bytes(write(doc, "\r\n"))
    for (cut, pierces, area, bends, _bl), (ref_cut, ref_pierces, ref_area, ref_bends, _rbl) in zip(summary(parts),
                                                                                                  REFERENCE):
        assert cut == pytest.approx(ref_cut * 25.4, rel=1e-9)
        assert area == pytest.approx(ref_area * 25.4 ** 2, rel=1e-7)
        assert (pierces, bends) == (ref_pierces, ref_bends)


@pytest.mark.parametrize("version", ["R12", "R2010"])
def test_a_mirrored_drawing_with_downward_extrusion_gives_the_same_parts(version):
    """CAD that mirrors a part writes arcs, circles and polylines with extrusion (0, 0, -1)."""
    doc = reference_drawing(version)
    for entity in doc.modelspace():
        entity.transform(Matrix44.scale(-1, 1, 1))
    data = write(doc, "\r\n")
    assert b"230\r\n-1.0" in data  # the export really holds downward extrusions
    assert summary(read_dxf_bytes(data)) == REFERENCE


def test_splines_and_ellipses_in_every_line_end():
    def drawing():
        doc = ezdxf.new("R2010", units=4)
        msp = doc.modelspace()
        msp.add_ellipse((0, 0), major_axis=(100, 0), ratio=0.5)
        msp.add_circle((0, 0), 10)
        spline = msp.add_spline([(-30, 20), (0, 35), (30, 20), (0, 25), (-30, 20)])
        spline.closed = False
        return doc

    lf = read_dxf_bytes(write(drawing(), "\n"))
    crlf = read_dxf_bytes(write(drawing(), "\r\n"))
    bom = read_dxf_bytes(write(drawing(), "\r", bom=True))
    assert summary(lf) == summary(crlf) == summary(bom)
    ellipse = max(lf, key=lambda p: p.cut_length_mm)
    # Ramanujan's perimeter of the 100 x 50 half-axes ellipse
    a, b = 100, 50
    perimeter = math.pi * (3 * (a + b) - math.sqrt((3 * a + b) * (a + 3 * b)))
    assert ellipse.outer_cut_mm == pytest.approx(perimeter, rel=1e-4)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_the_fast_reader_and_ezdxf_agree_on_the_corpus(version, line_end):
    import ezdxf as ezdxf_module

    from maakbaar.geometry import fast

    for drawing in (reference_drawing(version), _simple_drawing(version)):
        data = write(drawing, line_end)
        text = decode_dxf(data)
        fast_read = read_dxf_bytes(data)
        slow_read = parts_from_document(ezdxf_module.read(io.StringIO(text)), "ezdxf")
        assert summary(fast_read) == summary(slow_read)
    # the simple drawing really takes the fast path in every version that has LWPOLYLINE
    if version != "R12":
        assert fast.read_entities(decode_dxf(write(_simple_drawing(version), line_end)), set()) is not None


def _simple_drawing(version: str):
    doc = ezdxf.new(version, units=4)
    msp = doc.modelspace()
    if version == "R12":
        msp.add_polyline2d([(0, 0, 0), (120, 0, 0.5), (120, 60, 0), (0, 60, 0)], format="xyb", close=True)
    else:
        msp.add_lwpolyline([(0, 0, 0), (120, 0, 0.5), (120, 60, 0), (0, 60, 0)], format="xyb", close=True)
    msp.add_circle((30, 30), 5)
    msp.add_line((60, 0), (60, 60), dxfattribs={"layer": "BUIG"})
    return doc


def test_a_file_with_no_contour_says_what_it_holds():
    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    msp.add_text("alleen tekst", dxfattribs={"layer": "TEKST"})
    msp.add_line((0, 0), (100, 0), dxfattribs={"layer": "BUIG"})
    msp.add_line((0, 10), (100, 10), dxfattribs={"layer": "BUIG"})
    for line_end in ("\n", "\r\n"):
        with pytest.raises(DxfProblem) as caught:
            read_dxf_bytes(write(doc, line_end))
        text = str(caught.value)
        assert "no cutting contour" in text
        assert "layer BUIG: 2 LINE" in text and "layer TEKST: 1 TEXT" in text
