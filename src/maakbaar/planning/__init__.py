"""The planning engine: plain data in (a PlanningProblem), plain data out (a Plan). No database, no web.

The public API, importable from ``maakbaar.planning``:

- the problem: ``PlanningProblem`` with its ``MachineSpec``, ``OperatorSpec``, ``JobSpec`` and
  ``OperationSpec`` (validated, in integer minutes from an origin), ``build_problem`` from a shop's plain data,
  ``objective_order`` and ``CRITERIA``;
- solving: ``solve`` (dispatching rules, CP-SAT through PyJobShop, then large-neighbourhood search, within a time
  limit, reporting ``Progress``) and ``replan`` (after an event, moving as little as possible), both returning a
  ``PlanResult`` with its ``Plan`` and ``Score``;
- checking: ``check_plan`` lists every ``Violation`` (an independent checker, not the solver's model);
- explaining: ``explain_late`` (why an order is late), ``promise`` (when a new job can be ready), ``bottleneck``.

The modules behind it: ``dispatch`` and ``resequence`` (priority rules), ``cpsat``, ``lns``, ``bounds`` (what no
plan can beat), ``state`` and ``timeline`` (placing operations in calendars), ``engine`` (the phases).
"""

from .checker import Violation, check_plan
from .engine import DroppedPin, PlanningError, PlanResult, Unplanned, replan, solve
from .explain import bottleneck, explain_late, promise
from .from_shop import build_problem
from .plan import Plan, PlannedOperation, Score
from .problem import CRITERIA, JobSpec, MachineSpec, OperationSpec, OperatorSpec, PlanningProblem, ProblemError, \
    objective_order
from .progress import Progress

__all__ = ["CRITERIA", "DroppedPin", "JobSpec", "MachineSpec", "OperationSpec", "OperatorSpec", "Plan",
           "PlannedOperation", "PlanningError", "PlanningProblem", "PlanResult", "ProblemError", "Progress", "Score",
           "Unplanned", "Violation", "bottleneck", "build_problem", "check_plan", "explain_late", "objective_order",
           "promise", "replan", "solve"]
