"""Hostile and heavy drawings: whatever the bytes, the reader answers with parts or a DxfProblem that says what
is wrong, within its limits of entities, coordinates, nesting and time; never another exception, never
unbounded memory. The fuzz harness mutates valid drawings (flipped bytes, truncation, huge and non-finite
numbers, deep block nesting, many entities) for a bounded number of examples."""

from __future__ import annotations

import io
import math

import ezdxf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maakbaar.geometry import DxfProblem, DxfSettings, read_dxf_bytes


def to_bytes(doc) -> bytes:
    stream = io.StringIO()
    doc.write(stream)
    return stream.getvalue().encode("utf-8")


def plate(units: int = 4):
    doc = ezdxf.new("R2010", units=units)
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (200, 0), (200, 100), (0, 100)], close=True)
    msp.add_circle((50, 50), 10)
    msp.add_line((100, 0), (100, 100), dxfattribs={"layer": "BUIG"})
    return doc


def assert_parts_or_problem(data: bytes, settings: DxfSettings = DxfSettings()) -> None:
    """Whatever the bytes: believable parts, or a DxfProblem that says something; any other exception fails."""
    try:
        parts = read_dxf_bytes(data, "vijandig.dxf", settings)
    except DxfProblem as problem:
        assert problem.problems and all(isinstance(p, str) and p for p in problem.problems)
        return
    for part in parts:
        assert math.isfinite(part.cut_length_mm) and part.cut_length_mm > 0
        assert part.pierces >= 1


def problem_of(data: bytes, **settings_values) -> str:
    with pytest.raises(DxfProblem) as caught:
        read_dxf_bytes(data, "vijandig.dxf", DxfSettings(**settings_values) if settings_values else DxfSettings())
    return str(caught.value)


def test_nested_block_references_cannot_grow_without_end():
    """Ten references per block, nine levels deep: 10^9 circles from a few kilobytes."""
    doc = plate()
    previous = None
    for level in range(9):
        block = doc.blocks.new(f"B{level}")
        for k in range(10):
            if previous is None:
                block.add_circle((k, 0), 0.2)
            else:
                block.add_blockref(previous, (0, k * 0.001))
        previous = f"B{level}"
    doc.modelspace().add_blockref(previous, (20, 20))
    data = to_bytes(doc)
    assert len(data) < 60_000
    text = problem_of(data)
    assert "entities" in text and "too complex" in text


def test_block_references_nested_deeper_than_the_limit():
    doc = plate()
    previous = None
    for level in range(30):
        block = doc.blocks.new(f"D{level}")
        if previous is None:
            block.add_circle((0, 0), 1)
        else:
            block.add_blockref(previous, (0, 0))
        previous = f"D{level}"
    doc.modelspace().add_blockref(previous, (150, 50))
    assert "nested more than 12 deep" in problem_of(to_bytes(doc))


def test_a_spline_with_absurd_coordinates_is_refused_at_once():
    doc = plate()
    doc.modelspace().add_spline([(1e102, 0), (0, 1e102), (-1e102, 0), (0, -1e102)])
    assert "outside what a flat pattern can hold" in problem_of(to_bytes(doc))


def test_a_circle_of_radius_1e14_and_a_line_to_infinity():
    doc = plate()
    doc.modelspace().add_circle((0, 0), 1e14)
    assert "outside what a flat pattern can hold" in problem_of(to_bytes(doc))
    doc = plate()
    doc.modelspace().add_line((0, 0), (300, 0))
    data = to_bytes(doc)
    at = data.rindex(b" 11\n300.0\n")
    data = data[:at] + b" 11\ninf\n" + data[at + len(b" 11\n300.0\n"):]
    assert "outside what a flat pattern can hold" in problem_of(data)
    assert "outside" in problem_of(data.replace(b" 11\ninf\n", b" 11\nnan\n"))


def test_twenty_thousand_holes_are_read_within_the_time_budget():
    """Containment through a spatial index: every hole found, inside the reader's default budget (a slower
    reader would end in a DxfProblem here, and the test would fail)."""
    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (2010, 0), (2010, 1010), (0, 1010)], close=True)
    for i in range(200):
        for j in range(100):
            msp.add_circle((10 + i * 10, 10 + j * 10), 2)
    [part] = read_dxf_bytes(to_bytes(doc))
    assert part.pierces == 20_001
    assert part.cut_length_mm == pytest.approx(2 * (2010 + 1010) + 20_000 * 2 * math.pi * 2, rel=1e-9)


def test_a_time_budget_ends_a_slow_drawing_with_a_clear_message():
    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (1010, 0), (1010, 1010), (0, 1010)], close=True)
    for i in range(100):
        for j in range(100):
            msp.add_circle((10 + i * 10, 10 + j * 10), 2)
    text = problem_of(to_bytes(doc), time_budget_s=0.0)
    assert "took longer than 0 s" in text


def test_a_minsert_array_counts_every_hole():
    """A plate with a 3 x 5 hole array as one MINSERT: 15 holes, 16 pierces, cut length by hand."""
    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (150, 0), (150, 100), (0, 100)], close=True)
    block = doc.blocks.new("GAT")
    block.add_circle((0, 0), 4)
    ref = msp.add_blockref("GAT", (20, 20))
    ref.grid(size=(3, 5), spacing=(30, 25))  # 3 rows, 5 columns
    assert ref.mcount == 15
    [part] = read_dxf_bytes(to_bytes(doc))
    assert part.pierces == 16
    assert part.cut_length_mm == pytest.approx(2 * (150 + 100) + 15 * 2 * math.pi * 4, rel=1e-12)


def test_broken_binary_and_structure_are_problems_not_tracebacks():
    stream = io.BytesIO()
    plate().write(stream, fmt="bin")
    binary = stream.getvalue()
    assert len(read_dxf_bytes(binary)) == 1
    for cut in (30, 200, len(binary) // 2, len(binary) - 10):
        with pytest.raises(DxfProblem):
            read_dxf_bytes(binary[:cut])
    text = to_bytes(plate())
    for broken in (text[: len(text) // 3], text.replace(b"ENTITIES", b"ENTITIEZ"), b"  0\nSECTION\n  2\n",
                   text.replace(b"LWPOLYLINE", b"LWPOLYLINE\n 90\n-5")):
        assert_parts_or_problem(broken)


def test_an_ellipse_and_a_polyline_that_break_the_libraries():
    doc = plate()
    msp = doc.modelspace()
    msp.add_ellipse((500, 500), major_axis=(10, 0), ratio=0.5)
    msp.add_lwpolyline([(400, 400), (400, 400)], close=True)  # a 'ring' of one point
    data = to_bytes(doc)
    at = data.index(b"AcDbEllipse")
    axis = data.index(b" 11\n10.0\n", at)
    data = data[:axis] + b" 11\n0.0\n" + data[axis + len(b" 11\n10.0\n"):]  # no axis, as a broken export
    assert_parts_or_problem(data)


# ------------------------------------------------------------------ fuzzing

SEED_DRAWINGS = [to_bytes(plate())]


def _with_blocks() -> bytes:
    doc = plate()
    block = doc.blocks.new("P")
    block.add_circle((0, 0), 3)
    block.add_arc((0, 0), 6, 0, 180)
    doc.modelspace().add_blockref("P", (150, 50), dxfattribs={"xscale": 2, "rotation": 30})
    doc.modelspace().add_spline([(10, 10), (20, 30), (40, 10), (60, 20)])
    doc.modelspace().add_ellipse((150, 50), major_axis=(20, 0), ratio=0.3)
    return to_bytes(doc)


SEED_DRAWINGS.append(_with_blocks())
NUMBERS = [b"1e308", b"-1e308", b"inf", b"-inf", b"nan", b"1e102", b"0", b"-0", b"1e-320", b"99999999999999999999",
           b"", b"x"]


@st.composite
def mutated_drawing(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEED_DRAWINGS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "number", "duplicate", "crlf", "delete_line"]))
        if kind == "flip" and data:
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
        elif kind == "number":
            lines = bytes(data).split(b"\n")
            numeric = [i for i, line in enumerate(lines) if line.strip().replace(b".", b"").replace(b"-", b"").isdigit()]
            if numeric:
                lines[draw(st.sampled_from(numeric))] = draw(st.sampled_from(NUMBERS))
            data = bytearray(b"\n".join(lines))
        elif kind == "duplicate":
            lines = bytes(data).split(b"\n")
            at = draw(st.integers(0, max(0, len(lines) - 40)))
            lines[at:at] = lines[at:at + 40] * draw(st.integers(1, 50))
            data = bytearray(b"\n".join(lines))
        elif kind == "crlf":
            data = bytearray(bytes(data).replace(b"\n", draw(st.sampled_from([b"\r\n", b"\r"]))))
        elif kind == "delete_line":
            lines = bytes(data).split(b"\n")
            if lines:
                del lines[draw(st.integers(0, len(lines) - 1))]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
          derandomize=True)
@given(mutated_drawing())
def test_fuzzed_drawings_give_parts_or_a_problem(data):
    assert_parts_or_problem(data, DxfSettings(time_budget_s=5))
