"""Read a sheet-metal flat pattern from DXF into parts with their cutting figures.

- LINE, ARC, CIRCLE, LWPOLYLINE and POLYLINE (bulges as true arcs), SPLINE, ELLIPSE, and block references
  (nested INSERTs, scaled, rotated, mirrored) are read; ``$INSUNITS`` is honoured (inch, cm, m ... to mm).
- Loose lines and arcs are chained into closed contours within a tolerance. A contour inside another is
  a hole of it; a contour inside a hole is a part of its own (part in part); parts drawn side by side are
  separate parts.
- Layers named like bend lines (BEND, BUIG, ZET, ...) give the bends, engraving layers (ETCH, GRAVEER,
  ...) an engraving length; dimensions, text and hatches are ignored.
- Problems are reported with where they are: an open contour (and its gap), crossing contours,
  duplicate entities, no closed contour, not a DXF file, an empty file, a file too large, absurd units.
"""

from __future__ import annotations

import io
import math
import re
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

from shapely.geometry import LineString, Polygon
from shapely.validation import explain_validity

from . import segments as seg
from .segments import Point, Segment

INSUNITS_TO_MM = {0: 1.0, 1: 25.4, 2: 304.8, 3: 1_609_344.0, 4: 1.0, 5: 10.0, 6: 1000.0, 7: 1_000_000.0,
                  8: 25.4e-6, 9: 0.0254, 10: 914.4, 11: 1e-7, 12: 1e-6, 13: 1e-3, 14: 100.0}
UNIT_NAMES = {0: "unitless (taken as mm)", 1: "inch", 2: "foot", 3: "mile", 4: "mm", 5: "cm", 6: "m", 7: "km",
              8: "microinch", 9: "mil", 10: "yard", 11: "angstrom", 12: "nanometre", 13: "micron",
              14: "decimetre"}
IGNORED_TYPES = {"DIMENSION", "TEXT", "MTEXT", "HATCH", "LEADER", "MLEADER", "POINT", "ATTRIB", "ATTDEF",
                 "VIEWPORT", "IMAGE", "WIPEOUT", "SOLID", "TRACE", "3DFACE", "XLINE", "RAY", "TOLERANCE",
                 "ACAD_TABLE", "OLE2FRAME", "REGION", "3DSOLID", "BODY", "MESH"}


class DxfProblem(ValueError):
    """The drawing cannot be used as it is; ``problems`` lists each reason with where it is."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True)
class DxfSettings:
    bend_layers: tuple[str, ...] = ("BEND", "BEND*", "BUIG*", "ZET*", "KANT*", "BENDLINE*")
    engrave_layers: tuple[str, ...] = ("ETCH*", "GRAVEER*", "ENGRAVE*", "MARK*", "MARKEER*")
    ignore_layers: tuple[str, ...] = ("DIM*", "MAAT*", "TEXT*", "TEKST*", "DEFPOINTS", "TITLE*", "KADER*")
    tolerance_mm: float = 0.05  # endpoints closer than this are joined
    max_file_bytes: int = 20 * 1024 * 1024
    max_entities: int = 200_000
    min_part_mm: float = 0.5
    max_part_mm: float = 20_000.0
    spline_distance_mm: float = 0.001


@dataclass(frozen=True)
class Contour:
    points: tuple[Point, ...]  # closed ring, first point not repeated
    length: float  # exact cut length
    entities: int
    area_correction: float = 0.0  # arcs' area beyond their chords (signed, Green's theorem)

    @property
    def polygon(self) -> Polygon:
        return Polygon(self.points)

    @property
    def area(self) -> float:
        """Exact for lines and arcs (the arcs' segments added to the sampled polygon)."""
        pts = self.points
        shoelace = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1])) / 2
        return abs(shoelace + self.area_correction)


@dataclass(frozen=True)
class PartGeometry:
    """One part's flat pattern, in mm."""

    outer: Contour
    holes: tuple[Contour, ...]
    bends: int = 0
    bend_length_mm: float = 0.0
    engrave_length_mm: float = 0.0
    warnings: tuple[str, ...] = field(default=())

    @property
    def outer_cut_mm(self) -> float:
        return self.outer.length

    @property
    def inner_cut_mm(self) -> float:
        return sum(h.length for h in self.holes)

    @property
    def cut_length_mm(self) -> float:
        return self.outer_cut_mm + self.inner_cut_mm

    @property
    def pierces(self) -> int:
        return 1 + len(self.holes)

    @property
    def polygon(self) -> Polygon:
        return Polygon(self.outer.points, [h.points for h in self.holes])

    @property
    def net_area_mm2(self) -> float:
        return self.outer.area - sum(h.area for h in self.holes)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.outer.points]
        ys = [p[1] for p in self.outer.points]
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def length_mm(self) -> float:
        x0, y0, x1, y1 = self.bbox
        return max(x1 - x0, y1 - y0)

    @property
    def width_mm(self) -> float:
        x0, y0, x1, y1 = self.bbox
        return min(x1 - x0, y1 - y0)

    @property
    def convex_hull_area_mm2(self) -> float:
        return self.outer.polygon.convex_hull.area

    def mass_kg(self, thickness_mm: float, density_kg_m3: float) -> float:
        return self.net_area_mm2 * thickness_mm * 1e-9 * density_kg_m3

    @property
    def rapid_mm(self) -> float:
        """Estimated head travel without cutting: nearest-neighbour tour over the contours' start points,
        holes first, outer contour last (as a laser cuts)."""
        starts = [h.points[0] for h in self.holes]
        position = (self.bbox[0], self.bbox[1])
        travel = 0.0
        while starts:
            nearest = min(starts, key=lambda p: math.dist(p, position))
            travel += math.dist(nearest, position)
            position = nearest
            starts.remove(nearest)
        return travel + math.dist(position, self.outer.points[0])


@lru_cache(maxsize=4096)
def _matches(layer: str, patterns: tuple[str, ...]) -> bool:
    upper = layer.upper()
    for pattern in patterns:
        regex = "^" + re.escape(pattern.upper()).replace("\\*", ".*") + "$"
        if re.match(regex, upper):
            return True
    return False


def read_dxf(path: str | Path, settings: DxfSettings = DxfSettings()) -> list[PartGeometry]:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise DxfProblem(str(path), [f"cannot read the file: {error.strerror or error}"]) from None
    if size > settings.max_file_bytes:
        raise DxfProblem(str(path), [f"the file is {size / 1e6:.1f} MB, more than the limit of "
                                     f"{settings.max_file_bytes / 1e6:.0f} MB"])
    return read_dxf_bytes(path.read_bytes(), str(path), settings)


def read_dxf_bytes(data: bytes, source: str = "drawing", settings: DxfSettings = DxfSettings()) -> list[PartGeometry]:
    import ezdxf
    from ezdxf.lldxf.const import DXFError

    if not data.strip():
        raise DxfProblem(source, ["the file is empty"])
    if len(data) > settings.max_file_bytes:
        raise DxfProblem(source, [f"the file is {len(data) / 1e6:.1f} MB, more than the limit of "
                                  f"{settings.max_file_bytes / 1e6:.0f} MB"])
    head = data[:2048].lstrip()
    if not head.startswith(b"AutoCAD Binary DXF") and not re.match(rb"^\s*0\s*[\r\n]+\s*(SECTION|EOF)", head) and b"SECTION" not in head[:400]:
        raise DxfProblem(source, ["this is not a DXF file (a DXF starts with '0 SECTION'); export the flat "
                                  "pattern as DXF from the CAD program"])
    text = None
    if not data.startswith(b"AutoCAD Binary DXF"):
        text = data.decode("utf-8", errors="replace")
        fast = _read_fast(text, source, settings)
        if fast is not None:
            return fast
    try:
        if data.startswith(b"AutoCAD Binary DXF"):
            import tempfile

            with tempfile.NamedTemporaryFile(suffix=".dxf") as handle:
                handle.write(data)
                handle.flush()
                doc = ezdxf.readfile(handle.name)
        else:
            doc = ezdxf.read(io.StringIO(text))
    except (DXFError, ValueError, TypeError, IndexError, KeyError, AttributeError, EOFError) as error:
        raise DxfProblem(source, [f"the DXF structure is broken ({error.__class__.__name__}: "
                                  f"{str(error)[:200]}); re-export it from the CAD program"]) from None
    return parts_from_document(doc, source, settings)


def _read_fast(text: str, source: str, settings: DxfSettings) -> list[PartGeometry] | None:
    """The common flat pattern without building ezdxf's document (see geometry.fast); None: use ezdxf."""
    from . import fast

    found = fast.read_entities(text, IGNORED_TYPES)
    if found is None:
        return None
    units, entities = found
    scale = _scale(units, source)
    if len(entities) > settings.max_entities:
        raise DxfProblem(source, [f"more than {settings.max_entities} entities: too complex for a flat pattern"])
    sorted_ = _Sorted(settings)
    for kind, layer, handle, codes in entities:
        if _matches(layer, settings.ignore_layers):
            continue
        try:
            shapes = fast.pieces(kind, codes)
        except (fast._Unsupported, ValueError, KeyError, TypeError):
            return None  # ezdxf reads it (and names what is wrong)
        sorted_.add(layer, [s for shape in shapes for s in _shape_segments(shape, layer, handle, scale)])
    return _finish(source, units, sorted_.cut, sorted_.bends, sorted_.engrave, settings)


class _Sorted:
    """Segments sorted by their layer into cut, bend lines and engraving."""

    def __init__(self, settings: DxfSettings):
        self.settings = settings
        self.cut: list[Segment] = []
        self.bends: list[Segment] = []
        self.engrave: list[Segment] = []

    def add(self, layer: str, pieces: list[Segment]) -> None:
        if _matches(layer, self.settings.bend_layers):
            self.bends.extend(pieces)
        elif _matches(layer, self.settings.engrave_layers):
            self.engrave.extend(pieces)
        else:
            self.cut.extend(pieces)


def _scale(units: int, source: str) -> float:
    scale = INSUNITS_TO_MM.get(units)
    if scale is None:
        raise DxfProblem(source, [f"unknown drawing units $INSUNITS={units}"])
    return scale


def _shape_segments(shape: tuple, layer: str, handle: str, scale: float) -> list[Segment]:
    """('line', a, b) / ('arc', centre, radius, start deg, end deg) / ('circle', centre, radius), in drawing
    units, as segments in mm; a line of no length is dropped."""
    def pt(p) -> Point:
        return (float(p[0]) * scale, float(p[1]) * scale)

    if shape[0] == "line":
        a, b = pt(shape[1]), pt(shape[2])
        return [seg.line(a, b, layer, handle)] if math.dist(a, b) >= 1e-9 else []
    if shape[0] == "arc":
        return [seg.arc(pt(shape[1]), shape[2] * scale, shape[3], shape[4], layer, handle)]
    return [seg.circle(pt(shape[1]), shape[2] * scale, layer, handle)]


def parts_from_document(doc, source: str, settings: DxfSettings = DxfSettings()) -> list[PartGeometry]:
    units = int(doc.header.get("$INSUNITS", 0) or 0)
    scale = _scale(units, source)
    sorted_, count = _Sorted(settings), 0
    for entity, layer in _flatten(doc.modelspace(), None):
        count += 1
        if count > settings.max_entities:
            raise DxfProblem(source, [f"more than {settings.max_entities} entities: too complex for a flat pattern"])
        if _matches(layer, settings.ignore_layers):
            continue
        try:
            pieces = _segments(entity, layer, scale, settings)
        except (ValueError, ZeroDivisionError, ArithmeticError) as error:
            raise DxfProblem(source, [f"{entity.dxftype()} (handle {entity.dxf.handle}) on layer {layer} cannot "
                                      f"be read: {error}"]) from None
        sorted_.add(layer, pieces)
    return _finish(source, units, sorted_.cut, sorted_.bends, sorted_.engrave, settings)


def _finish(source: str, units: int, cut: list[Segment], bends: list[Segment], engrave: list[Segment],
            settings: DxfSettings) -> list[PartGeometry]:
    """Chain the cut segments into contours, find the parts and their holes, and check what came out."""
    if not cut:
        raise DxfProblem(source, ["no cutting contour found (only text, dimensions, bend or engrave lines?)"])
    problems: list[str] = []
    unit_name = UNIT_NAMES.get(units, str(units))
    cut = _drop_duplicates(cut, problems)
    contours = _chain(cut, settings.tolerance_mm, problems)
    if problems:
        raise DxfProblem(source, problems)
    parts = _parts(contours, problems)
    if problems:
        raise DxfProblem(source, problems)
    if not parts:
        raise DxfProblem(source, ["no closed outer contour"])
    result = []
    for outer, holes in parts:
        part = _assemble(outer, holes, bends, engrave)
        size = part.length_mm
        if size > settings.max_part_mm or size < settings.min_part_mm:
            raise DxfProblem(source, [f"a part of {size:.4g} mm is not believable: the drawing units are "
                                      f"{unit_name} ($INSUNITS={units}); check the units of the export"])
        result.append(part)
    return result


def _flatten(space, parent_layer: str | None, depth: int = 0):
    """Every drawing entity with its effective layer; blocks expanded (nested, transformed)."""
    for entity in space:
        kind = entity.dxftype()
        layer = entity.dxf.get("layer", "0")
        if layer == "0" and parent_layer is not None:
            layer = parent_layer  # entities on layer 0 in a block take the layer of the reference
        if kind in IGNORED_TYPES:
            continue
        if kind == "INSERT":
            if depth > 20:
                continue
            yield from _flatten(entity.virtual_entities(), layer, depth + 1)
        elif kind in ("LWPOLYLINE", "POLYLINE"):
            yield from ((e, layer) for e in entity.virtual_entities() if e.dxftype() in ("LINE", "ARC"))
        else:
            yield entity, layer


def _segments(entity, layer: str, scale: float, settings: DxfSettings) -> list[Segment]:
    kind = entity.dxftype()
    handle = str(entity.dxf.get("handle", ""))

    def pt(v) -> Point:
        return (float(v[0]) * scale, float(v[1]) * scale)

    if kind == "LINE":
        return _shape_segments(("line", entity.dxf.start, entity.dxf.end), layer, handle, scale)
    if kind == "ARC":
        center = entity.dxf.center
        extrusion = entity.dxf.get("extrusion", (0, 0, 1))
        start, end = entity.dxf.start_angle, entity.dxf.end_angle
        if extrusion[2] < 0:  # mirrored (OCS z pointing down): angles run the other way in WCS
            center = (-center[0], center[1])
            start, end = 180 - end, 180 - start
        return _shape_segments(("arc", center, entity.dxf.radius, start, end), layer, handle, scale)
    if kind == "CIRCLE":
        center = entity.dxf.center
        if entity.dxf.get("extrusion", (0, 0, 1))[2] < 0:
            center = (-center[0], center[1])
        return _shape_segments(("circle", center, entity.dxf.radius), layer, handle, scale)
    if kind in ("ELLIPSE", "SPLINE"):
        distance = settings.spline_distance_mm / scale
        points = [pt(v) for v in entity.flattening(distance)] if kind == "ELLIPSE" else \
            [pt(v) for v in entity.flattening(distance, segments=8)]
        if len(points) < 2:
            return []
        return [seg.curve(kind.lower(), points, layer, handle)]
    return []


def _drop_duplicates(cut: list[Segment], problems: list[str]) -> list[Segment]:
    seen: dict[tuple, Segment] = {}
    kept = []
    for s in cut:
        key = s.signature()
        if key in seen:
            other = seen[key]
            problems.append(f"duplicate entity: {s.kind} (handle {s.handle}) lies on top of handle {other.handle} "
                            f"at ({s.start[0]:.2f}, {s.start[1]:.2f}); delete one of them")
            continue
        seen[key] = s
        kept.append(s)
    return kept


def _chain(cut: list[Segment], tolerance: float, problems: list[str]) -> list[tuple[list[Segment], list[Point]]]:
    """Closed contours as (segments, ring of points); open chains are problems with their gap."""
    contours = []
    open_pieces = []
    for s in cut:
        if s.closed:
            contours.append(([s], list(s.points[:-1])))
        else:
            open_pieces.append(s)
    grid: dict[tuple[int, int], list[tuple[int, int]]] = {}
    cell = max(tolerance, 1e-6) * 2

    def key(p: Point) -> tuple[int, int]:
        return (int(math.floor(p[0] / cell)), int(math.floor(p[1] / cell)))

    for index, s in enumerate(open_pieces):
        for end_index, p in ((0, s.start), (1, s.end)):
            grid.setdefault(key(p), []).append((index, end_index))

    def neighbours(p: Point, used: set[int]):
        kx, ky = key(p)
        found = []
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for index, end_index in grid.get((kx + dx, ky + dy), []):
                    if index in used:
                        continue
                    q = open_pieces[index].start if end_index == 0 else open_pieces[index].end
                    if math.dist(p, q) <= tolerance:
                        found.append((math.dist(p, q), index, end_index))
        return sorted(found)

    used: set[int] = set()
    for first in range(len(open_pieces)):
        if first in used:
            continue
        used.add(first)
        chain = [open_pieces[first]]
        # extend forwards from the end, then backwards from the start
        while True:
            candidates = neighbours(chain[-1].end, used)
            if not candidates:
                break
            if math.dist(chain[-1].end, chain[0].start) <= tolerance and len(chain) > 1:
                break
            _d, index, end_index = candidates[0]
            used.add(index)
            piece = open_pieces[index]
            chain.append(piece if end_index == 0 else piece.reversed())
        closed = len(chain) > 1 and math.dist(chain[-1].end, chain[0].start) <= tolerance
        if not closed:
            while True:
                candidates = neighbours(chain[0].start, used)
                if not candidates:
                    break
                _d, index, end_index = candidates[0]
                used.add(index)
                piece = open_pieces[index]
                chain.insert(0, piece if end_index == 1 else piece.reversed())
            closed = len(chain) > 1 and math.dist(chain[-1].end, chain[0].start) <= tolerance
        if not closed:
            gap = math.dist(chain[-1].end, chain[0].start)
            a, b = chain[-1].end, chain[0].start
            problems.append(f"open contour of {len(chain)} entit{'y' if len(chain) == 1 else 'ies'}: gap of "
                            f"{gap:.3f} mm between ({a[0]:.2f}, {a[1]:.2f}) and ({b[0]:.2f}, {b[1]:.2f})")
            continue
        ring: list[Point] = []
        for piece in chain:
            ring.extend(piece.points[:-1])
        contours.append((chain, ring))
    return contours


def _parts(contours, problems: list[str]) -> list[tuple[Contour, list[Contour]]]:
    items = []
    for chain, ring in contours:
        contour = Contour(tuple(ring), sum(s.length for s in chain), len(chain),
                          sum(s.area_correction for s in chain))
        polygon = contour.polygon
        if len(ring) < 3:
            continue
        if not polygon.is_valid:
            where = explain_validity(polygon)
            problems.append(f"contour crosses itself: {where} (contour starting at {ring[0][0]:.2f}, "
                            f"{ring[0][1]:.2f})")
            continue
        if polygon.area <= 0:
            continue
        items.append((contour, polygon))
    items.sort(key=lambda item: -item[1].area)
    # depth = number of contours containing it: even = outer contour of a part, odd = hole
    depth = []
    for i, (_c, polygon) in enumerate(items):
        inside = [j for j in range(i) if items[j][1].contains(polygon)]
        for j in range(i):
            other = items[j][1]
            if j not in inside and other.intersects(polygon) and not other.touches(polygon):
                x, y = polygon.exterior.coords[0]
                problems.append(f"two contours cross each other near ({x:.2f}, {y:.2f})")
        depth.append((len(inside), inside))
    parts: dict[int, list[Contour]] = {}
    for i, (level, inside) in enumerate(depth):
        if level % 2 == 0:
            parts[i] = []
    for i, (level, inside) in enumerate(depth):
        if level % 2 == 1:
            owner = max(inside, key=lambda j: depth[j][0])  # the innermost container
            parts.setdefault(owner, []).append(items[i][0])
    return [(items[i][0], holes) for i, holes in sorted(parts.items())]


def _assemble(outer: Contour, holes: list[Contour], bends: list[Segment], engrave: list[Segment]) -> PartGeometry:
    shape = Polygon(outer.points)
    bend_count, bend_length = 0, 0.0
    for s in bends:
        line = LineString(s.points)
        if shape.intersects(line):
            bend_count += 1
            bend_length += line.intersection(shape).length
    engrave_length = sum(s.length for s in engrave if shape.intersects(LineString(s.points)))
    return PartGeometry(outer, tuple(holes), bend_count, bend_length, engrave_length)
