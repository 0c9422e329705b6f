"""Quoting speed: geometry plus costing over generated DXF parts, against reading them with ezdxf alone."""

from __future__ import annotations

import math
import random
import tempfile
import time
from pathlib import Path

import ezdxf

from maakbaar.costing.model import CostTables, MaterialInput, PartInput, quote_part
from maakbaar.geometry import read_dxf

STEEL = MaterialInput("S235JR", "steel", 7850, 1.3, 1.92)


def typical(rng: random.Random, path: Path) -> None:
    """A bracket or plate: outline with rounded corners (lines and arcs), holes and a slot: 15-40 entities."""
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 4
    msp = doc.modelspace()
    w, h, r = rng.uniform(80, 900), rng.uniform(40, 600), rng.uniform(2, 10)
    msp.add_line((r, 0), (w - r, 0))
    msp.add_line((w, r), (w, h - r))
    msp.add_line((w - r, h), (r, h))
    msp.add_line((0, h - r), (0, r))
    for cx, cy, a0 in ((w - r, r, 270), (w - r, h - r, 0), (r, h - r, 90), (r, r, 180)):
        msp.add_arc((cx, cy), r, a0, a0 + 90)
    columns, rows = rng.randint(2, 6), rng.randint(2, 4)
    radius = min(8.0, w / (4 * columns + 4), h / (4 * rows + 4))
    for i in range(columns):
        for j in range(rows):
            msp.add_circle((w * (0.3 + 0.6 * i / columns), h * (0.25 + 0.5 * j / rows)), radius)
    slot = min(h * 0.05, w * 0.05)  # slot width; its round ends stick out by half of it
    sx, sy = w * 0.05 + slot, h * 0.45
    msp.add_lwpolyline([(sx, sy, 0, 0, 0), (sx + w * 0.1, sy, 0, 0, 1), (sx + w * 0.1, sy + slot, 0, 0, 0),
                        (sx, sy + slot, 0, 0, 1)], format="xyseb", close=True)
    doc.saveas(path)


def complex_(rng: random.Random, path: Path, segments: int) -> None:
    """A wavy outline of many small lines and a spline hole: up to 2000 entities."""
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 4
    msp = doc.modelspace()
    points = []
    for i in range(segments):
        a = 2 * math.pi * i / segments
        radius = 300 + 15 * math.sin(12 * a) + rng.uniform(-0.5, 0.5)
        points.append((radius * math.cos(a), radius * math.sin(a)))
    for a, b in zip(points, points[1:] + points[:1]):
        msp.add_line(a, b)
    fit = [(60 * math.cos(t) + 20 * math.cos(3 * t), 60 * math.sin(t)) for t in
           [2 * math.pi * k / 12 for k in range(12)]]
    msp.add_spline(fit + [fit[0]])
    doc.saveas(path)


def with_blocks(rng: random.Random, path: Path) -> None:
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 4
    hole = doc.blocks.new("HOLE")
    hole.add_circle((0, 0), 3)
    plate = doc.blocks.new("PLATE")
    plate.add_lwpolyline([(0, 0), (100, 0), (100, 60), (0, 60)], close=True)
    for x in (15, 50, 85):
        plate.add_blockref("HOLE", (x, 30))
    doc.modelspace().add_blockref("PLATE", (rng.uniform(0, 500), rng.uniform(0, 500)),
                                  dxfattribs={"xscale": 2, "yscale": 2, "rotation": rng.uniform(0, 90)})
    doc.saveas(path)


def generate(folder: Path, count: int, seed: int = 5) -> dict[str, list[Path]]:
    rng = random.Random(seed)
    files: dict[str, list[Path]] = {"typical": [], "complex": [], "blocks": []}
    for i in range(count):
        kind = "typical" if i % 10 < 7 else ("complex" if i % 10 < 9 else "blocks")
        path = folder / f"{kind}-{i:04d}.dxf"
        if kind == "typical":
            typical(rng, path)
        elif kind == "complex":
            complex_(rng, path, rng.choice((200, 500, 1000, 2000)))
        else:
            with_blocks(rng, path)
        files[kind].append(path)
    return files


def run(count: int = 200, repeats: int = 3) -> str:
    tables = CostTables.default()
    lines = ["| parts | kind | ezdxf read s | ours (geometry + costing) s | parts/s ours | ratio to ezdxf |",
             "|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        files = generate(Path(tmp), count)
        for kind, paths in (*files.items(), ("all", [p for ps in files.values() for p in ps])):
            best_read = best_ours = float("inf")
            for _ in range(repeats):
                started = time.perf_counter()
                for path in paths:
                    ezdxf.readfile(path)
                best_read = min(best_read, time.perf_counter() - started)
                started = time.perf_counter()
                for path in paths:
                    for g in read_dxf(path):
                        quote_part(PartInput("p", STEEL, 3, g.cut_length_mm, g.pierces, g.net_area_mm2, g.length_mm,
                                             g.width_mm, g.rapid_mm), [1, 10, 50, 250], tables)
                best_ours = min(best_ours, time.perf_counter() - started)
            lines.append(f"| {len(paths)} | {kind} | {best_read:.3f} | {best_ours:.3f} | {len(paths) / best_ours:.0f} | "
                         f"{best_ours / best_read:.2f} |")
            print(lines[-1], flush=True)
    lines.append("")
    lines.append("Best of the repeats; one core (the program is single-threaded). Ratio = our time / ezdxf.readfile "
                 "time for the same files (the floor: we read them with ezdxf too).")
    return "\n".join(lines)
