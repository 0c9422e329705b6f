"""The planning engine on hand-made shops whose best plan is known, checked by the plan checker."""

from __future__ import annotations

import dataclasses
import json

import pytest

from maakbaar.i18n import say
from maakbaar.planning import dispatch as dispatching
from maakbaar.planning.checker import check_plan
from maakbaar.planning.engine import diagnose, replan, solve
from maakbaar.planning.problem import ProblemError
from maakbaar.planning.timeline import Windows
from tests.planning_factories import DAY, days, job, machine, op, operator, problem
from tests.conftest import DEMO_START


def solved(p, seconds: float = 3.0, **kw):
    result = solve(p, time_limit=seconds, **kw)
    assert check_plan(result.problem, result.plan) == []
    return result


# ------------------------------------------------------------------ calendar arithmetic


def test_windows_arithmetic_by_hand():
    w = Windows([(420, 600), (630, 960), (1860, 2040)])
    assert w.working_between(0, 10_000) == 180 + 330 + 180
    assert w.advance(420, 180) == 600
    assert w.advance(420, 181) == 631  # pauses over the break 600-630
    assert w.advance(900, 120) == 1920  # over the night
    assert w.contiguous_end(700) == 960 and w.contiguous_end(610) is None
    assert w.next_working(605) == 630
    assert w.intersect(Windows([(500, 700)])).spans == ((500, 600), (630, 700))
    assert w.minus([(450, 500)]).spans == ((420, 450), (500, 600), (630, 960), (1860, 2040))


def test_busy_position_finds_the_booking_itself_not_an_equal_one():
    """Two equal items booked at the same start (a zero-length booking beside a real one): ``position`` finds
    the one asked for, by identity, and says so when it is not booked."""
    from maakbaar.planning.timeline import Busy

    busy = Busy()
    first, second, other = ["x"], ["x"], ["y"]
    busy.add(0, 50, other)
    busy.add(50, 50, first)
    busy.add(50, 80, second)
    assert first == second
    assert busy.position(50, first) == 1 and busy.position(50, second) == 2 and busy.position(0, other) == 0
    with pytest.raises(KeyError):
        busy.position(50, ["x"])


# ------------------------------------------------------------------ known best plans


def test_setups_are_grouped():
    """One laser, four jobs alternating two sheet families: the best plan cuts A, A, B, B (two setups)."""
    laser = machine("L1")
    ops_ = []
    jobs = []
    for i, family in enumerate("ABAB"):
        o = op(f"J{i}", 10, "laser", {"L1": 60}, setup=30, setup_family=family, unattended=True)
        jobs.append(job(f"J{i}", [o], due=5 * DAY))
        ops_.append(o)
    p = problem([laser], [operator("O1", {"laser": 2})], jobs)
    result = solved(p)
    sequence = sorted(result.plan.operations, key=lambda x: x.start)
    families = [p.operation_by_key[x.key].setup_family for x in sequence]
    assert families in (list("AABB"), list("BBAA"))
    assert result.score.setup == 2 * 30
    assert result.score.late_jobs == 0


def test_skill_bottleneck_one_welder_for_two_stations():
    """Two welding stations but one welder: the welds cannot overlap; the rush job goes first."""
    stations = [machine("W1", "welding"), machine("W2", "welding")]
    welder = operator("O1", {"welding": 3})
    fitter = operator("O2", {"assembly": 2})
    rush = job("RUSH", [op("RUSH", 10, "welding", {"W1": 120, "W2": 120}, may_pause=True)], due=150, weight=5)
    normal = job("NORMAL", [op("NORMAL", 10, "welding", {"W1": 120, "W2": 120}, may_pause=True)], due=150, weight=2)
    p = problem(stations, [welder, fitter], [normal, rush])
    result = solved(p)
    planned = result.plan.by_key()
    assert planned["RUSH/10"].operator == planned["NORMAL/10"].operator == "O1"
    assert planned["RUSH/10"].end <= 150 and planned["NORMAL/10"].start >= planned["RUSH/10"].end
    assert result.score.late_jobs == 2  # only the weight-2 job is late: the optimum


def test_pinned_operation_stays_and_others_go_around():
    laser = machine("L1")
    pinned = op("P", 10, "laser", {"L1": 120}, unattended=True, fixed_machine="L1", fixed_start=60)
    other = op("Q", 10, "laser", {"L1": 100}, unattended=True)
    p = problem([laser], [operator("O1", {"laser": 1})],
                [job("P", [pinned], due=10 * DAY), job("Q", [other], due=10 * DAY)])
    result = solved(p)
    planned = result.plan.by_key()
    assert (planned["P/10"].start, planned["P/10"].end) == (60, 180)
    assert planned["Q/10"].start >= 180 or planned["Q/10"].end <= 60
    assert planned["Q/10"].end == 180 + 100  # 100 min does not fit before 60: right after the pinned one


def test_started_work_on_one_machine_goes_on_most_urgent_first():
    """Two jobs started on one lathe (one paused for the other) and a pinned job: the pinned one stays, the
    started ones go on around it from the plan's start, the one due first first, whatever order the shop
    lists them in; a started operation keeps its machine even where another could take it."""
    lathe, lathe2 = machine("D1", "cnc_turning"), machine("D2", "cnc_turning")
    later = op("LATER", 30, "cnc_turning", {"D1": 300, "D2": 300}, in_progress=True, fixed_machine="D1",
               needs_operator=False)
    urgent = op("URGENT", 30, "cnc_turning", {"D1": 60, "D2": 60}, in_progress=True, fixed_machine="D1",
                needs_operator=False)
    pinned = op("PIN", 10, "cnc_turning", {"D1": 30}, fixed_machine="D1", fixed_start=100, needs_operator=False)
    jobs = [job("LATER", [later], due=20 * DAY), job("URGENT", [urgent], due=200), job("PIN", [pinned], due=DAY)]
    for listed in (jobs, jobs[::-1]):
        result = solved(problem([lathe, lathe2], [], listed))
        planned = result.plan.by_key()
        assert (planned["PIN/10"].start, planned["PIN/10"].end) == (100, 130)
        assert (planned["URGENT/30"].machine, planned["URGENT/30"].start, planned["URGENT/30"].end) == ("D1", 0, 60)
        assert (planned["LATER/30"].machine, planned["LATER/30"].start) == ("D1", 130)
        assert result.score.late_jobs == 0


def test_weld_spans_the_break_laser_nest_does_not():
    """Shift 07:00-16:00 with a break 10:00-10:30. From 09:00, a 120-min weld pauses over the break and
    ends at 11:30; a 120-min laser nest may not pause, so it waits for 10:30 and ends at 12:30."""
    shift = days(1, breaks=((600, 630),))
    welder = operator("W", {"welding": 2}, windows=shift)
    laser_op = operator("L", {"laser": 2}, windows=shift)
    weld = op("WELD", 10, "welding", {"W1": 120}, may_pause=True)
    nest = op("NEST", 10, "laser", {"L1": 120}, may_pause=False)
    p = problem([machine("W1", "welding", shift), machine("L1", "laser", shift)], [welder, laser_op],
                [job("WELD", [weld], due=DAY, release=540), job("NEST", [nest], due=DAY, release=540)])
    result = solved(p)
    planned = result.plan.by_key()
    assert (planned["WELD/10"].start, planned["WELD/10"].end) == (540, 690)
    assert (planned["NEST/10"].start, planned["NEST/10"].end) == (630, 750)


def test_unattended_run_needs_the_operator_only_for_setup():
    """The laser runs on after the operator's shift ends; the operator is free again after the setup."""
    laser = machine("L1", windows=((0, 2 * DAY),))
    person = operator("O1", {"laser": 2, "press_brake": 2}, windows=((420, 960),))
    cut = op("A", 10, "laser", {"L1": 600}, setup=30, unattended=True)
    bend = op("B", 10, "press_brake", {"K1": 60}, may_pause=True)
    p = problem([laser, machine("K1", "press_brake", ((0, 2 * DAY),))], [person],
                [job("A", [cut], due=2 * DAY), job("B", [bend], due=2 * DAY)])
    result = solved(p)
    planned = result.plan.by_key()
    assert planned["A/10"].start == 420 and planned["A/10"].end == 420 + 630
    assert planned["B/10"].start == 450  # right after the setup, while the laser cuts on its own


def test_precedence_wait_and_subcontract_in_working_days():
    """Cut, then powder coating 2 working days (Friday -> Tuesday), then 4 h drying wait, then assembly."""
    week = days(14)
    m1, m2 = machine("L1", windows=week), machine("M1", "assembly", week)
    people = [operator("O1", {"laser": 1, "assembly": 1}, windows=week)]
    fri = 4 * DAY
    cut = op("J", 10, "laser", {"L1": 60}, unattended=True)
    coat = op("J", 20, "subcontract", {}, lead_days=2, wait_after=240)
    assemble = op("J", 30, "assembly", {"M1": 30}, may_pause=True)
    p = problem([m1, m2], people, [job("J", [cut, coat, assemble], due=20 * DAY, release=fri)])
    result = solved(p)
    planned = result.plan.by_key()
    assert planned["J/10"].start == fri + 420
    assert planned["J/20"].start == planned["J/10"].end
    assert planned["J/20"].end == planned["J/20"].start + 4 * DAY  # Fri -> Tue at the same hour
    assert planned["J/30"].start == planned["J/20"].end + 240


def test_cpsat_proves_a_small_plan_optimal():
    """Three jobs on two machines where earliest-due-date is not best for weighted tardiness."""
    ms = [machine("M1", "cnc_milling"), machine("M2", "cnc_turning")]
    people = [operator("O1", {"cnc_milling": 2, "cnc_turning": 2})]
    jobs = [
        job("A", [op("A", 10, "cnc_milling", {"M1": 100}, unattended=True)], due=100, weight=1),
        job("B", [op("B", 10, "cnc_milling", {"M1": 50}, unattended=True)], due=110, weight=5),
        job("C", [op("C", 10, "cnc_turning", {"M2": 30}, unattended=True),
                  op("C", 20, "cnc_milling", {"M1": 30}, unattended=True)], due=120, weight=2),
    ]
    p = problem(ms, people, jobs)
    result = solved(p, seconds=10, use_cpsat=True)
    assert result.status == "optimal"
    # B first (weight 5), then C, then A is late: one late job of weight 1
    assert result.score.late_jobs == 1
    planned = result.plan.by_key()
    assert planned["B/10"].end <= 110 and planned["C/20"].end <= 120


# ------------------------------------------------------------------ infeasible input


def test_operation_without_qualified_operator_is_named():
    p = problem([machine("W1", "welding")], [operator("O1", {"laser": 2})],
                [job("J1", [op("J1", 10, "welding", {"W1": 30}, may_pause=True)], due=DAY, order="ORD-9"),
                 job("J2", [op("J2", 10, "welding", {"W1": 0}, may_pause=True)], due=DAY)])
    reasons = diagnose(p)
    assert say(reasons["J1"], "en") == "order ORD-9 (J1) operation 10 (Welding): no operator has the skill Welding"
    assert say(reasons["J1"], "nl") == ("order ORD-9 (J1) bewerking 10 (Lassen): geen medewerker heeft de "
                                        "vaardigheid Lassen")
    result = solve(p, time_limit=0.5)
    assert [u.order for u in result.unplanned] == ["ORD-9", "J2"]


def test_nest_longer_than_any_shift_is_named():
    shift = days(3)
    p = problem([machine("L1", windows=shift)], [operator("O1", {"laser": 1}, windows=shift)],
                [job("J1", [op("J1", 10, "laser", {"L1": 700}, label="Lasersnijden")], due=3 * DAY, order="ORD-7"),
                 job("J2", [op("J2", 10, "laser", {"L1": 60})], due=3 * DAY)])
    result = solve(p, time_limit=0.5)
    assert len(result.unplanned) == 1
    reason = say(result.unplanned[0].reason, "nl")
    assert "order ORD-7" in reason and "Lasersnijden" in reason and "het langste werkblok is 9,0 u" in reason
    assert [x.key for x in result.plan.operations] == ["J2/10"]


def test_problem_data_errors_name_the_operation():
    with pytest.raises(ProblemError, match="operation J1/10: unknown machine X9"):
        problem([machine("L1")], [], [job("J1", [op("J1", 10, "laser", {"X9": 5})], due=DAY)])


def test_pinned_conflict_is_reported_not_crashed():
    a = op("A", 10, "laser", {"L1": 120}, unattended=True, fixed_machine="L1", fixed_start=100)
    b = op("B", 10, "laser", {"L1": 120}, unattended=True, fixed_machine="L1", fixed_start=150)
    p = problem([machine("L1")], [operator("O1", {"laser": 1})],
                [job("A", [a], due=DAY), job("B", [b], due=DAY, order="ORD-B")])
    result = solve(p, time_limit=0.5)
    # one pin is kept, the other dropped and named; both orders are planned (a pin never costs an order)
    assert result.unplanned == ()
    assert [(d.reason, d.order in ("A", "ORD-B")) for d in result.dropped_pins] == [("taken", True)]
    planned = result.plan.by_key()
    kept = "A/10" if result.dropped_pins[0].operation == "B/10" else "B/10"
    assert planned[kept].start == {"A/10": 100, "B/10": 150}[kept]
    assert not check_plan(result.problem, result.plan)


# ------------------------------------------------------------------ replanning


def test_breakdown_moves_only_what_must_move():
    """Two machines; M2 breaks down for a day. Only the operations on M2 inside the breakdown move."""
    week = ((0, 10 * DAY),)
    ms = [machine("M1", "press_brake", week), machine("M2", "welding", week)]
    people = [operator("O1", {"press_brake": 2}), operator("O2", {"welding": 2})]
    jobs = [job(f"J{i}", [op(f"J{i}", 10, "press_brake", {"M1": 60}, may_pause=True),
                          op(f"J{i}", 20, "welding", {"M2": 90}, may_pause=True)], due=10 * DAY)
            for i in range(5)]
    before_problem = problem(ms, people, jobs)
    before = solved(before_problem).plan
    # M2 is down from 200 to 500
    broken = dataclasses.replace(before_problem, machines=(
        ms[0], machine("M2", "welding", ((0, 200), (500, 10 * DAY)))))
    after = replan(broken, before, keep_minutes=10 * DAY)
    assert check_plan(after.problem, after.plan) == []
    old, new = before.by_key(), after.plan.by_key()
    moved = {k for k in old if (old[k].start, old[k].end, old[k].machine) != (new[k].start, new[k].end, new[k].machine)}
    must_move = {k for k, x in old.items() if x.machine == "M2" and x.start < 500 and x.end > 200}
    assert must_move  # the case really hits the breakdown
    # everything on M1 stays, welds before the breakdown stay; only welds hit by or queued behind it move
    assert all(old[k].machine == "M2" for k in moved)
    assert not any(old[k].end <= 200 for k in moved)
    assert must_move <= moved


def test_replan_keeps_started_work_in_the_order_the_floor_was_given():
    """Two jobs started on one lathe; the plan the floor works to runs the later-due one first. A replan
    after a breakdown elsewhere keeps that order (a fresh plan would put the one due first first), unless
    the operator has paused that one for the other since."""
    from maakbaar.planning.plan import Plan

    lathe, brake = machine("D1", "cnc_turning"), machine("K1", "press_brake")
    later = op("LATER", 30, "cnc_turning", {"D1": 120}, in_progress=True, fixed_machine="D1", needs_operator=False)
    urgent = op("URGENT", 30, "cnc_turning", {"D1": 60}, in_progress=True, fixed_machine="D1",
                needs_operator=False)
    bend = op("BEND", 10, "press_brake", {"K1": 60}, needs_operator=False)
    p = problem([lathe, brake], [], [job("LATER", [later], due=10 * DAY), job("URGENT", [urgent], due=5 * DAY),
                                     job("BEND", [bend], due=10 * DAY)])
    fresh = solved(p).plan.by_key()
    assert fresh["URGENT/30"].start == 0 and fresh["LATER/30"].start == 60
    told = Plan(tuple(dataclasses.replace(x, start=0, end=120) if x.key == "LATER/30" else
                      dataclasses.replace(x, start=120, end=180) if x.key == "URGENT/30" else x
                      for x in solved(p).plan.operations))
    assert check_plan(p, told) == []
    broken = dataclasses.replace(p, machines=(lathe, machine("K1", "press_brake", ((600, 30 * DAY),))))
    after = replan(broken, told, time_limit=2).plan.by_key()
    assert (after["LATER/30"].start, after["URGENT/30"].start) == (0, 120)
    assert after["BEND/10"].start >= 600
    # the operator paused the later-due one and went on with the other: what he is on now goes first
    switched = dataclasses.replace(broken, jobs=tuple(
        dataclasses.replace(j, operations=(dataclasses.replace(j.operations[0], paused=True),))
        if j.key == "LATER" else j for j in broken.jobs))
    after = replan(switched, told, time_limit=2).plan.by_key()
    assert (after["URGENT/30"].start, after["LATER/30"].start) == (0, 60)


def test_replan_search_moves_only_later_work_and_helps_the_rush_order():
    """Ten jobs of 3 h queued on one machine; a rush order arrives. The repair puts the newcomer at the end;
    the search in the time left brings it forward, and nothing of the first day moves."""
    week = ((0, 10 * DAY),)
    saw = machine("Z1", "sawing", week)
    jobs = [job(f"J{i}", [op(f"J{i}", 10, "sawing", {"Z1": 180}, needs_operator=False)], due=8 * DAY)
            for i in range(10)]
    before_problem = problem([saw], [], jobs)
    before = solved(before_problem).plan
    rush = job("RUSH", [op("RUSH", 10, "sawing", {"Z1": 60}, needs_operator=False)], due=DAY, weight=5)
    after_problem = dataclasses.replace(before_problem, jobs=(*jobs, rush))
    repaired = replan(after_problem, before, keep_minutes=DAY, time_limit=0)
    searched = replan(after_problem, before, keep_minutes=DAY, time_limit=2)
    for result in (repaired, searched):
        assert check_plan(result.problem, result.plan) == []
    old, new = before.by_key(), searched.plan.by_key()
    held = [k for k, x in old.items() if x.start < DAY]
    assert len(held) == 8  # 07:00 is not special here: the machine runs round the clock from 0
    assert all((new[k].start, new[k].machine) == (old[k].start, old[k].machine) for k in held)
    # the repair leaves the newcomer behind everything; the search puts it right after the held work
    assert repaired.plan.by_key()["RUSH/10"].start == 10 * 180
    assert new["RUSH/10"].start == 8 * 180
    assert searched.score.tardiness < repaired.score.tardiness
    assert searched.first_plan_seconds <= searched.elapsed


def test_objectives_order_decides_between_fewer_late_orders_and_less_tardiness():
    """One machine, A (5 h, due 5 h), B (5 h, due 10 h), C (1 h, due 1 h). One late order at best: C, B on
    time and A 6 h late (A and B on time leave C 10 h late; B late alone is impossible). C, A, B makes two
    orders late but by 1 h each."""
    m = machine("M1", "sawing")
    jobs = [job("A", [op("A", 10, "sawing", {"M1": 300}, needs_operator=False)], due=300, weight=1),
            job("B", [op("B", 10, "sawing", {"M1": 300}, needs_operator=False)], due=600, weight=1),
            job("C", [op("C", 10, "sawing", {"M1": 60}, needs_operator=False)], due=60, weight=1)]
    fewest_late = solved(problem([m], [], jobs), seconds=2)
    assert fewest_late.score.late_jobs == 1 and fewest_late.score.tardiness == 360
    tardiness_first = dataclasses.replace(problem([m], [], jobs),
                                          criteria=("tardiness", "late_jobs", "setup", "flow_time"))
    least_tardy = solved(tardiness_first, seconds=2)
    assert least_tardy.score.late_jobs == 2 and least_tardy.score.tardiness == 120


LASER_MATRIX = (("S235JR *", "S235JR *", 4), ("*", "EN AW-5083 *", 20), ("EN AW-5083 *", "*", 20))


def test_changeover_matrix_lookup():
    laser = machine("L1")
    laser = dataclasses.replace(laser, setup_times=LASER_MATRIX + (("*", "*", 9),))
    steel5 = op("J", 10, "laser", {"L1": 60}, setup=15, setup_family="S235JR 5 mm")
    alu = op("K", 10, "laser", {"L1": 60}, setup=15, setup_family="EN AW-5083 3 mm")
    assert laser.changeover("S235JR 3 mm", steel5) == 4  # another thickness of the same grade
    assert laser.changeover("S235JR 5 mm", steel5) == 0  # the same family
    assert laser.changeover("S235JR 3 mm", alu) == 20  # the first matching row wins over ("*", "*")
    assert laser.changeover("1.4301 2 mm", steel5) == 9
    assert laser.changeover("", steel5) == 15  # nothing known about the machine: the step's own setup
    assert machine("L2").changeover("S235JR 3 mm", steel5) == 15  # no matrix
    started = dataclasses.replace(steel5, in_progress=True)
    assert laser.changeover("EN AW-5083 3 mm", started) == 0
    with pytest.raises(ProblemError, match="setup time"):
        problem([dataclasses.replace(laser, setup_times=(("*", "*", -5),))], [], [job("J", [steel5], due=DAY)])


def test_changeover_matrix_plans_the_cheapest_sequence():
    """Steel 3 mm, aluminium, steel 5 mm on one laser (setup 15 min each by the routing): with the matrix
    the two steel jobs go side by side, 15 + 4 + 20 = 39 min of setups; every setup as the matrix says."""
    laser = dataclasses.replace(machine("L1"), setup_times=LASER_MATRIX)
    families = {"A": "S235JR 3 mm", "C": "EN AW-5083 3 mm", "B": "S235JR 5 mm"}
    jobs = [job(k, [op(k, 10, "laser", {"L1": 60}, setup=15, setup_family=f, needs_operator=False)], due=5 * DAY)
            for k, f in families.items()]
    p = problem([laser], [], jobs)
    result = solved(p)
    sequence = [x.job for x in sorted(result.plan.operations, key=lambda x: x.start)]
    assert abs(sequence.index("A") - sequence.index("B")) == 1
    assert result.score.setup == 39
    previous = ""
    for x in sorted(result.plan.operations, key=lambda x: x.start):
        assert x.setup == laser.changeover(previous, p.operation_by_key[x.key])
        previous = families[x.job]
    # the checker reads the matrix too: steel 5 mm straight after 3 mm with no setup is refused, 4 min is not
    planned = {x.key: x for x in result.plan.operations}
    a, b = planned["A/10"], planned["B/10"]
    first, second = (a, b) if a.start < b.start else (b, a)
    short = dataclasses.replace(second, setup=0, end=second.end - second.setup)
    bad = dataclasses.replace(result.plan, operations=tuple(short if x.key == second.key else x
                                                            for x in result.plan.operations))
    assert [v.kind for v in check_plan(p, bad)] == ["setup"]
    assert second.setup == 4 and first.setup in (15, 20)


# ------------------------------------------------------------------ dispatching


def test_dispatch_is_valid_on_the_demo_shop(demo_shop):
    import datetime as dt

    from maakbaar.planning.from_shop import build_problem

    p = build_problem(demo_shop, dt.datetime.combine(DEMO_START, dt.time(6, 0)))
    plan = dispatching.dispatch(p)
    assert check_plan(p, plan) == []
    assert len(plan.operations) == sum(len(j.operations) for j in p.jobs)
    for name in dispatching.RULES:  # each rule gives a complete, valid plan
        assert check_plan(p, dispatching.build(p, dispatching.RULES[name](p))) == []


def test_search_bookkeeping_matches_a_full_rescore(demo_shop):
    """The neighbourhood search scores only the jobs a step touches and undoes steps it does not keep: after
    a run of kept and undone steps on the demo shop (whole jobs, machine windows and machine stretches sequenced
    again) its totals equal a full rescore of its plan, the plan passes the checker, and an undone step leaves
    the plan exactly as it was."""
    import datetime as dt
    import random

    from maakbaar.planning import lns
    from maakbaar.planning.from_shop import build_problem

    p = build_problem(demo_shop, dt.datetime.combine(DEMO_START, dt.time(6, 0)))
    current = lns._Incumbent(p, dispatching.dispatch(p))
    movable = [j for j in p.jobs if lns._movable(p, j)]
    rng = random.Random(3)
    kept = undone = refused = windows = kept_windows = resequenced = 0
    for step in range(180):
        if step % 5 == 4:  # a stretch of one machine sequenced again (kept only when no worse)
            before_rank = current.rank()
            resequenced += lns.resequence_step(p, current, movable, rng)
            assert current.rank() <= before_rank
            score = current.plan("x").score(p)
            assert current.totals == [score.late_jobs, score.tardiness, score.setup, score.flow_time]
            continue
        removed = lns.neighbourhood(movable, current.state.planned, lambda j: current.terms[j.key][0] > 0, rng,
                                    rng.choice((2, 4, 6, 16)))  # 16: a large step, as on a busy shop
        before = current.plan("x")
        accept = step % 2 == 0  # every other step kept whatever it costs, the others undone
        late = [j for j in movable if current.terms[j.key][0] > 0]
        window = step % 3 == 0 and late and lns.machine_window(p, current.state, rng.choice(late), rng, 6, 32)
        if window:  # a machine-window step (operations, not whole jobs)
            taken, ahead, target = window
            windows += 1
            if current.try_operations(taken, lambda o, st: target - 0.5 if o.key == ahead.key else st[o.key], 0.5,
                                      lambda rank: accept, 64):
                assert accept
                kept_windows += 1
            else:
                assert current.plan("x") == before
            score = current.plan("x").score(p)
            assert current.totals == [score.late_jobs, score.tardiness, score.setup, score.flow_time]
            continue
        try:
            too_big = len(current._closure(list(removed))) > lns.CLOSURE_GROWTH * len(removed)
            if current.try_step(removed, lambda j: (j.due, j.key), 0.5, lambda rank: accept):
                assert accept and not too_big
                kept += 1
            else:
                refused += too_big
                undone += not too_big
                assert current.plan("x") == before
        except dispatching.PlacementError:
            assert current.plan("x") == before
        score = current.plan("x").score(p)
        assert current.totals == [score.late_jobs, score.tardiness, score.setup, score.flow_time]
    # steps whose chain of setup neighbours grows past CLOSURE_GROWTH are refused, the plan as it was
    assert kept >= 20 and undone >= 20 and refused >= 5 and windows >= 10 and kept_windows >= 5
    assert resequenced >= 5, resequenced
    assert check_plan(p, current.plan("x")) == []


def _held_up_shop():
    """A lathe T with three short jobs A, B, C booked 0-300 and a late job D behind them: D's laser cut ends at
    50, its turning waits on T until 300 and ends at 400, due at 200."""
    from maakbaar.planning.plan import Plan, PlannedOperation

    jobs = [job(k, [op(k, 10, "cnc_turning", {"T": 100}, needs_operator=False)], due=10 * DAY) for k in "ABC"]
    jobs.append(job("D", [op("D", 10, "laser", {"L": 50}, needs_operator=False),
                          op("D", 20, "cnc_turning", {"T": 100}, needs_operator=False)], due=200))
    p = problem([machine("L"), machine("T", "cnc_turning")], [], jobs)
    plan = Plan((PlannedOperation("A/10", "A", "T", None, 0, 100), PlannedOperation("B/10", "B", "T", None, 100, 200),
                 PlannedOperation("C/10", "C", "T", None, 200, 300), PlannedOperation("D/10", "D", "L", None, 0, 50),
                 PlannedOperation("D/20", "D", "T", None, 300, 400)))
    assert check_plan(p, plan) == []
    return p, plan


def test_a_held_up_step_takes_the_late_job_with_the_jobs_ahead_of_it_where_it_waited():
    """The held-up neighbourhood: the late job D first, then the jobs booked on the machine where it waited
    longest (the lathe, from 50 to 300), those just before it first; put back with D first, D is on time."""
    import random

    from maakbaar.planning import lns

    p, plan = _held_up_shop()
    by_key = {j.key: j for j in p.jobs}
    current = lns._Incumbent(p, plan)
    rng = random.Random(0)
    seen = set()
    for _ in range(40):
        removed = lns._held_up(by_key["D"], list(p.jobs), current.state.planned, rng, 4)
        keys = [j.key for j in removed]
        assert keys[0] == "D" and keys[1:] == ["C", "B", "A"][:len(keys) - 1] and 2 <= len(keys) <= 4
        seen.add(len(keys))
    assert seen == {2, 3, 4}  # one to all three of the jobs ahead of it
    assert lns._held_up(by_key["A"], list(p.jobs), current.state.planned, rng, 4) == []  # A never waited
    removed = lns._held_up(by_key["D"], list(p.jobs), current.state.planned, random.Random(1), 2)
    assert [j.key for j in removed] == ["D", "C"]
    kept = current.try_step(removed, lambda j: (j.key != "D",), 0.5, lambda rank: rank < current.rank())
    assert kept and current.state.planned["D/20"].end == 300 and current.state.planned["C/10"].start == 300
    assert current.totals[1] == 100 * 3  # D now 100 min late (weight 3), not 200
    assert check_plan(p, current.plan("x")) == []


def _window_shop():
    """One lathe T starting on family X, setups of 50 min between families: A, B, C (X) 0-300, the late job D
    (Y, 50 setup) 300-450, E (Y) 450-550, F (X, 50 setup) 550-700. D is due at 350."""
    from maakbaar.planning.plan import Plan, PlannedOperation

    spec = {"A": ("X", 0, 100), "B": ("X", 100, 200), "C": ("X", 200, 300), "D": ("Y", 300, 450),
            "E": ("Y", 450, 550), "F": ("X", 550, 700)}
    jobs = [job(k, [op(k, 10, "cnc_turning", {"T": 100}, setup=50, setup_family=family, needs_operator=False)],
                due=350 if k == "D" else 10 * DAY) for k, (family, _s, _e) in spec.items()]
    p = problem([machine("T", "cnc_turning", family="X")], [], jobs)
    plan = Plan(tuple(PlannedOperation(f"{k}/10", k, "T", None, a, b, 50 if k in "DF" else 0)
                      for k, (_f, a, b) in spec.items()))
    assert check_plan(p, plan) == []
    return p, plan


def test_a_machine_window_moves_one_operation_ahead_and_puts_the_others_back_in_their_order():
    """The window step: D goes ahead of C on the lathe. The window holds C, D and E: E relies on D for its
    family, so it moves with D; F pays the full changeover whatever comes before it, so the window ends there.
    Put back D first, then the others in their order: D 200-350 (on time), C 350-500, E after F (it no longer
    fits before F), F where it was. Undone, the plan is as it was; kept, the totals match a full rescore."""
    import random

    from maakbaar.planning import lns

    p, plan = _window_shop()
    current = lns._Incumbent(p, plan)
    window = lns.machine_window(p, current.state, p.job_by_key["D"], random.Random(0), 2, limit=16)
    taken, ahead, target = window
    assert [o.key for o in taken] == ["C/10", "D/10", "E/10"] and ahead.key == "D/10" and target == 200
    assert lns.machine_window(p, current.state, p.job_by_key["D"], random.Random(0), 2, limit=1) is None

    def sequence(o, starts):
        return target - 0.5 if o.key == ahead.key else starts[o.key]

    assert not current.try_operations(taken, sequence, 0.5, lambda rank: False, limit=16)
    assert current.plan("x").operations == plan.operations
    assert current.try_operations(taken, sequence, 0.5, lambda rank: rank < current.rank(), limit=16)
    planned = current.state.planned
    assert [(planned[k].start, planned[k].end) for k in ("D/10", "C/10", "F/10", "E/10")] == [
        (200, 350), (350, 500), (550, 700), (700, 850)]
    score = current.plan("x").score(p)
    assert score.tardiness == 0 and current.totals == [score.late_jobs, score.tardiness, score.setup,
                                                       score.flow_time]
    assert check_plan(p, current.plan("x")) == []
    # a window too large for the step's limit is refused, the plan as it was
    before = current.plan("x")
    assert not current.try_operations(taken, sequence, 0.5, lambda rank: True, limit=2)
    assert current.plan("x") == before



def test_machine_model_times_a_sequence_by_hand():
    """The machine model of a stretch: a working day 07:00-16:00 (420-960), family X first, 30 min to change.
    A (X, 400 min, may pause, due 900) and B (Y, 300 min, may not pause, ready at 500, its job 60 min longer
    after it, due 1500). A then B: A 420-820; B needs 330 with its setup, only 140 are left that day, so
    1860-2190 and its job ends at 2250, 750 late (weight 2). B then A: B 500-830, A 830-960 and 1860-2160
    with its setup back to X, 1260 late (weight 3). Criteria in the problem's order: late jobs first."""
    import random

    from maakbaar.planning.resequence import MachineModel, Slot, better_order

    spec = machine("T", "cnc_turning", days(3), family="X")
    a = op("A", 10, "cnc_turning", {"T": 400}, setup=30, setup_family="X", may_pause=True)
    b = op("B", 10, "cnc_turning", {"T": 300}, setup=30, setup_family="Y")
    slots = [Slot(a, 0, 400, 0, 900, 3, 0), Slot(b, 500, 300, 60, 1500, 2, 0)]
    model = MachineModel(spec, 0, "X", None, ("late_jobs", "tardiness", "setup", "flow_time"), slots)
    rank, states = model.evaluate([0, 1])
    assert [t for t, _f, _totals in states] == [0, 820, 2190]
    assert rank == (2, 2 * 750, 30, 3 * 820 + 2 * 2250)
    rank, states = model.evaluate([1, 0])
    assert [t for t, _f, _totals in states] == [0, 830, 2160]
    assert rank == (3, 3 * 1260, 60, 2 * 890 + 3 * 2160)
    # the stretch must end before the operation that stays after it: at 2180 only B then A fits
    tight = MachineModel(spec, 0, "X", 2180, ("late_jobs", "tardiness", "setup", "flow_time"), slots)
    assert tight.evaluate([0, 1])[0] is None and tight.evaluate([1, 0])[0] == rank
    # from B then A, insertion moves find A then B (fewer late jobs comes first)
    reversed_model = MachineModel(spec, 0, "X", None, ("late_jobs", "tardiness", "setup", "flow_time"),
                                  [slots[1], slots[0]])
    order, found, present = better_order(reversed_model, random.Random(0))
    assert order == [1, 0] and found == (2, 1500, 30, 3 * 820 + 2 * 2250) and present == rank
    # on tardiness first, B then A would still lose (3780 against 1500)
    assert MachineModel(spec, 0, "X", None, ("tardiness", "late_jobs"), slots).evaluate([0, 1])[0] == (1500, 2)


def _long_job_first_shop():
    """A lathe T starting on family Y, 50 min to change family: the long job L (Y, 1000 min, due 1500) 0-1000,
    then the short jobs S1-S3 (X, 100 min each, due 400, 450 and 500) 1000-1150 (with the setup), 1150-1250,
    1250-1350: all three late."""
    from maakbaar.planning.plan import Plan, PlannedOperation

    jobs = [job("L", [op("L", 10, "cnc_turning", {"T": 1000}, setup=50, setup_family="Y", needs_operator=False)],
                due=1500)]
    jobs += [job(f"S{i}", [op(f"S{i}", 10, "cnc_turning", {"T": 100}, setup=50, setup_family="X",
                              needs_operator=False)], due=350 + 50 * i) for i in (1, 2, 3)]
    p = problem([machine("T", "cnc_turning", family="Y")], [], jobs)
    plan = Plan((PlannedOperation("L/10", "L", "T", None, 0, 1000), PlannedOperation("S1/10", "S1", "T", None, 1000,
                                                                                      1150, 50),
                 PlannedOperation("S2/10", "S2", "T", None, 1150, 1250), PlannedOperation("S3/10", "S3", "T", None,
                                                                                          1250, 1350)))
    assert check_plan(p, plan) == []
    return p, plan


def test_a_resequence_step_puts_the_long_job_behind_the_short_ones_due_first():
    """A late short job waited on the lathe behind the long one: the stretch is the lathe's whole tail, the
    machine model moves L to the end, and planned for real the short jobs run 0-150 (with the setup to X),
    150-250 and 250-350, L 350-1400 (with its setup back to Y): nothing late."""
    import random

    from maakbaar.planning import lns

    p, plan = _long_job_first_shop()
    current = lns._Incumbent(p, plan)
    assert current.totals[:2] == [9, 3 * (750 + 800 + 850)]
    rng = random.Random(0)
    movable = list(p.jobs)
    for _ in range(10):
        if lns.resequence_step(p, current, movable, rng):
            break
    planned = current.state.planned
    assert (planned["L/10"].start, planned["L/10"].end, planned["L/10"].setup) == (350, 1400, 50)
    assert sorted((planned[f"S{i}/10"].start, planned[f"S{i}/10"].end) for i in (1, 2, 3)) == [
        (0, 150), (150, 250), (250, 350)]
    score = current.plan("x").score(p)
    assert score.late_jobs == 0 and score.tardiness == 0 and score.setup == 100
    assert current.totals == [score.late_jobs, score.tardiness, score.setup, score.flow_time]
    assert check_plan(p, current.plan("x")) == []
    # nothing late any more: no late job's stretch to take
    assert not lns.resequence_step(p, current, movable, rng)

def _late_shop():
    shift = days(5)
    brake = machine("K1", "press_brake", shift)
    people = [operator("O1", {"press_brake": 2}, shift)]
    # three jobs of a day's bending each, all due at the end of day 1: one fits, two wait for K1
    jobs = [job(f"J{i}", [op(f"J{i}", 10, "press_brake", {"K1": 540}, may_pause=True)], due=DAY, weight=3 - i,
                order=f"ORD-{i}") for i in range(3)]
    # one that cannot be on time whatever happens: 3 working days of coating, due tomorrow
    jobs.append(job("J9", [op("J9", 10, "subcontract", {}, lead_days=3)], due=DAY, order="ORD-9"))
    return problem([brake], people, jobs)


def test_late_orders_are_explained():
    """The engine says why with codes and values; the catalogue writes them out (here in English)."""
    from maakbaar.i18n import say
    from maakbaar.planning.explain import bottleneck, explain_late, machine_load, skill_load
    from maakbaar.reasons import Minutes, Reason, Share

    result = solved(_late_shop())
    explanations = {e.order: e for e in explain_late(result.problem, result.plan)}
    assert set(explanations) == {"ORD-1", "ORD-2", "ORD-9"}
    assert explanations["ORD-9"].unavoidable
    assert Reason.of("late.subcontracted", n=3) in explanations["ORD-9"].reason.get("parts")
    assert "3 working days subcontracted" in say(explanations["ORD-9"].reason, "en")
    busy = explanations["ORD-2"]
    assert not busy.unavoidable and busy.reason.code == "late.held_up"
    cause = busy.reason.get("cause")
    assert cause.code == "wait.busy" and cause.get("orders") == ("ORD-0", "ORD-1") and cause.get("n") == 2
    loaded = cause.get("loaded")
    assert loaded.get("share") == Share(1.0) and loaded.get("n") == 2 and loaded.get("machine") == "K1"
    assert busy.reason.get("late") == Minutes(busy.tardiness)
    assert "machine K1 was busy with 2 other operations (ORD-0, ORD-1)" in say(busy.reason, "en")
    assert "K1 loaded 100% on 2 working days" in say(busy.reason, "en")
    assert bottleneck(result.problem, result.plan, days=3) == ("K1", 1.0)
    loads = machine_load(result.problem, result.plan, days=3)
    assert [entry.utilisation for entry in loads] == [1.0, 1.0, 1.0]
    skills = skill_load(result.problem, result.plan, days=3)
    assert [(entry.resource, entry.load) for entry in skills] == [("press_brake", 540)] * 3


def test_late_orders_are_explained_in_dutch_too():
    """The same reasons in Dutch: Dutch numbers, plurals and day names; stored and read back unchanged."""
    from maakbaar.i18n import duration, say
    from maakbaar.planning.explain import explain_late
    from maakbaar.reasons import Reason

    assert duration(90, "nl") == "1,5 u" and duration(90, "en") == "1.5 h"
    assert duration(2 * 1440 + 144, "nl") == "2,1 d" and duration(45, "nl") == "45 min"
    result = solved(_late_shop())
    explained = {e.order: e for e in explain_late(result.problem, result.plan)}
    dutch = {order: say(e.reason, "nl") for order, e in explained.items()}
    assert "kan in geen enkel plan op tijd klaar zijn: ook met de werkplaats voor zich alleen" in dutch["ORD-9"]
    assert "3 werkdagen uitbesteed" in dutch["ORD-9"]
    assert "machine K1 was bezig met 2 andere bewerkingen (ORD-0, ORD-1)" in dutch["ORD-2"]
    assert "K1 voor 100% belast op 2 werkdagen" in dutch["ORD-2"]
    assert all(" late" not in text and "(en)" not in text for text in dutch.values())
    for e in explained.values():  # what a plan stores reads back as the same reason
        assert Reason.from_json(json.loads(json.dumps(e.reason.to_json()))) == e.reason
