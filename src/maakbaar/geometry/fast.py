"""A fast path for the common flat pattern: ezdxf's own low-level tag loader, and the few entity types such a
drawing holds (LINE, ARC, CIRCLE, LWPOLYLINE with bulges; text, dimensions and the like skipped) turned into
segments directly, without building ezdxf's whole document (tables, blocks, objects), which is most of the
time of ``ezdxf.read``.

Anything else (block references, splines, ellipses, old-style POLYLINE, mirrored or 3D entities, a binary
DXF, a tag it does not expect) returns ``None``, and the caller reads the file with ezdxf as before: the fast
path never guesses. Tests check that both paths give the same parts.
"""

from __future__ import annotations

import io
import math
import re

from ezdxf.lldxf.tagger import ascii_tags_loader

from .segments import Point

SIMPLE = {"LINE", "ARC", "CIRCLE", "LWPOLYLINE"}


class _Unsupported(Exception):
    pass


_OTHER = re.compile(r"^[ \t]*(SPLINE|INSERT|ELLIPSE|POLYLINE|MLINE|LINE3D|HELIX)[ \t]*\r?$", re.M)


def read_entities(text: str, ignored: set[str]) -> tuple[int, list[tuple[str, str, str, dict]]] | None:
    """($INSUNITS, [(type, layer, handle, group codes)]) of the model space, or None to use ezdxf. Entities of
    the ignored types come with their layer and handle only."""
    start = text.find("ENTITIES")
    if start < 0 or _OTHER.search(text, start):
        return None  # a type only ezdxf reads: do not spend time on the tags first
    try:
        return _read(text, ignored)
    except (_Unsupported, ValueError, IndexError, KeyError, TypeError):
        return None


def _read(text: str, ignored: set[str]):
    tags = ascii_tags_loader(io.StringIO(text))
    units = 0
    entities: list[tuple[str, str, str, dict]] = []
    section = None
    expect_name = False
    current: tuple[str, dict] | None = None
    insunits_next = False
    saw_entities = False
    saw_eof = False

    def close() -> None:
        nonlocal current
        if current is not None:
            kind, codes = current
            # the simple types to read, the ignored ones (text, dimensions ...) to say what a drawing holds
            entities.append((kind, codes.get(8, ["0"])[0], codes.get(5, [""])[0], codes))
            current = None

    for tag in tags:
        code, value = tag.code, tag.value
        if code == 0:
            close()
            if value == "SECTION":
                expect_name = True
                continue
            if value == "ENDSEC":
                section = None
                continue
            if value == "EOF":
                saw_eof = True
                break
            if section == "ENTITIES":
                if value in SIMPLE:
                    current = (value, {})
                elif value in ignored:
                    current = (value, {})
                else:
                    raise _Unsupported(value)
            continue
        if expect_name and code == 2:
            section = value
            expect_name = False
            if section == "ENTITIES":
                saw_entities = True
            continue
        if section == "HEADER":
            if code == 9:
                insunits_next = value == "$INSUNITS"
            elif insunits_next and code == 70:
                units = int(value)
                insunits_next = False
            continue
        if section == "ENTITIES" and current is not None:
            if current[0] not in SIMPLE and code not in (5, 8):
                continue  # an ignored entity: only its layer and handle are kept
            current[1].setdefault(code, []).append(value)
            if code in (10, 42) and current[0] == "LWPOLYLINE":
                current[1].setdefault("_order", []).append((code, value))
    close()
    if not saw_entities or not saw_eof or section is not None:
        raise _Unsupported("incomplete file")
    return units, entities


def _f(codes: dict, code: int, default: float | None = None) -> float:
    values = codes.get(code)
    if not values:
        if default is None:
            raise KeyError(code)
        return default
    return float(values[0])


def _flat(codes: dict) -> None:
    """Only entities in the drawing plane with the normal extrusion; anything else goes to ezdxf."""
    if _f(codes, 210, 0.0) != 0.0 or _f(codes, 220, 0.0) != 0.0 or _f(codes, 230, 1.0) != 1.0:
        raise _Unsupported("extrusion")


def pieces(kind: str, codes: dict) -> list[tuple]:
    """The entity as ('line', a, b) / ('arc', center, radius, start deg, end deg) / ('circle', center, r)."""
    _flat(codes)
    if kind == "LINE":
        return [("line", (_f(codes, 10), _f(codes, 20)), (_f(codes, 11), _f(codes, 21)))]
    if kind == "ARC":
        return [("arc", (_f(codes, 10), _f(codes, 20)), _f(codes, 40), _f(codes, 50), _f(codes, 51))]
    if kind == "CIRCLE":
        return [("circle", (_f(codes, 10), _f(codes, 20)), _f(codes, 40))]
    # LWPOLYLINE: vertices (10, 20) each with an optional bulge (42) after it; flag 1 = closed
    xs, ys = codes.get(10, []), codes.get(20, [])
    if len(xs) != len(ys):
        raise _Unsupported("vertices")
    bulges = _bulges(codes)
    points = [(float(x), float(y), b) for x, y, b in zip(xs, ys, bulges)]
    if int(_f(codes, 70, 0)) & 1:
        points.append(points[0])
    out: list[tuple] = []
    for (x0, y0, bulge), (x1, y1, _b) in zip(points, points[1:]):
        if bulge:
            center, start, end, radius = bulge_to_arc((x0, y0), (x1, y1), bulge)
            if radius > 0:
                out.append(("arc", center, radius, math.degrees(start), math.degrees(end)))
        else:
            out.append(("line", (x0, y0), (x1, y1)))
    return out


def _bulges(codes: dict) -> list[float]:
    """The bulge of every vertex in order. The tag loader keeps codes per entity in lists; a bulge belongs to the
    vertex before it, so the order of 10 and 42 tags is needed: kept in the '_order' list."""
    order = codes.get("_order")
    if order is None:
        raise _Unsupported("vertex order")
    bulges, current = [], None
    for code, value in order:
        if code == 10:
            if current is not None:
                bulges.append(current)
            current = 0.0
        elif code == 42 and current is not None:
            current = float(value)
    if current is not None:
        bulges.append(current)
    return bulges


def bulge_to_arc(start: Point, end: Point, bulge: float) -> tuple[Point, float, float, float]:
    """Centre, start and end angle (radians, counter-clockwise) and radius of a bulged polyline segment, as
    ezdxf.math.bulge_to_arc computes them."""
    from ezdxf.math import Vec2, bulge_to_arc as ezdxf_bulge_to_arc

    center, start_angle, end_angle, radius = ezdxf_bulge_to_arc(Vec2(start), Vec2(end), bulge)
    return (center.x, center.y), start_angle, end_angle, radius
