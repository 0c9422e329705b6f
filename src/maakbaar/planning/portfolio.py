"""Two objective orders in one solve: the shop's own and the other of late orders and minutes late first.

A search with late orders first moves only to plans with no more late orders; from where it stalls the better plans
often lie past a plan with one late order more, which it never accepts. A search with minutes late first does take
that road (and the reverse holds as well). So every phase of a solve (the dispatching rules, moving late jobs
forward, the neighbourhood search) runs under both orders, every plan found is scored on both, and each order's
search starts from the best plan found so far under that order, whichever search found it. The plan returned is
the best of all on the shop's order: no plan the solve found is at least as good on every criterion and better on
one (such a plan would come first on any order).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from . import lns
from .bounds import Bound
from .plan import Plan, Score
from .problem import JobSpec, PlanningProblem


def other_order(criteria: tuple[str, ...]) -> tuple[str, ...]:
    """The order searched beside the shop's: the other of late orders and minutes late first, the rest as the
    shop has them."""
    lead = "late_jobs" if criteria[0] == "tardiness" else "tardiness"
    return (lead,) + tuple(c for c in criteria if c != lead)


def proven_by(bound: Bound | None, criteria: tuple[str, ...]) -> Callable[[Score], bool] | None:
    """Whether a plan is at the bound on the leading criteria the bound covers (late orders, minutes late), up
    to the first one it does not cover: no plan is better on what matters most, so a stalled search may end
    there. None without a bound or when the first criterion has none (setups, flow time)."""
    if bound is None:
        return None
    leading = []
    for criterion in criteria:
        if criterion not in ("late_jobs", "tardiness"):
            break
        leading.append(criterion)
    if not leading:
        return None
    return lambda score: all(getattr(score, c) <= getattr(bound, c) for c in leading)


class Pool:
    """The best plan found so far under each of the two orders (with the job order that built it, where a
    dispatching build did). ``problem(order)``: the problem ranked on that order."""

    def __init__(self, problem: PlanningProblem):
        self.shop = problem.criteria
        self.other = other_order(problem.criteria)
        self._problems = {self.shop: problem, self.other: dataclasses.replace(problem, criteria=self.other)}
        self._best: dict[tuple[str, ...], tuple[tuple[int, ...], Plan, list[JobSpec] | None]] = {}

    @property
    def orders(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The two orders in the turns they take: late orders first before minutes late first, whichever the
        shop chose, so that a solve under either order searches the same way and differs only in the plan it
        picks (the two cannot then return plans one of which beats the other on every count, but by chance)."""
        return tuple(sorted((self.shop, self.other), key=lambda order: order[0] != "late_jobs"))

    def problem(self, order: tuple[str, ...]) -> PlanningProblem:
        return self._problems[order]

    def consider(self, plan: Plan, job_order: list[JobSpec] | None = None) -> bool:
        """Keep ``plan`` where it is the best so far under an order; True when it is under the shop's."""
        score = plan.score(self._problems[self.shop])
        better = False
        for order in self.orders:
            rank = score.ordered(order)
            if order not in self._best or rank < self._best[order][0]:
                self._best[order] = (rank, plan, job_order)
                better = better or order == self.shop
            elif job_order is not None and plan is self._best[order][1]:  # the job order that built it
                self._best[order] = (rank, plan, job_order)
        return better

    def best(self, order: tuple[str, ...] | None = None) -> Plan:
        return self._best[order or self.shop][1]

    def job_order(self, order: tuple[str, ...]) -> list[JobSpec] | None:
        return self._best[order][2]


def search(pool: Pool, seconds: float, seed: int = 0, on_plan: Callable[[Plan], None] | None = None,
           on_tick: Callable[[Plan], None] | None = None, rebuild_seconds: float = 0.0,
           bound: Bound | None = None) -> Plan:
    """Two neighbourhood searches side by side for ``seconds``, one per order (``Pool.orders``), a step of each
    in turn, each from the best plan the pool holds under its order. Every plan either finds goes to the pool.
    A search that stalls goes on from the pool's best plan under its order when the other search found a better
    one, else it is kicked (``lns.Search.kick``). The searches end before the time is up only when one stalls
    and the pool's best plan is at the bound (``proven_by``). Returns the pool's best plan on the shop's order.
    ``on_plan``: each better plan on the shop's order; ``on_tick``: the best plan, about once a second.

    The steps are counted, not timed, so a solve under either order makes the same steps and the two differ
    only in the plan they pick and in where the deadline cuts the searches off."""
    pacer = lns.Pacer(time.monotonic() + seconds)
    proven = proven_by(bound, pool.shop)

    def on_found(candidate: Plan) -> None:
        if pool.consider(candidate) and on_plan:
            on_plan(pool.best())

    searches = [lns.Search(pool.problem(order), pool.best(order), seed + n, rebuild_seconds, on_found)
                for n, order in enumerate(pool.orders)]
    next_tick = time.monotonic() + 1.0
    compacting = 0.0
    while True:
        for search in searches:
            if search.stalled:
                if proven is not None and proven(pool.best().score(pool.problem(pool.shop))):
                    return pool.best()
                better = pool.best(search.problem.criteria)
                if better.rank(search.problem) < search.best_rank:
                    search.restart(better)
                else:
                    search.kick()
            if on_tick is not None and time.monotonic() >= next_tick:
                next_tick = time.monotonic() + 1.0
                on_tick(pool.best())
            if not pacer.may_step(compacting):
                return pool.best()
            compacting = search.step(pacer.deadline)
            if compacting is None:  # nothing to move
                return pool.best()
