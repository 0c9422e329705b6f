"""Held-out shops: planning problems from a generator of their own, built without the demo shop's code and never
used to tune the engine (no constant in ``maakbaar.planning`` was chosen on them).

Ten machines (two fiber lasers on two shifts, two press brakes, two welding stations, a deburring machine, a CNC
mill on two shifts, a powder-coating line that may not pause, and a saw), nine operators on their shifts with
skills, changeovers between material families on the lasers and colours on the coating line, releases (material
that arrives later), weights 1 to 3 and due dates spread after Potts and Van Wassenhove over a period set by the
busiest kind of machine: ``load`` 1.1 asks a tenth more of it than it can do by the last due date.
"""

from __future__ import annotations

import datetime as dt
import random

from maakbaar.planning.problem import CRITERIA, JobSpec, MachineSpec, OperationSpec, OperatorSpec, PlanningProblem

ORIGIN = dt.datetime(2027, 3, 1, 6, 0)  # a Monday, 06:00: minute 0
DAY = 1440
# minutes after 06:00: the early shift with its breaks, the late shift with its breaks
EARLY = ((0, 120), (135, 330), (360, 510))
LATE = ((510, 660), (675, 840), (870, 1020))
MATERIALS = ("S235-3", "S235-5", "S355-8", "RVS-2", "ALU-3")
COLOURS = ("RAL9005", "RAL7016", "RAL9010", "RAL5010")
TOOLS = ("V16", "V24", "V35")


def _windows(days: int, shifts, weekdays=range(5)) -> tuple[tuple[int, int], ...]:
    return tuple((d * DAY + a, d * DAY + b) for d in range(days) if d % 7 in weekdays for a, b in shifts)


def _routing(rng: random.Random) -> list[tuple]:
    """One order's steps: (kind, {machine: factor}, run minutes, setup minutes, setup family, may pause,
    may run unattended)."""
    quantity = rng.choice((1, 2, 5, 10, 20, 50))
    scale = 0.5 + quantity ** 0.5 / 3
    steps = []
    if rng.random() < 0.8:
        steps.append(("laser", {"LAS1": 1.0, "LAS2": 1.15}, 25 * scale, 10, rng.choice(MATERIALS), True, True))
        if rng.random() < 0.5:
            steps.append(("deburring", {"ONTB": 1.0}, 12 * scale, 5, "", True, False))
        if rng.random() < 0.75:
            steps.append(("press_brake", {"KB1": 1.0, "KB2": 1.1}, 30 * scale, 25, rng.choice(TOOLS), True, False))
    else:
        steps.append(("saw", {"ZAAG": 1.0}, 10 * scale, 5, "", True, False))
        steps.append(("cnc", {"CNC1": 1.0}, 60 * scale, 45, "", True, True))
    if rng.random() < 0.45:
        steps.append(("welding", {"LAS-W1": 1.0, "LAS-W2": 1.0}, 50 * scale, 10, "", True, False))
    if rng.random() < 0.55:
        steps.append(("coating", {"POED": 1.0}, 35 * scale, 30, rng.choice(COLOURS), False, False))
    return [(kind, machines, max(5, round(minutes * rng.uniform(0.6, 1.5))), *rest)
            for kind, machines, minutes, *rest in steps]


def make(orders: int, seed: int, load: float = 1.1, criteria: tuple[str, ...] = CRITERIA) -> PlanningProblem:
    rng = random.Random(f"held-out-{orders}-{seed}")
    routings = [_routing(rng) for _ in range(orders)]
    # the period the orders are due in: the busiest kind of machine booked ``load`` full over its working days
    demand: dict[str, float] = {}
    for steps in routings:
        for kind, machines_for, minutes, setup, *_ in steps:
            demand[kind] = demand.get(kind, 0) + minutes + setup
    per_workday = {"laser": 2 * 1020, "press_brake": 510 + 1020, "welding": 2 * 510, "deburring": 510, "cnc": 1020,
                   "coating": 1020, "saw": 510}
    period = max(demand[k] / (per_workday[k] * load) for k in demand) * 7 / 5  # calendar days
    days = round(period) + 120
    one, two = _windows(days, EARLY), _windows(days, EARLY + LATE)
    laser_changes = tuple((a, b, 15 if a[:3] == b[:3] else 40) for a in MATERIALS for b in MATERIALS if a != b)
    colour_changes = tuple((a, b, 60 if b == "RAL9010" else 35) for a in COLOURS for b in COLOURS if a != b)
    machines = (
        MachineSpec("LAS1", "laser", two, MATERIALS[0], laser_changes),
        MachineSpec("LAS2", "laser", two, MATERIALS[3], laser_changes),
        MachineSpec("KB1", "press_brake", one),
        MachineSpec("KB2", "press_brake", two),
        MachineSpec("LAS-W1", "welding", one),
        MachineSpec("LAS-W2", "welding", one),
        MachineSpec("ONTB", "deburring", one),
        MachineSpec("CNC1", "cnc", two),
        MachineSpec("POED", "coating", two, COLOURS[0], colour_changes),
        MachineSpec("ZAAG", "saw", one),
    )
    operators = (
        OperatorSpec("anna", one, {"laser": 3, "deburring": 2, "saw": 2}),
        OperatorSpec("bram", _windows(days, LATE), {"laser": 2, "cnc": 3}),
        OperatorSpec("cem", one, {"press_brake": 3, "saw": 1}),
        OperatorSpec("dirk", _windows(days, LATE), {"press_brake": 2, "laser": 1}),
        OperatorSpec("eva", one, {"welding": 3}),
        OperatorSpec("fatima", one, {"welding": 2, "deburring": 1}),
        OperatorSpec("gert", two, {"coating": 2}),
        OperatorSpec("hans", one, {"cnc": 2, "press_brake": 1}),
        OperatorSpec("ilse", one, {"deburring": 1, "saw": 1, "coating": 1}),
    )
    jobs = []
    for n, steps in enumerate(routings):
        key = f"H{n + 1:04d}"
        operations = []
        for i, (kind, machines_for, minutes, setup, family, may_pause, unattended) in enumerate(steps):
            operations.append(OperationSpec(
                key=f"{key}-{i + 1}", job=key, sequence=10 * (i + 1), work_center_type=kind,
                run={m: round(minutes * f) for m, f in machines_for.items()}, setup=setup, setup_family=family,
                may_pause=may_pause, unattended=unattended and rng.random() < 0.5,
                wait_after=240 if kind == "coating" else 0, min_skill=2 if kind == "welding" and rng.random() < 0.3
                else 1, label=kind))
        # due dates after Potts and Van Wassenhove: uniform in [1 - T - R/2, 1 - T + R/2] of the period, with a
        # tardiness factor T = 0.25 and a range R = 0.5; some material arrives later (a release), never less than
        # two working days before the order is due
        due = round(rng.uniform(0.5, 1.0) * period * DAY) // DAY * DAY + 540  # 15:00 on the due day
        release = 0 if rng.random() < 0.7 else max(0, round(rng.uniform(0, 0.8) * due - 2 * DAY) // DAY * DAY)
        weight = rng.choices((1, 2, 3), (70, 20, 10))[0]
        jobs.append(JobSpec(key, f"V{n + 1:04d}", release, due, weight, tuple(operations)))
    return PlanningProblem(ORIGIN, days * DAY, machines, operators, tuple(jobs), criteria=criteria)
