"""The plan checker finds every kind of violation planted in a valid plan."""

from __future__ import annotations

import dataclasses

import pytest

from maakbaar.planning.checker import check_plan
from maakbaar.planning.engine import solve
from maakbaar.planning.plan import Plan
from tests.planning_factories import DAY, days, job, machine, op, operator, problem

SHIFT = days(5, breaks=((600, 630),))


@pytest.fixture(scope="module")
def case():
    machines = [machine("L1", "laser", SHIFT), machine("K1", "press_brake", SHIFT), machine("K2", "press_brake", SHIFT),
                machine("W1", "welding", SHIFT)]
    people = [operator("O1", {"laser": 2, "press_brake": 2}, SHIFT), operator("O2", {"press_brake": 1}, SHIFT),
              operator("O3", {"welding": 3}, SHIFT)]
    jobs = []
    for i in range(4):
        jobs.append(job(f"J{i}", [
            op(f"J{i}", 10, "laser", {"L1": 60}, setup=20, setup_family="S235 3" if i % 2 else "S355 5",
               unattended=True),
            op(f"J{i}", 20, "press_brake", {"K1": 45, "K2": 45}, setup=15, setup_family="V24", may_pause=True),
            op(f"J{i}", 30, "subcontract", {}, lead_days=1),
            op(f"J{i}", 40, "welding", {"W1": 40}, may_pause=True),
        ], due=4 * DAY, release=DAY if i == 3 else 0))
    p = problem(machines, people, jobs, horizon=8 * DAY)
    plan = solve(p, time_limit=1.0, use_cpsat=False).plan
    assert check_plan(p, plan) == []
    return p, plan


def plant(plan: Plan, key: str, **changes) -> Plan:
    return Plan(tuple(dataclasses.replace(x, **changes) if x.key == key else x for x in plan.operations))


def kinds(p, plan) -> set[str]:
    return {v.kind for v in check_plan(p, plan)}


def test_precedence(case):
    p, plan = case
    first = plan.by_key()["J0/10"]
    second = plan.by_key()["J0/20"]
    shifted = plant(plan, "J0/20", start=first.end - 10, end=first.end - 10 + (second.end - second.start))
    assert "precedence" in kinds(p, shifted)


def test_overlap_on_a_machine(case):
    p, plan = case
    a, b = plan.by_key()["J0/10"], plan.by_key()["J1/10"]
    assert "overlap" in kinds(p, plant(plan, "J1/10", start=a.start, end=a.start + (b.end - b.start)))


def test_nest_over_a_break(case):
    p, plan = case
    cut = plan.by_key()["J2/10"]
    work = cut.end - cut.start
    broken = plant(plan, "J2/10", start=600 - 10, end=600 - 10 + work)  # runs into the 10:00 break
    assert "calendar" in kinds(p, broken)


def test_outside_working_hours(case):
    p, plan = case
    weld = plan.by_key()["J0/40"]
    night = 2 * DAY + 20 * 60
    assert "calendar" in kinds(p, plant(plan, "J0/40", start=night, end=night + (weld.end - weld.start)))


def test_operator_without_the_skill(case):
    p, plan = case
    assert "skill" in kinds(p, plant(plan, "J0/40", operator="O2"))


def test_operator_in_two_places(case):
    p, plan = case
    by_key = plan.by_key()
    bend_a = by_key["J0/20"]
    other = next(x for x in plan.operations if x.key.endswith("/20") and x.key != "J0/20")
    moved = plant(plan, other.key, machine="K2" if bend_a.machine == "K1" else "K1", operator=bend_a.operator,
                  start=bend_a.start, end=bend_a.end, setup=other.setup)
    assert "operator" in kinds(p, moved)


def test_missing_setup(case):
    p, plan = case
    laser = sorted((x for x in plan.operations if x.machine == "L1"), key=lambda x: x.start)
    first = laser[0]
    assert "setup" in kinds(p, plant(plan, first.key, setup=0, end=first.end - first.setup))


def test_release_date(case):
    p, plan = case
    cut = plan.by_key()["J3/10"]
    assert "release" in kinds(p, plant(plan, "J3/10", start=420, end=420 + (cut.end - cut.start)))


def test_not_eligible_machine_and_missing_operation(case):
    p, plan = case
    assert "machine" in kinds(p, plant(plan, "J0/40", machine="K1"))
    fewer = Plan(tuple(x for x in plan.operations if x.key != "J1/30"))
    assert "missing" in kinds(p, fewer)


def test_subcontract_lead_time(case):
    p, plan = case
    coat = plan.by_key()["J1/30"]
    assert "subcontract" in kinds(p, plant(plan, "J1/30", end=coat.end - 60))


def test_pinned_operation_moved():
    p0 = problem([machine("L1")], [operator("O1", {"laser": 1})],
                 [job("J", [op("J", 10, "laser", {"L1": 30}, fixed_machine="L1", fixed_start=100, unattended=True)],
                      due=DAY)])
    plan = solve(p0, time_limit=0.5, use_cpsat=False).plan
    assert check_plan(p0, plan) == []
    assert "fixed" in kinds(p0, plant(plan, "J/10", start=200, end=230))
