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

from ..reasons import Figure, Reason
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
    """The drawing cannot be used as it is: ``reasons`` holds each reason (a code with its values, written out in
    the reader's language by ``i18n.say``) with where it is; ``problems`` the same in English, for logs."""

    def __init__(self, source: str, problems: list[Reason | str]):
        from ..i18n import say

        self.source = source
        self.reasons = [p if isinstance(p, Reason) else Reason.of("text", text=p) for p in problems]
        self.problems = [say(r, "en") for r in self.reasons]
        super().__init__(f"{source}: " + "; ".join(self.problems))


@dataclass(frozen=True)
class DxfSettings:
    bend_layers: tuple[str, ...] = ("BEND", "BEND*", "BUIG*", "ZET*", "KANT*", "BENDLINE*")
    engrave_layers: tuple[str, ...] = ("ETCH*", "GRAVEER*", "ENGRAVE*", "MARK*", "MARKEER*")
    ignore_layers: tuple[str, ...] = ("DIM*", "MAAT*", "TEXT*", "TEKST*", "DEFPOINTS", "TITLE*", "KADER*")
    tolerance_mm: float = 0.05  # endpoints closer than this are joined
    max_file_bytes: int = 20 * 1024 * 1024
    max_entities: int = 200_000  # after block references and arrays are expanded
    max_block_depth: int = 12  # block references inside block references
    max_coordinate_mm: float = 1e7  # 10 km: anything further out is a broken export, not a part
    max_curve_points: int = 200_000  # points one spline or ellipse may be sampled into
    time_budget_s: float = 20.0  # reading one file takes at most this long
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
        raise DxfProblem(str(path), [Reason.of("dxf.cannot_open", detail=str(error.strerror or error))]) from None
    if size > settings.max_file_bytes:
        raise DxfProblem(str(path), [_too_big(size, settings)])
    return read_dxf_bytes(path.read_bytes(), str(path), settings)


BOM = b"\xef\xbb\xbf"
BINARY_SENTINEL = b"AutoCAD Binary DXF"


def decode_dxf(data: bytes) -> str:
    """The text of an ASCII DXF however it was written: LF, CR LF or old-Mac CR line ends, with or without a
    UTF-8 byte order mark, UTF-8 (R2007 and later, and many exporters) or the code page named in
    ``$DWGCODEPAGE`` (R12 to R2004 written by Windows CAD, e.g. ANSI_1252 with é and ü in layer names)."""
    if data.startswith(BOM):
        text = data[len(BOM):].decode("utf-8", errors="replace")
    else:
        head = data[:65536]
        version = re.search(rb"\$ACADVER\s*?[\r\n]+\s*1\s*?[\r\n]+\s*(AC\d{4})", head)
        try:
            text = data.decode("utf-8")  # plain ASCII, or UTF-8 whatever the header says
        except UnicodeDecodeError:
            if version is not None and version.group(1) >= b"AC1021":
                text = data.decode("utf-8", errors="replace")
            else:
                from ezdxf.tools.codepage import toencoding

                page = re.search(rb"\$DWGCODEPAGE\s*?[\r\n]+\s*3\s*?[\r\n]+\s*(\S+)", head)
                encoding = toencoding(page.group(1).decode("ascii", "replace")) if page else "cp1252"
                try:
                    text = data.decode(encoding, errors="replace")
                except LookupError:
                    text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _Limits:
    """What one file may cost: entities after expansion and a time budget, checked as the reader goes."""

    def __init__(self, source: str, settings: DxfSettings):
        import time

        self.source, self.settings = source, settings
        self._clock = time.monotonic
        self.deadline = self._clock() + settings.time_budget_s
        self.entities = 0
        self._ticks = 0

    def entity(self) -> None:
        self.entities += 1
        if self.entities > self.settings.max_entities:
            raise DxfProblem(self.source, [Reason.of("dxf.too_many_entities", limit=self.settings.max_entities)])
        self.tick()

    def tick(self) -> None:
        self._ticks += 1
        if self._ticks % 256 == 0 and self._clock() > self.deadline:
            raise DxfProblem(self.source, [Reason.of("dxf.too_slow", seconds=round(self.settings.time_budget_s))])

    def coordinate(self, *values: float) -> None:
        limit = self.settings.max_coordinate_mm
        for value in values:
            if not math.isfinite(value) or abs(value) > limit:
                raise _OutOfRange(value)


class _OutOfRange(ValueError):
    def __init__(self, value: float):
        super().__init__(value)
        self.value = value


def read_dxf_bytes(data: bytes, source: str = "drawing", settings: DxfSettings = DxfSettings()) -> list[PartGeometry]:
    """The parts of a DXF file's model space, or ``DxfProblem`` naming what is wrong: never another exception,
    whatever the bytes (a broken, hostile or huge drawing included)."""
    if not data.strip():
        raise DxfProblem(source, [Reason.of("dxf.empty")])
    if len(data) > settings.max_file_bytes:
        raise DxfProblem(source, [_too_big(len(data), settings)])
    binary = data.startswith(BINARY_SENTINEL)
    head = data[len(BOM):2048] if data.startswith(BOM) else data[:2048]
    head = head.lstrip()
    if not binary and not re.match(rb"^\s*0\s*[\r\n]+\s*(SECTION|EOF)", head) and b"SECTION" not in head[:400]:
        raise DxfProblem(source, [Reason.of("dxf.not_dxf")])
    limits = _Limits(source, settings)
    try:
        if binary:
            return _read_binary(data, source, settings, limits)
        text = decode_dxf(data)
        fast = _read_fast(text, source, settings, limits)
        if fast is not None:
            return fast
        return parts_from_document(_ezdxf_read(text, source), source, settings, limits)
    except DxfProblem:
        raise
    except _OutOfRange as error:
        raise DxfProblem(source, [_out_of_range(error, settings)]) from None
    except RecursionError:
        raise DxfProblem(source, [Reason.of("dxf.too_deep")]) from None
    except MemoryError:
        raise DxfProblem(source, [Reason.of("dxf.too_much_memory")]) from None
    except Exception as error:  # noqa: BLE001 - ezdxf, shapely and arithmetic raise many kinds on a broken file
        raise DxfProblem(source, [Reason.of("dxf.unreadable", detail=f"{error.__class__.__name__}: "
                                                                     f"{str(error)[:200]}")]) from None


def _out_of_range(error: _OutOfRange, settings: DxfSettings) -> Reason:
    return Reason.of("dxf.out_of_range", value=f"{error.value:.4g}", limit=f"{settings.max_coordinate_mm:.0e}")


def _too_big(size: int, settings: DxfSettings) -> Reason:
    return Reason.of("dxf.too_big", size=Figure(size / 1e6, 1), limit=Figure(settings.max_file_bytes / 1e6, 0))


def _ezdxf_read(text: str, source: str):
    import ezdxf
    from ezdxf.lldxf.const import DXFError

    try:
        return ezdxf.read(io.StringIO(text))
    except (DXFError, ValueError, TypeError, IndexError, KeyError, AttributeError, EOFError, StopIteration) as error:
        raise DxfProblem(source, [Reason.of("dxf.broken", detail=f"{error.__class__.__name__}: "
                                                                 f"{str(error)[:200]}")]) from None


def _read_binary(data: bytes, source: str, settings: DxfSettings, limits: _Limits) -> list[PartGeometry]:
    import tempfile

    import ezdxf

    with tempfile.NamedTemporaryFile(suffix=".dxf") as handle:
        handle.write(data)
        handle.flush()
        try:
            doc = ezdxf.readfile(handle.name)
        except Exception as error:  # noqa: BLE001 - struct.error, OSError, DXFStructureError for a broken file
            raise DxfProblem(source, [Reason.of("dxf.broken_binary", detail=f"{error.__class__.__name__}: "
                                                                            f"{str(error)[:200]}")]) from None
    return parts_from_document(doc, source, settings, limits)


def _read_fast(text: str, source: str, settings: DxfSettings, limits: _Limits) -> list[PartGeometry] | None:
    """The common flat pattern without building ezdxf's document (see geometry.fast); None: use ezdxf."""
    from . import fast

    found = fast.read_entities(text, IGNORED_TYPES)
    if found is None:
        return None
    units, entities = found
    scale = _scale(units, source)
    sorted_ = _Sorted(settings)
    for kind, layer, handle, codes in entities:
        limits.entity()
        sorted_.seen(layer, kind)
        if kind not in fast.SIMPLE or _matches(layer, settings.ignore_layers):
            continue
        try:
            shapes = fast.pieces(kind, codes)
        except (fast._Unsupported, ValueError, KeyError, TypeError):
            return None  # ezdxf reads it (and names what is wrong)
        sorted_.add(layer, [s for shape in shapes for s in _shape_segments(shape, layer, handle, scale, limits)])
    return _finish(source, units, sorted_, settings, limits)


class _Sorted:
    """Segments sorted by their layer into cut, bend lines and engraving."""

    def __init__(self, settings: DxfSettings):
        self.settings = settings
        self.cut: list[Segment] = []
        self.bends: list[Segment] = []
        self.engrave: list[Segment] = []
        self.found: dict[str, dict[str, int]] = {}  # layer -> entity type -> count, all that the drawing holds

    def seen(self, layer: str, kind: str) -> None:
        kinds = self.found.setdefault(layer, {})
        kinds[kind] = kinds.get(kind, 0) + 1

    def describe(self) -> Reason:
        """What the drawing holds, per layer: 'layer MAAT: 3 DIMENSION, layer BUIG: 2 LINE + 1 ARC'."""
        if not self.found:
            return Reason.of("dxf.holds_nothing")
        parts = []
        for layer in sorted(self.found)[:12]:
            kinds = " + ".join(f"{n} {k}" for k, n in sorted(self.found[layer].items()))
            parts.append(Reason.of("dxf.layer", layer=layer, kinds=kinds))
        more = len(self.found) - 12
        if more > 0:
            parts.append(Reason.of("dxf.more_layers", n=more))
        return Reason.of("dxf.holds", layers=tuple(parts))

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
        raise DxfProblem(source, [Reason.of("dxf.unknown_units", units=str(units))])
    return scale


def _shape_segments(shape: tuple, layer: str, handle: str, scale: float, limits: _Limits) -> list[Segment]:
    """('line', a, b) / ('arc', centre, radius, start deg, end deg) / ('circle', centre, radius), in drawing
    units, as segments in mm; a line of no length is dropped; coordinates beyond the limits are refused."""
    def pt(p) -> Point:
        x, y = float(p[0]) * scale, float(p[1]) * scale
        limits.coordinate(x, y)
        return (x, y)

    if shape[0] == "line":
        a, b = pt(shape[1]), pt(shape[2])
        return [seg.line(a, b, layer, handle)] if math.dist(a, b) >= 1e-9 else []
    radius = float(shape[2]) * scale
    limits.coordinate(radius)
    if shape[0] == "arc":
        start, end = float(shape[3]), float(shape[4])
        limits.coordinate(start, end)
        return [seg.arc(pt(shape[1]), radius, start % 360.0, end % 360.0, layer, handle)] if radius > 0 else []
    return [seg.circle(pt(shape[1]), radius, layer, handle)] if radius > 0 else []


def parts_from_document(doc, source: str, settings: DxfSettings = DxfSettings(),
                        limits: _Limits | None = None) -> list[PartGeometry]:
    limits = limits or _Limits(source, settings)
    _count_expanded(doc, source, settings)
    units = int(doc.header.get("$INSUNITS", 0) or 0)
    scale = _scale(units, source)
    sorted_ = _Sorted(settings)
    for entity, layer in _flatten(doc.modelspace(), None, 0, sorted_, limits):
        if _matches(layer, settings.ignore_layers):
            continue
        try:
            pieces = _segments(entity, layer, scale, settings, limits)
        except _OutOfRange:
            raise
        except (ValueError, ZeroDivisionError, ArithmeticError) as error:
            unreadable = Reason.of("dxf.entity_unreadable", kind=entity.dxftype(), handle=str(entity.dxf.handle),
                                   layer=layer, detail=str(error))
            raise DxfProblem(source, [unreadable]) from None
        sorted_.add(layer, pieces)
    return _finish(source, units, sorted_, settings, limits)


def _finish(source: str, units: int, sorted_: _Sorted, settings: DxfSettings, limits: _Limits) -> list[PartGeometry]:
    """Chain the cut segments into contours, find the parts and their holes, and check what came out."""
    cut, bends, engrave = sorted_.cut, sorted_.bends, sorted_.engrave
    if not cut:
        raise DxfProblem(source, [Reason.of("dxf.no_contour", holds=sorted_.describe())])
    problems: list[Reason] = []
    unit_name = UNIT_NAMES.get(units, str(units))
    cut = _drop_duplicates(cut, problems)
    contours = _chain(cut, settings.tolerance_mm, problems, limits)
    if problems:
        raise DxfProblem(source, problems)
    parts = _parts(contours, problems, limits)
    if problems:
        raise DxfProblem(source, problems)
    if not parts:
        raise DxfProblem(source, [Reason.of("dxf.no_outer", holds=sorted_.describe())])
    bend_lines = _Lines(bends)
    engrave_lines = _Lines(engrave)
    result = []
    for outer, holes in parts:
        limits.tick()
        part = _assemble(outer, holes, bend_lines, engrave_lines)
        size = part.length_mm
        if size > settings.max_part_mm or size < settings.min_part_mm:
            raise DxfProblem(source, [Reason.of("dxf.unbelievable_size", size=f"{size:.4g}", unit=unit_name,
                                                units=str(units))])
        result.append(part)
    return result


def _count_expanded(doc, source: str, settings: DxfSettings) -> None:
    """Refuse at once a drawing whose block references and MINSERT arrays would expand past the entity limit
    (a few kilobytes of nested references can stand for a billion entities), or that refers to itself."""
    memo: dict[str, int] = {}
    busy: set[str] = set()

    def count(entities, depth: int) -> int:
        total = 0
        for entity in entities:
            if entity.dxftype() != "INSERT":
                total += 1
                continue
            name = entity.dxf.get("name", "")
            if name not in memo:
                if name in busy:
                    raise DxfProblem(source, [Reason.of("dxf.self_reference", block=name)])
                block = doc.blocks.get(name)
                busy.add(name)
                memo[name] = 0 if block is None or depth > settings.max_block_depth else count(block, depth + 1)
                busy.discard(name)
            total += 1 + max(1, entity.mcount) * memo[name]
            if total > settings.max_entities:
                raise DxfProblem(source, [Reason.of("dxf.too_many_entities", limit=settings.max_entities)])
        return total

    count(doc.modelspace(), 0)


def _flatten(space, parent_layer: str | None, depth: int, sorted_: _Sorted, limits: _Limits):
    """Every drawing entity with its effective layer; blocks expanded (nested, transformed, MINSERT arrays
    counted out), each counted against the limits as it comes, so a small file of nested references cannot
    grow without end."""
    for entity in space:
        limits.entity()
        kind = entity.dxftype()
        layer = entity.dxf.get("layer", "0")
        if layer == "0" and parent_layer is not None:
            layer = parent_layer  # entities on layer 0 in a block take the layer of the reference
        if kind != "INSERT":
            sorted_.seen(layer, kind)
        if kind in IGNORED_TYPES:
            continue
        if kind == "INSERT":
            if depth >= limits.settings.max_block_depth:
                raise DxfProblem(limits.source, [Reason.of("dxf.blocks_too_deep",
                                                           limit=limits.settings.max_block_depth)])
            copies = entity.multi_insert() if entity.mcount > 1 else (entity,)
            for copy in copies:
                yield from _flatten(copy.virtual_entities(), layer, depth + 1, sorted_, limits)
        elif kind in ("LWPOLYLINE", "POLYLINE"):
            for piece in entity.virtual_entities():
                limits.tick()
                if piece.dxftype() in ("LINE", "ARC"):
                    yield piece, layer
        else:
            yield entity, layer


def _segments(entity, layer: str, scale: float, settings: DxfSettings, limits: _Limits) -> list[Segment]:
    kind = entity.dxftype()
    handle = str(entity.dxf.get("handle", ""))

    def pt(v) -> Point:
        x, y = float(v[0]) * scale, float(v[1]) * scale
        limits.coordinate(x, y)
        return (x, y)

    if kind == "LINE":
        return _shape_segments(("line", entity.dxf.start, entity.dxf.end), layer, handle, scale, limits)
    if kind == "ARC":
        center = entity.dxf.center
        extrusion = entity.dxf.get("extrusion", (0, 0, 1))
        start, end = entity.dxf.start_angle, entity.dxf.end_angle
        if extrusion[2] < 0:  # mirrored (OCS z pointing down): angles run the other way in WCS
            center = (-center[0], center[1])
            start, end = 180 - end, 180 - start
        return _shape_segments(("arc", center, entity.dxf.radius, start, end), layer, handle, scale, limits)
    if kind == "CIRCLE":
        center = entity.dxf.center
        if entity.dxf.get("extrusion", (0, 0, 1))[2] < 0:
            center = (-center[0], center[1])
        return _shape_segments(("circle", center, entity.dxf.radius), layer, handle, scale, limits)
    if kind in ("ELLIPSE", "SPLINE"):
        if kind == "ELLIPSE":
            pt(entity.dxf.center)
            pt(entity.dxf.major_axis)
        else:
            for v in (*entity.control_points, *entity.fit_points):
                pt(v)
        distance = settings.spline_distance_mm / scale
        sampled = entity.flattening(distance) if kind == "ELLIPSE" else entity.flattening(distance, segments=8)
        points = []
        for v in sampled:
            points.append(pt(v))
            if len(points) > settings.max_curve_points:
                raise DxfProblem(limits.source, [Reason.of("dxf.curve_too_long", kind=kind, handle=str(handle),
                                                           layer=layer, limit=settings.max_curve_points)])
            if len(points) % 1024 == 0:
                limits.tick()
        if len(points) < 2:
            return []
        return [seg.curve(kind.lower(), points, layer, handle)]
    return []


def _drop_duplicates(cut: list[Segment], problems: list[Reason]) -> list[Segment]:
    seen: dict[tuple, Segment] = {}
    kept = []
    for s in cut:
        key = s.signature()
        if key in seen:
            other = seen[key]
            problems.append(Reason.of("dxf.duplicate", kind=s.kind, handle=str(s.handle), other=str(other.handle),
                                      x=Figure(s.start[0], 2), y=Figure(s.start[1], 2)))
            continue
        seen[key] = s
        kept.append(s)
    return kept


def _chain(cut: list[Segment], tolerance: float, problems: list[Reason],
           limits: _Limits) -> list[tuple[list[Segment], list[Point]]]:
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
        limits.tick()
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
            problems.append(Reason.of("dxf.open_contour", n=len(chain), gap=Figure(gap, 3), ax=Figure(a[0], 2),
                                      ay=Figure(a[1], 2), bx=Figure(b[0], 2), by=Figure(b[1], 2)))
            continue
        ring: list[Point] = []
        for piece in chain:
            ring.extend(piece.points[:-1])
        contours.append((chain, ring))
    return contours


def _parts(contours, problems: list[Reason], limits: _Limits) -> list[tuple[Contour, list[Contour]]]:
    """Outer contours with their holes. Which contour lies in which is asked of a spatial index (shapely's
    STRtree), so twenty thousand holes cost what their neighbours cost, not every pair."""
    from shapely import STRtree

    items = []
    for chain, ring in contours:
        limits.tick()
        contour = Contour(tuple(ring), sum(s.length for s in chain), len(chain),
                          sum(s.area_correction for s in chain))
        if len(ring) < 3:
            continue
        polygon = contour.polygon
        if not polygon.is_valid:
            where = explain_validity(polygon)
            problems.append(Reason.of("dxf.self_crossing", where=where, x=Figure(ring[0][0], 2),
                                      y=Figure(ring[0][1], 2)))
            continue
        if polygon.area <= 0:
            continue
        items.append((contour, polygon))
    items.sort(key=lambda item: -item[1].area)
    polygons = [polygon for _c, polygon in items]
    tree = STRtree(polygons)
    # depth = number of contours containing it: even = outer contour of a part, odd = hole
    depth = []
    for i, polygon in enumerate(polygons):
        limits.tick()
        larger = sorted(int(j) for j in tree.query(polygon) if j < i)  # bounding boxes meet, and larger
        inside = [j for j in larger if polygons[j].contains(polygon)]
        for j in larger:
            other = polygons[j]
            if j not in inside and other.intersects(polygon) and not other.touches(polygon):
                x, y = polygon.exterior.coords[0]
                problems.append(Reason.of("dxf.contours_cross", x=Figure(x, 2), y=Figure(y, 2)))
                if len(problems) >= 50:
                    return []
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


class _Lines:
    """Bend or engrave lines with a spatial index, so each part looks only at the lines near it."""

    def __init__(self, segments: list[Segment]):
        from shapely import STRtree

        self.segments = segments
        self.lines = [LineString(s.points) for s in segments]
        self.tree = STRtree(self.lines) if self.lines else None

    def near(self, shape: Polygon) -> list[tuple[Segment, LineString]]:
        if self.tree is None:
            return []
        return [(self.segments[int(i)], self.lines[int(i)]) for i in sorted(self.tree.query(shape))]


def _assemble(outer: Contour, holes: list[Contour], bends: _Lines, engrave: _Lines) -> PartGeometry:
    shape = Polygon(outer.points)
    bend_count, bend_length = 0, 0.0
    for _s, line in bends.near(shape):
        if shape.intersects(line):
            bend_count += 1
            bend_length += line.intersection(shape).length
    engrave_length = sum(s.length for s, line in engrave.near(shape) if shape.intersects(line))
    return PartGeometry(outer, tuple(holes), bend_count, bend_length, engrave_length)
