"""Pins (operations the planner fixed by dragging them on the board) that a later change makes impossible are
dropped and named, never a failed plan: the breakdown of the machine before them, a breakdown under them, a
pinned time that has passed, two pins on one machine at once. Every plan is checked by the plan checker."""

from __future__ import annotations

import pytest

from maakbaar.planning.checker import check_plan
from maakbaar.planning.engine import replan, solve
from tests.planning_factories import ALWAYS, job, machine, problem
from tests.planning_factories import op as operation


def op(*args, **kw):
    return operation(*args, needs_operator=False, **kw)  # machines only: the pins are what is tested

# the press brake (KB) works from minute 0 on, except during a breakdown of 0-3000 in the 'broken' shop
BROKEN = ((3000, 30 * 1440),)


def shop(brake_windows=ALWAYS, pin_at: int = 500, pin_second: int | None = None):
    """A laser cut (60 min) then a bend (120 min on KB) then a weld pinned at ``pin_at`` on W1."""
    jobs = [job("A", [op("A", 10, "laser", {"L1": 60}), op("A", 20, "press_brake", {"KB": 120}),
                      op("A", 30, "weld", {"W1": 90}, fixed_machine="W1", fixed_start=pin_at)], due=5000)]
    if pin_second is not None:
        jobs.append(job("B", [op("B", 10, "weld", {"W1": 90}, fixed_machine="W1", fixed_start=pin_second)],
                        due=5000))
    return problem([machine("L1"), machine("KB", "press_brake", brake_windows), machine("W1", "weld")], [], jobs)


def test_a_pin_that_holds_is_kept():
    result = solve(shop(), time_limit=1)
    assert result.plan.by_key()["A/30"].start == 500
    assert result.dropped_pins == ()
    assert check_plan(result.problem, result.plan) == []


@pytest.mark.parametrize("engine", ["solve", "replan"])
def test_the_step_before_breaks_down_and_the_pin_is_dropped_not_the_plan(engine):
    """Before the breakdown the weld could start at 500 (cut 0-60, bend 60-180). With the brake down until 3000,
    the bend ends at 3120 at the earliest: the pin at 500 cannot hold."""
    before = solve(shop(), time_limit=1)
    broken = shop(BROKEN)
    result = solve(broken, time_limit=1) if engine == "solve" else replan(broken, before.plan, time_limit=1)
    assert [(d.operation, d.reason) for d in result.dropped_pins] == [("A/30", "precedence")]
    assert result.unplanned == ()
    planned = result.plan.by_key()
    assert planned["A/20"].start >= 3000  # nothing on the brake in its down time
    assert planned["A/30"].start >= planned["A/20"].end
    assert check_plan(result.problem, result.plan) == []


def test_a_pin_inside_its_own_machines_breakdown_is_dropped():
    down = problem([machine("L1"), machine("KB", "press_brake"), machine("W1", "weld", ((1000, 30 * 1440),))], [],
                   [job("A", [op("A", 10, "weld", {"W1": 90}, fixed_machine="W1", fixed_start=500)], due=5000)])
    result = solve(down, time_limit=1)
    assert [(d.operation, d.reason) for d in result.dropped_pins] == [("A/10", "off_calendar")]
    assert result.plan.by_key()["A/10"].start >= 1000
    assert check_plan(result.problem, result.plan) == []


def test_a_pinned_time_that_has_passed_is_dropped():
    result = solve(shop(pin_at=-120), time_limit=1)
    assert [(d.operation, d.reason) for d in result.dropped_pins] == [("A/30", "past")]
    assert check_plan(result.problem, result.plan) == []


@pytest.mark.parametrize("engine", ["solve", "replan"])
def test_two_pins_on_one_machine_at_once_drop_one_and_keep_the_other(engine):
    two = shop(pin_at=500, pin_second=520)
    if engine == "solve":
        result = solve(two, time_limit=1)
    else:
        result = replan(two, solve(shop(), time_limit=1).plan, time_limit=1)
    assert len(result.dropped_pins) == 1 and result.dropped_pins[0].reason == "taken"
    kept = {"A/30", "B/10"} - {result.dropped_pins[0].operation}
    assert result.plan.by_key()[kept.pop()].start in (500, 520)
    assert result.unplanned == ()
    assert check_plan(result.problem, result.plan) == []
