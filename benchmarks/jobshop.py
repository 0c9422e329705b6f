"""Makespan for plain and flexible job shops (the classical benchmark problems), around OR-Tools CP-SAT.

Plain CP-SAT on the whole model (built through PyJobShop) is strong on small shops and weak with many
jobs on few machines: the model is large, and with two workers little of CP-SAT's own neighbourhood
search runs (measured on Taillard ta71, 100 jobs x 20 machines: 30 s of CP-SAT from the greedy plan
leaves it at 5947-5977 against an optimum of 5464, with or without CP-SAT's LNS-only mode). So:

- every search starts with the greedy plan and CP-SAT on the whole shop, for half the time up to 500
  operations and a few seconds above;
- a plain job shop (one machine per operation) then goes to a tabu search on the critical path: swap
  the first or last two operations of a block of one machine on a longest path (the N5 neighbourhood of
  Nowicki and Smutnicki, 1996), each move judged by Taillard's (1994) estimate from heads and tails,
  the chosen one applied and the schedule recomputed; back to the best schedule, shaken, after a long
  run without improvement. On ta71 it reaches the optimum in 30 s;
- a flexible job shop (a choice of machines) goes to a neighbourhood search around the same CP-SAT
  model: everything outside a neighbourhood (a time window, a few machines or a few jobs) keeps its
  machine and its order on it, and CP-SAT re-optimises the rest for a second or so, with the incumbent
  as hint; the neighbourhood grows after proven steps and shrinks after unfinished ones. Every few
  seconds the tabu search gets the machines as they are chosen for a short run.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

SEQUENCING_EVERY = 8.0  # seconds of CP-SAT neighbourhoods between tabu runs on a flexible shop's machines
SEQUENCING_SECONDS = 2.0

Key = tuple[int, int]  # (job, operation index)
Solution = dict[Key, tuple[int, int, int]]  # operation -> (machine, start, duration)


@dataclass(frozen=True)
class JobShop:
    """Jobs as operation lists; each operation a tuple of (machine, duration) options (one: plain shop)."""

    machines: int
    jobs: tuple[tuple[tuple[tuple[int, int], ...], ...], ...]
    name: str = ""

    def __post_init__(self):
        for j, job in enumerate(self.jobs):
            for i, options in enumerate(job):
                if not options:
                    raise ValueError(f"job {j} operation {i} has no machine")
                for machine, duration in options:
                    if not 0 <= machine < self.machines or duration <= 0:
                        raise ValueError(f"job {j} operation {i}: machine {machine} or duration {duration} invalid")

    @property
    def operations(self) -> int:
        return sum(len(job) for job in self.jobs)


def makespan(solution: Solution) -> int:
    return max((s + d for _m, s, d in solution.values()), default=0)


def check(shop: JobShop, solution: Solution) -> list[str]:
    """Every violation: missing operations, a machine or duration that is not an option, an operation
    before its job's previous one, two operations at once on a machine."""
    problems = []
    by_machine: dict[int, list[tuple[int, int, Key]]] = {}
    for j, job in enumerate(shop.jobs):
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
            if start < 0:
                problems.append(f"job {j} op {i} starts before time 0")
            previous_end = start + duration
            by_machine.setdefault(machine, []).append((start, start + duration, (j, i)))
    for machine, items in by_machine.items():
        items.sort()
        for (_a1, b1, k1), (a2, _b2, k2) in zip(items, items[1:]):
            if a2 < b1:
                problems.append(f"machine {machine}: {k1} and {k2} overlap")
    return problems


def greedy(shop: JobShop) -> Solution:
    """Most work remaining first; each operation on the machine where it finishes earliest."""
    remaining = [sum(min(d for _m, d in ops) for ops in job) for job in shop.jobs]
    next_op = [0] * len(shop.jobs)
    job_ready = [0] * len(shop.jobs)
    machine_ready = [0] * shop.machines
    solution: Solution = {}
    total = shop.operations
    while len(solution) < total:
        best = None
        for j, job in enumerate(shop.jobs):
            if next_op[j] >= len(job):
                continue
            for machine, duration in job[next_op[j]]:
                start = max(job_ready[j], machine_ready[machine])
                key = (start, -remaining[j], start + duration)
                if best is None or key < best[0]:
                    best = (key, j, machine, start, duration)
        _key, j, machine, start, duration = best
        solution[(j, next_op[j])] = (machine, start, duration)
        remaining[j] -= min(d for _m, d in shop.jobs[j][next_op[j]])
        next_op[j] += 1
        job_ready[j] = machine_ready[machine] = start + duration
    return solution


def sequences(solution: Solution) -> dict[int, list[Key]]:
    by_machine: dict[int, list[tuple[int, int, Key]]] = {}
    for key, (machine, start, duration) in solution.items():
        by_machine.setdefault(machine, []).append((start, start + duration, key))
    return {m: [k for _s, _e, k in sorted(items)] for m, items in by_machine.items()}


def semi_active(shop: JobShop, machine_of: dict[Key, tuple[int, int]], order: dict[int, list[Key]]) -> Solution:
    """Every operation as early as its job and its machine's sequence allow (``machine_of``: operation ->
    (machine, duration); ``order``: machine -> sequence). Raises ValueError on a cyclic order."""
    machine_pred: dict[Key, Key] = {}
    machine_succ: dict[Key, Key] = {}
    for seq in order.values():
        for a, b in zip(seq, seq[1:]):
            machine_pred[b] = a
            machine_succ[a] = b
    waiting = {key: (1 if key[1] > 0 else 0) + (1 if key in machine_pred else 0) for key in machine_of}
    ready = [key for key, count in waiting.items() if count == 0]
    end: dict[Key, int] = {}
    solution: Solution = {}
    while ready:
        key = ready.pop()
        j, i = key
        machine, duration = machine_of[key]
        start = max(end.get((j, i - 1), 0) if i else 0, end.get(machine_pred.get(key), 0) if key in machine_pred else 0)
        solution[key] = (machine, start, duration)
        end[key] = start + duration
        for nxt in ((j, i + 1), machine_succ.get(key)):
            if nxt is not None and nxt in waiting:
                waiting[nxt] -= 1
                if waiting[nxt] == 0:
                    ready.append(nxt)
    if len(solution) != len(machine_of):
        raise ValueError("the machine sequences and the jobs' order form a cycle")
    return solution


class WholeModel:
    """PyJobShop's CP-SAT model of the whole shop (makespan), built once, solved whole or in parts."""

    def __init__(self, shop: JobShop):
        from pyjobshop import Model
        from pyjobshop.solvers.ortools import CPModel

        self.shop = shop
        model = Model()
        machines = [model.add_machine(name=f"M{m}") for m in range(shop.machines)]
        self.task_index: dict[Key, int] = {}
        self.modes: list[tuple[Key, int, int]] = []  # mode index -> (operation, machine, duration)
        for j, job in enumerate(shop.jobs):
            cp_job = model.add_job(name=f"J{j}")
            previous = None
            for i, options in enumerate(job):
                task = model.add_task(cp_job, name=f"J{j}O{i}")
                self.task_index[(j, i)] = len(model.tasks) - 1
                for machine, duration in options:
                    model.add_mode(task, machines[machine], duration)
                    self.modes.append(((j, i), machine, duration))
                if previous is not None:
                    model.add_end_before_start(previous, task)
                previous = task
        model.set_objective(weight_makespan=1)
        self.cp = CPModel(model.data())

    def _var(self, model: cp_model.CpModel, var):
        return model.get_int_var_from_proto_index(var.index)

    def _mode(self, model: cp_model.CpModel, index: int):
        return model.get_bool_var_from_proto_index(self.cp.variables.mode_vars[index].index)

    def hint(self, model: cp_model.CpModel, solution: Solution) -> None:
        model.clear_hints()
        for index, (key, machine, duration) in enumerate(self.modes):
            model.add_hint(self._mode(model, index), solution[key][0] == machine and solution[key][2] == duration)
        for key, (_machine, start, duration) in solution.items():
            task = self.cp.variables.task_vars[self.task_index[key]]
            model.add_hint(self._var(model, task.start), start)
            model.add_hint(self._var(model, task.end), start + duration)

    def run(self, model: cp_model.CpModel, seconds: float, workers: int, seed: int = 0
            ) -> tuple[Solution | None, str]:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        name = solver.status_name(solver.solve(model))
        if name not in ("OPTIMAL", "FEASIBLE"):
            return None, name
        solution: Solution = {}
        for index, (key, machine, duration) in enumerate(self.modes):
            if solver.value(self._mode(model, index)):
                task = self.cp.variables.task_vars[self.task_index[key]]
                solution[key] = (machine, solver.value(self._var(model, task.start)), duration)
        return solution, name

    def neighbourhood(self, incumbent: Solution, free: set[Key]) -> cp_model.CpModel:
        """The whole model with every operation outside ``free`` kept on its machine, in its order there,
        and the makespan no worse than the incumbent's."""
        model = self.cp.model.clone()
        for index, (key, machine, duration) in enumerate(self.modes):
            if key not in free and (incumbent[key][0] != machine or incumbent[key][2] != duration):
                model.add(self._mode(model, index) == 0)
        tasks = self.cp.variables.task_vars
        for seq in sequences(incumbent).values():
            kept = [key for key in seq if key not in free]
            for a, b in zip(kept, kept[1:]):
                model.add(self._var(model, tasks[self.task_index[a]].end)
                          <= self._var(model, tasks[self.task_index[b]].start))
        model.add(self._var(model, self.cp.variables.makespan_var) <= makespan(incumbent))
        self.hint(model, incumbent)
        return model


def _as_chosen(shop: JobShop, solution: Solution) -> JobShop:
    """The shop with every operation on the machine ``solution`` chose for it (a plain job shop)."""
    return JobShop(shop.machines, tuple(tuple(((solution[(j, i)][0], solution[(j, i)][2]),) for i in range(len(job)))
                                        for j, job in enumerate(shop.jobs)))


def _neighbours(shop: JobShop, incumbent: Solution, rng: random.Random, target: int) -> set[Key]:
    """A longest path with some operations around it, a time window, the operations of a few machines, or
    of a few jobs."""
    kind = rng.random()
    if kind < 0.3:  # the operations that make the makespan, free to change machine and order
        state = _Sequences(_as_chosen(shop, incumbent), incumbent)
        free = {state.keys[o] for block in state.critical_blocks(rng) for o in block}
        others = [k for k in incumbent if k not in free]
        rng.shuffle(others)
        free.update(others[:max(0, target - len(free))])
        return free
    if kind < 0.55:
        ordered = sorted(incumbent, key=lambda k: incumbent[k][1])
        first = rng.randrange(0, max(1, len(ordered) - target))
        return set(ordered[first:first + target])
    free: set[Key] = set()
    if kind < 0.8:
        machines = list(range(shop.machines))
        rng.shuffle(machines)
        for machine in machines:
            free |= {k for k, v in incumbent.items() if v[0] == machine}
            if len(free) >= target:
                break
        return free
    jobs = list(range(len(shop.jobs)))
    rng.shuffle(jobs)
    for j in jobs:
        free |= {(j, i) for i in range(len(shop.jobs[j]))}
        if len(free) >= target:
            break
    return free


def solve(shop: JobShop, seconds: float, workers: int = 2, seed: int = 0, opening: float | None = None,
          on_improvement: Callable[[float, int], None] | None = None) -> tuple[Solution, dict]:
    """The shortest schedule found within ``seconds`` (see the module's description). Returns the schedule
    and what the search did: the opening's status, the method after it, its steps and improvements."""
    started = time.monotonic()
    deadline = started + seconds
    rng = random.Random(seed)
    best = greedy(shop)
    stats = {"steps": 0, "improvements": 0, "opening": "skipped", "method": ""}

    def improved(value: int) -> None:
        stats["improvements"] += 1
        if on_improvement:
            on_improvement(time.monotonic() - started, value)

    n = shop.operations
    whole = WholeModel(shop)
    if opening is None:
        opening = seconds * 0.5 if n <= 500 else min(seconds * 0.1, 5.0)
    if opening > 0:
        model = whole.cp.model.clone()
        whole.hint(model, best)
        candidate, status = whole.run(model, min(opening, deadline - time.monotonic()), workers, seed)
        stats["opening"] = status.lower()
        if candidate is not None and makespan(candidate) <= makespan(best):
            if makespan(candidate) < makespan(best):
                improved(makespan(candidate))
            best = candidate
        if status == "OPTIMAL":
            return best, stats
    if all(len(options) == 1 for job in shop.jobs for options in job):
        stats["method"] = "tabu search"
        best, stats["steps"] = tabu_search(shop, best, deadline - time.monotonic(), seed=seed,
                                           on_improvement=improved)
        return best, stats
    stats["method"] = "CP-SAT neighbourhoods"
    fraction, step_seconds = 0.1, 0.5
    sequenced_at = time.monotonic()
    while time.monotonic() < deadline - 0.05:
        stats["steps"] += 1
        if time.monotonic() - sequenced_at > SEQUENCING_EVERY and deadline - time.monotonic() > 1.0:
            # with the machines as chosen, the tabu search sequences faster than CP-SAT does
            candidate, _moves = tabu_search(_as_chosen(shop, best), best, min(SEQUENCING_SECONDS, deadline - time.monotonic() - 0.5),
                                            seed=rng.randrange(1 << 30))
            if makespan(candidate) < makespan(best):
                improved(makespan(candidate))
                best = candidate
            sequenced_at = time.monotonic()
        free = _neighbours(shop, best, rng, max(4, int(fraction * n)))
        model = whole.neighbourhood(best, free)
        limit = min(step_seconds, max(0.05, deadline - time.monotonic()))
        candidate, status = whole.run(model, limit, workers, rng.randrange(1 << 30))
        if candidate is None:  # no answer at all: on large shops presolve alone can take longer than a step
            fraction, step_seconds = max(0.03, fraction * 0.8), min(5.0, step_seconds * 1.5)
            continue
        if makespan(candidate) < makespan(best):
            improved(makespan(candidate))
        if makespan(candidate) <= makespan(best):
            best = candidate
        if status == "OPTIMAL":
            fraction = min(0.6, fraction * 1.1)
        else:
            fraction = max(0.05, fraction * 0.9)
        step_seconds = max(0.5, step_seconds * 0.95)
    return best, stats


class _Sequences:
    """A plain job shop as machine sequences over numbered operations, with heads and tails.

    head[o]: earliest start; tail[o]: longest path from o's end to the end of the schedule. Critical
    blocks (consecutive operations of one machine on a longest path) give the moves of the tabu search:
    swapping the first two or the last two operations of a block (the N5 neighbourhood of Nowicki and
    Smutnicki), judged by the estimate of Taillard from heads and tails before the whole schedule is
    recomputed."""

    def __init__(self, shop: JobShop, solution: Solution):
        self.keys: list[Key] = []
        index: dict[Key, int] = {}
        for j, job in enumerate(shop.jobs):
            for i in range(len(job)):
                index[(j, i)] = len(self.keys)
                self.keys.append((j, i))
        n = len(self.keys)
        self.duration = [0] * n
        self.machine = [0] * n
        self.job_pred = [-1] * n
        self.job_succ = [-1] * n
        for o, (j, i) in enumerate(self.keys):
            self.machine[o], _s, self.duration[o] = solution[(j, i)]
            if i > 0:
                self.job_pred[o] = o - 1
                self.job_succ[o - 1] = o
        self.order = {m: [index[k] for k in seq] for m, seq in sequences(solution).items()}
        self.index = index
        self.evaluate()

    def evaluate(self) -> None:
        n = len(self.keys)
        mp, ms = [-1] * n, [-1] * n
        for seq in self.order.values():
            for a, b in zip(seq, seq[1:]):
                ms[a] = b
                mp[b] = a
        self.machine_pred, self.machine_succ = mp, ms
        jp, js, p = self.job_pred, self.job_succ, self.duration
        indegree = [(jp[o] >= 0) + (mp[o] >= 0) for o in range(n)]
        stack = [o for o in range(n) if indegree[o] == 0]
        topo = []
        while stack:
            o = stack.pop()
            topo.append(o)
            for s in (js[o], ms[o]):
                if s >= 0:
                    indegree[s] -= 1
                    if indegree[s] == 0:
                        stack.append(s)
        if len(topo) != n:
            raise ValueError("cyclic sequences")
        head = [0] * n
        for o in topo:
            a, b = jp[o], mp[o]
            head[o] = max(head[a] + p[a] if a >= 0 else 0, head[b] + p[b] if b >= 0 else 0)
        tail = [0] * n
        for o in reversed(topo):
            a, b = js[o], ms[o]
            tail[o] = max(tail[a] + p[a] if a >= 0 else 0, tail[b] + p[b] if b >= 0 else 0)
        self.head, self.tail = head, tail
        self.makespan = max(head[o] + p[o] + tail[o] for o in range(n)) if n else 0

    def critical_blocks(self, rng: random.Random) -> list[list[int]]:
        """The blocks of one longest path (a random one where there are ties)."""
        head, tail, p = self.head, self.tail, self.duration
        ends = [o for o in range(len(p)) if head[o] + p[o] == self.makespan and tail[o] == 0]
        o = rng.choice(ends)
        path = [o]
        while head[o] > 0:
            options = [q for q in (self.job_pred[o], self.machine_pred[o]) if q >= 0 and head[q] + p[q] == head[o]]
            o = rng.choice(options)
            path.append(o)
        path.reverse()
        blocks, current = [], [path[0]]
        for a, b in zip(path, path[1:]):
            if self.machine[a] == self.machine[b] and self.machine_succ[a] == b:
                current.append(b)
            else:
                blocks.append(current)
                current = [b]
        blocks.append(current)
        return blocks

    def estimate_swap(self, u: int, v: int) -> int:
        """Makespan bound after swapping adjacent ``u`` then ``v`` on their machine (Taillard 1994)."""
        p, head, tail = self.duration, self.head, self.tail
        jp, js, mp, ms = self.job_pred, self.job_succ, self.machine_pred, self.machine_succ
        a, b = mp[u], ms[v]
        rv = max(head[jp[v]] + p[jp[v]] if jp[v] >= 0 else 0, head[a] + p[a] if a >= 0 else 0)
        ru = max(head[jp[u]] + p[jp[u]] if jp[u] >= 0 else 0, rv + p[v])
        qu = max(tail[js[u]] + p[js[u]] if js[u] >= 0 else 0, tail[b] + p[b] if b >= 0 else 0)
        qv = max(tail[js[v]] + p[js[v]] if js[v] >= 0 else 0, qu + p[u])
        return max(rv + p[v] + qv, ru + p[u] + qu)

    def swap(self, u: int, v: int) -> None:
        seq = self.order[self.machine[u]]
        k = seq.index(u)
        seq[k], seq[k + 1] = v, u

    def solution(self) -> Solution:
        return {self.keys[o]: (self.machine[o], self.head[o], self.duration[o]) for o in range(len(self.keys))}


def tabu_search(shop: JobShop, start: Solution, seconds: float, seed: int = 0,
                on_improvement: Callable[[int], None] | None = None) -> tuple[Solution, int]:
    """Tabu search on the N5 neighbourhood for a plain job shop (one machine per operation); returns the
    best schedule and the number of moves made. Restarts from the best schedule after a long run
    without improvement."""
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    state = _Sequences(shop, start)
    best_order = {m: list(seq) for m, seq in state.order.items()}
    best_span = state.makespan
    n_jobs, n_machines = len(shop.jobs), shop.machines
    tenure_low = 10 + n_jobs // n_machines  # Zhang et al. (2007): L = 10 + n/m, drawn from [L, 1.4 L]
    tabu: dict[tuple[int, int], int] = {}
    moves = stale = 0
    limit = max(1000, 3 * shop.operations)
    while time.monotonic() < deadline:
        moves += 1
        blocks = state.critical_blocks(rng)
        candidates = []
        last = len(blocks) - 1
        for index, block in enumerate(blocks):
            if len(block) < 2:
                continue
            pairs = set()
            if index > 0:
                pairs.add((block[0], block[1]))
            if index < last:
                pairs.add((block[-2], block[-1]))
            if len(blocks) == 1:
                pairs.add((block[0], block[1]))
                pairs.add((block[-2], block[-1]))
            for u, v in pairs:
                if state.job_succ[u] != v:  # two steps of one job on one machine stay in their order
                    candidates.append((state.estimate_swap(u, v), rng.random(), u, v))
        if not candidates:
            break  # the critical path is one job: the schedule is optimal
        candidates.sort()
        chosen = None
        for estimate, _r, u, v in candidates:
            if tabu.get((v, u), -1) < moves or estimate < best_span:
                chosen = (u, v)
                break
        if chosen is None:
            chosen = candidates[rng.randrange(len(candidates))][2:]
        u, v = chosen
        state.swap(u, v)
        tabu[(u, v)] = moves + tenure_low + rng.randrange(tenure_low * 2 // 5 + 1)
        state.evaluate()
        if state.makespan < best_span:
            best_span = state.makespan
            best_order = {m: list(seq) for m, seq in state.order.items()}
            stale = 0
            if on_improvement:
                on_improvement(best_span)
        else:
            stale += 1
            if stale > limit:  # back to the best, shaken by a few random critical swaps
                state.order = {m: list(seq) for m, seq in best_order.items()}
                state.evaluate()
                for _ in range(rng.randint(2, 6)):
                    block = max(state.critical_blocks(rng), key=len)
                    k = rng.randrange(len(block) - 1) if len(block) >= 2 else -1
                    if k >= 0 and state.job_succ[block[k]] != block[k + 1]:
                        state.swap(block[k], block[k + 1])
                        state.evaluate()
                tabu.clear()
                stale = 0
    state.order = best_order
    state.evaluate()
    return state.solution(), moves
