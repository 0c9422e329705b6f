"""Drawing entities as segments with exact lengths and a fine polyline for areas and shapes."""

from __future__ import annotations

import math
from dataclasses import dataclass

Point = tuple[float, float]


@dataclass(frozen=True)
class Segment:
    """A piece of cut path: a line, an arc or a curve, with its exact length and sampled points."""

    kind: str  # line, arc, circle, ellipse, spline
    points: tuple[Point, ...]  # first point = start, last point = end (closed curves repeat the start)
    length: float
    layer: str
    handle: str = ""
    area_correction: float = 0.0  # signed area between the true curve and its sampled chords

    @property
    def start(self) -> Point:
        return self.points[0]

    @property
    def end(self) -> Point:
        return self.points[-1]

    @property
    def closed(self) -> bool:
        return self.kind in ("circle",) or (len(self.points) > 2 and _same(self.start, self.end, 1e-9))

    def reversed(self) -> Segment:
        return Segment(self.kind, tuple(reversed(self.points)), self.length, self.layer, self.handle,
                       -self.area_correction)

    def signature(self, digits: int = 3) -> tuple:
        """The same shape drawn twice gives the same signature, whatever its direction."""
        a = (round(self.start[0], digits), round(self.start[1], digits))
        b = (round(self.end[0], digits), round(self.end[1], digits))
        mid = self.points[len(self.points) // 2]
        return (self.kind, min(a, b), max(a, b), round(self.length, digits),
                (round(mid[0], 1), round(mid[1], 1)))


def _same(a: Point, b: Point, tol: float) -> bool:
    return abs(a[0] - b[0]) <= tol and abs(a[1] - b[1]) <= tol


def line(a: Point, b: Point, layer: str, handle: str = "") -> Segment:
    return Segment("line", (a, b), math.dist(a, b), layer, handle)


def arc(center: Point, radius: float, start_angle: float, end_angle: float, layer: str, handle: str = "",
        sagitta: float = 0.005) -> Segment:
    """Counter-clockwise arc from start_angle to end_angle (degrees); length r*theta exactly."""
    sweep = (end_angle - start_angle) % 360.0
    if sweep == 0:
        sweep = 360.0
    theta = math.radians(sweep)
    count = _arc_steps(radius, theta, sagitta)
    a0 = math.radians(start_angle)
    points = tuple((center[0] + radius * math.cos(a0 + theta * i / count),
                    center[1] + radius * math.sin(a0 + theta * i / count)) for i in range(count + 1))
    phi = theta / count
    return Segment("arc", points, radius * theta, layer, handle, count * radius * radius / 2 * (phi - math.sin(phi)))


def circle(center: Point, radius: float, layer: str, handle: str = "", sagitta: float = 0.005) -> Segment:
    count = _arc_steps(radius, 2 * math.pi, sagitta)
    points = tuple((center[0] + radius * math.cos(2 * math.pi * i / count),
                    center[1] + radius * math.sin(2 * math.pi * i / count)) for i in range(count))
    phi = 2 * math.pi / count
    return Segment("circle", (*points, points[0]), 2 * math.pi * radius, layer, handle,
                   count * radius * radius / 2 * (phi - math.sin(phi)))


def _arc_steps(radius: float, theta: float, sagitta: float) -> int:
    if radius <= sagitta:
        return max(4, int(math.ceil(theta / (math.pi / 8))))
    step = 2 * math.acos(max(-1.0, 1 - sagitta / radius))
    return max(4, min(4096, int(math.ceil(theta / step))))


def curve(kind: str, points: list[Point], layer: str, handle: str = "") -> Segment:
    """A spline or ellipse from densely sampled points; its length is the polyline's (fine enough)."""
    length = sum(math.dist(a, b) for a, b in zip(points, points[1:]))
    return Segment(kind, tuple(points), length, layer, handle)
