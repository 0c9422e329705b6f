"""Improve a plan with OR-Tools CP-SAT through PyJobShop, objective by objective (lexicographic).

The CP model is a coarse copy of the problem: time in units of ``unit`` minutes, machines and operators
as resources whose breaks are their non-working time, a mode per (machine, qualified operator) pair,
sequence-dependent setups from the setup families, subcontracted steps as fixed durations. The solver
decides who does what in which order; the exact times are then recomputed by the same placement rules
the dispatcher uses (``decode``), so every plan handed on is exact and passes the plan checker. The
incumbent plan is passed as a hint.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from ortools.sat.python import cp_model
from .progress import Progress  # noqa: F401  (reported from here)
from pyjobshop import Model
from pyjobshop.solvers.ortools import CPModel

from .dispatch import place_fixed, place_in_order
from .plan import Plan
from .problem import OperationSpec, PlanningProblem
from .state import PlacementError, ShopState
from .timeline import Windows


def _breaks(windows: Windows, horizon_units: int, unit: int) -> list[tuple[int, int]]:
    """Non-working time in units, rounding working windows inwards (a unit is working only if fully so)."""
    inner = []
    for a, b in windows.spans:
        ua, ub = math.ceil(a / unit), b // unit
        if ub > ua:
            inner.append((ua, ub))
    return Windows(inner).complement(horizon_units)


class CpsatImprover:
    def __init__(self, problem: PlanningProblem, unit: int = 10):
        self.problem = problem
        self.unit = unit
        self.model = Model()
        self.horizon_units = math.ceil(problem.horizon / unit)
        self.mode_choice: dict[int, tuple[str, str | None, str | None]] = {}  # mode index -> (op, machine, operator)
        self.task_of: dict[str, object] = {}
        self._build()

    def _units(self, minutes: int) -> int:
        return math.ceil(minutes / self.unit)

    def _build(self) -> None:
        problem, model, unit = self.problem, self.model, self.unit
        machines = {m.code: model.add_machine(breaks=_breaks(m.calendar, self.horizon_units, unit), name=m.code)
                    for m in problem.machines}
        operators = {o.code: model.add_renewable(1, breaks=_breaks(o.calendar, self.horizon_units, unit), name=o.code)
                     for o in problem.operators}
        tasks_on: dict[str, list[tuple[object, OperationSpec]]] = {m: [] for m in machines}
        mode_count = 0
        for job in problem.jobs:
            cp_job = model.add_job(weight=job.weight, release_date=max(0, job.release // unit),
                                   due_date=max(0, job.due // unit), name=job.key)
            previous = None
            for op in job.operations:
                fixed = None if op.fixed_start is None else op.fixed_start // unit
                task = model.add_task(
                    cp_job, earliest_start=fixed if fixed is not None else 0,
                    latest_start=fixed if fixed is not None else self.horizon_units,
                    latest_end=self.horizon_units,
                    allow_breaks=op.may_pause and not op.is_subcontracted, name=op.key)
                self.task_of[op.key] = task
                if op.is_subcontracted:
                    days = op.lead_days * 7 / 5 + (1 if op.lead_days else 0)
                    model.add_mode(task, [], self._units(int(days * 1440)))
                    self.mode_choice[mode_count] = (op.key, None, None)
                    mode_count += 1
                else:
                    for machine in op.eligible:
                        duration = self._units(op.run[machine])
                        tasks_on[machine].append((task, op))
                        if op.unattended or not op.needs_operator:
                            model.add_mode(task, [machines[machine]], duration)
                            self.mode_choice[mode_count] = (op.key, machine, None)
                            mode_count += 1
                            continue
                        for operator in problem.qualified_operators(op):
                            model.add_mode(task, [machines[machine], operators[operator.code]], duration, [0, 1])
                            self.mode_choice[mode_count] = (op.key, machine, operator.code)
                            mode_count += 1
                if previous is not None:
                    model.add_end_before_start(self.task_of[previous.key], task,
                                               delay=self._units(previous.wait_after))
                previous = op
        for machine, items in tasks_on.items():
            spec = problem.machine_by_code[machine]
            for task1, op1 in items:
                for task2, op2 in items:
                    if task1 is task2:
                        continue
                    minutes = spec.changeover(op1.setup_family, op2)
                    if minutes:
                        model.add_setup_time(machines[machine], task1, task2, self._units(minutes))
        self.has_setups = bool(self.model.constraints.setup_times)
        model.set_objective(weight_tardy_jobs=1, weight_total_tardiness=1,
                            weight_total_setup_time=1 if self.has_setups else 0, weight_total_flow_time=1)

    def _expressions(self, cp: CPModel):
        data = self.model.data()
        v = cp.variables
        weights = [job.weight for job in data.jobs]
        late = cp_model.LinearExpr.weighted_sum(v.is_tardy_vars, weights)
        tardiness = cp_model.LinearExpr.weighted_sum(v.tardiness_vars, weights)
        flow = cp_model.LinearExpr.weighted_sum(v.flow_time_vars, weights)
        from pyjobshop.solvers.utils import setup_times_matrix

        matrix = setup_times_matrix(data)
        setup_terms = []
        for res_idx in (data.machine_idcs if self.has_setups else ()):
            seq = v.sequence_vars[res_idx]
            if not seq.is_active:
                continue
            for (i, j), arc in seq.arcs.items():
                if i == seq.DUMMY or j == seq.DUMMY or matrix is None:
                    continue
                if matrix[res_idx, i, j]:
                    setup_terms.append(arc * int(matrix[res_idx, i, j]))
        setup = cp_model.LinearExpr.sum(setup_terms)
        return {"late_jobs": late, "tardiness": tardiness, "setup": setup, "flow_time": flow}

    def _hint(self, cp: CPModel, plan: Plan) -> None:
        data = self.model.data()
        v = cp.variables
        planned = plan.by_key()
        task_index = {task.name: i for i, task in enumerate(data.tasks)}
        cp.model.clear_hints()
        for mode_idx, (key, machine, operator) in self.mode_choice.items():
            p = planned.get(key)
            if p is None:
                continue
            chosen = p.machine == machine and (operator is None or p.operator == operator)
            cp.model.add_hint(v.mode_vars[mode_idx], 1 if chosen else 0)
        for key, p in planned.items():
            if key in task_index:
                cp.model.add_hint(v.task_vars[task_index[key]].start, p.start // self.unit)

    def decode(self, assignment: dict[str, tuple[str | None, str | None, int]]) -> Plan:
        """Exact times for the solver's choices: in the solver's start order, each operation at its earliest
        feasible time on its chosen machine (and operator, where it needs one)."""
        problem = self.problem
        state = ShopState(problem)
        place_fixed(state, lambda job, op: assignment.get(op.key, (None, None, 0))[2])
        order = sorted(problem.operation_by_key.values(),
                       key=lambda op: (assignment.get(op.key, (None, None, 0))[2], op.sequence))

        def choose(op):
            machine, operator, _start = assignment.get(op.key, (None, None, 0))
            return ((machine,) if machine in op.run else None), (None if operator is None else (operator, None))

        place_in_order(state, order, choose)
        return Plan(tuple(state.planned[op.key] for job in problem.jobs for op in job.operations), method="cpsat")

    def improve(self, incumbent: Plan, time_limit: float, workers: int = 2,
                on_progress: Callable[[Progress], None] | None = None,
                on_plan: Callable[[Plan], None] | None = None) -> tuple[Plan, str]:
        """Lexicographic stages within ``time_limit``; returns the best exact plan and the final status."""
        problem = self.problem
        started = time.monotonic()
        deadline = started + time_limit
        cp = CPModel(self.model.data())
        expressions = self._expressions(cp)
        best, best_rank = incumbent, incumbent.rank(problem)
        self._hint(cp, incumbent)
        status_text = "time limit"
        stages = list(problem.criteria)
        for index, criterion in enumerate(stages):
            remaining = deadline - time.monotonic()
            if remaining <= 0.2:
                break
            share = remaining / (len(stages) - index) if index else remaining * 0.5
            cp.model.minimize(expressions[criterion])
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = max(0.2, share)
            solver.parameters.num_workers = workers
            callback = _Callback(criterion, started, on_progress)
            code = solver.solve(cp.model, callback)
            name = solver.status_name(code)
            if name not in ("OPTIMAL", "FEASIBLE"):
                status_text = f"{criterion}: {name.lower()}"
                break
            assignment = self._assignment(cp, solver)
            try:
                plan = self.decode(assignment)
            except PlacementError as error:
                status_text = f"decode failed: {error}"
                break
            rank = plan.rank(problem)
            if rank < best_rank:
                best, best_rank = plan, rank
                if on_plan:
                    on_plan(plan)
            value = int(round(solver.objective_value))
            cp.model.add(expressions[criterion] <= value)
            self._hint(cp, best)
            status_text = "optimal" if name == "OPTIMAL" and index == len(stages) - 1 else name.lower()
        return best, status_text

    def _assignment(self, cp: CPModel, solver: cp_model.CpSolver) -> dict[str, tuple[str | None, str | None, int]]:
        data = self.model.data()
        v = cp.variables
        out = {}
        for mode_idx, (key, machine, operator) in self.mode_choice.items():
            if solver.value(v.mode_vars[mode_idx]):
                task_idx = data.modes[mode_idx].task
                out[key] = (machine, operator, solver.value(v.task_vars[task_idx].start) * self.unit)
        return out


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, phase: str, started: float, on_progress):
        super().__init__()
        self.phase, self.started, self.on_progress = phase, started, on_progress

    def on_solution_callback(self) -> None:
        if self.on_progress:
            self.on_progress(Progress(self.phase, time.monotonic() - self.started, self.objective_value,
                                      self.best_objective_bound))
