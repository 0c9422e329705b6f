"""What no plan can avoid, computed by hand on small shops and held against the engine's plans."""

from __future__ import annotations

import dataclasses
import datetime as dt

from maakbaar.planning.bounds import lower_bound
from maakbaar.planning.checker import check_plan
from maakbaar.planning.engine import solve
from maakbaar.planning.from_shop import build_problem
from tests.planning_factories import DAY, days, job, machine, op, operator, problem
from tests.conftest import DEMO_START


def test_a_job_longer_than_its_time_is_late_by_the_difference_and_setups_are_not_counted():
    """Due at 08:00 (60 min after the shift starts) with 30 min setup and 90 min run on a day shift: alone it
    could end at 08:30 at the earliest (the setup could fall away after work of its own family), so at least
    30 min late, weight 4: 120. A job due tomorrow bounds nothing."""
    shift = days(3)
    p = problem([machine("L1", "laser", shift)], [],
                [job("A", [op("A", 10, "laser", {"L1": 90}, setup=30, setup_family="S235-3", needs_operator=False)],
                     due=8 * 60, weight=4),
                 job("B", [op("B", 10, "laser", {"L1": 60}, needs_operator=False)], due=DAY + 16 * 60)])
    bound = lower_bound(p)
    assert (bound.late_jobs, bound.tardiness) == (4, 4 * 30)
    assert bound.earliest == {"A": 7 * 60 + 90, "B": 7 * 60 + 60}
    result = solve(p, time_limit=1)
    assert check_plan(result.problem, result.plan) == []
    assert result.score.tardiness == 4 * 60 >= result.bound.tardiness == 4 * 30  # the plan has the setup


def test_the_chain_its_calendars_and_subcontracting_count():
    """A weld of 600 min may pause over the night (07:00-16:00 shifts: 540 today, 60 tomorrow, ends 08:00 on
    day 2), then 2 working days galvanising from there: ends 08:00 on day 4; due end of day 2."""
    shift = days(6)
    weld = op("W", 10, "welding", {"M1": 600}, may_pause=True)
    galvanise = op("W", 20, "subcontract", {}, lead_days=2)
    p = problem([machine("M1", "welding", shift)], [operator("O", {"welding": 2}, shift)],
                [job("W", [weld, galvanise], due=DAY + 16 * 60)])
    bound = lower_bound(p)
    assert bound.earliest["W"] == 3 * DAY + 8 * 60
    assert bound.tardiness == 3 * (3 * DAY + 8 * 60 - (DAY + 16 * 60))


def test_started_work_alone_on_its_machine_holds_it_and_two_started_ones_do_not():
    """A started turning job of 300 min holds the lathe from the start: a 60-min job due at 120 waits
    behind it in every plan (late 240). With a second started job on that lathe the plan chooses which goes
    first, so neither holds it in the bound."""
    lathe = machine("D1", "cnc_turning")
    started = op("S", 10, "cnc_turning", {"D1": 300}, in_progress=True, fixed_machine="D1", needs_operator=False)
    urgent = op("U", 10, "cnc_turning", {"D1": 60}, needs_operator=False)
    jobs = [job("S", [started], due=10 * DAY), job("U", [urgent], due=120)]
    bound = lower_bound(problem([lathe], [], jobs))
    assert bound.earliest["U"] == 360 and bound.tardiness == 3 * 240
    also = op("T", 10, "cnc_turning", {"D1": 30}, in_progress=True, fixed_machine="D1", needs_operator=False)
    bound = lower_bound(problem([lathe], [], [*jobs, job("T", [also], due=10 * DAY)]))
    assert bound.earliest["U"] == 60 and bound.tardiness == 0


def test_no_plan_of_the_demo_shop_beats_the_bound(demo_shop):
    problem_ = build_problem(demo_shop, dt.datetime.combine(DEMO_START, dt.time(6, 0)))
    seen = []
    result = solve(problem_, time_limit=3, on_progress=seen.append)
    bound = result.bound
    assert check_plan(result.problem, result.plan) == []
    assert 0 < bound.tardiness <= result.score.tardiness
    assert 0 < bound.late_jobs <= result.score.late_jobs
    outcomes = {o.key: o for o in result.plan.outcomes(result.problem)}
    assert all(bound.earliest[key] <= outcome.completion for key, outcome in outcomes.items())
    # the progress reports carry the bound once it is known (all but the first plan)
    assert seen[0].bound is None and seen[-1].bound == bound.tardiness
    # every order the bound calls late is late in the plan, and the engine's plan is not far above it here
    must_be_late = {k for k, c in bound.earliest.items() if c > result.problem.job_by_key[k].due}
    assert must_be_late <= {k for k, o in outcomes.items() if o.late}
    relaxed_again = dataclasses.replace(result.problem, jobs=result.problem.jobs[:5])
    assert lower_bound(relaxed_again).tardiness <= bound.tardiness  # fewer jobs, no more lateness


def test_an_order_behind_started_work_is_explained_as_late_in_any_plan():
    """The urgent job waits behind the started one on the lathe in every plan: its explanation says it
    cannot be on time in any plan, and behind what, in both languages; the plan's late count agrees."""
    from maakbaar.i18n import say
    from maakbaar.planning.explain import explain_late
    from maakbaar.reasons import Reason

    lathe = machine("D1", "cnc_turning")
    started = op("S", 10, "cnc_turning", {"D1": 300}, in_progress=True, fixed_machine="D1", needs_operator=False)
    urgent = op("U", 10, "cnc_turning", {"D1": 60}, needs_operator=False)
    result = solve(problem([lathe], [], [job("S", [started], due=10 * DAY), job("U", [urgent], due=120)]),
                   time_limit=1)
    assert result.bound.behind == {"U": ("D1",)}
    (explained,) = explain_late(result.problem, result.plan, bound=result.bound)
    assert explained.unavoidable and explained.job == "U"
    assert explained.reason.code == "late.unavoidable"
    assert Reason.of("late.behind_started", machines=("D1",)) in explained.reason.get("parts")
    assert "cannot be on time in any plan: even with the shop to itself" in say(explained.reason, "en")
    assert "behind work already started on D1" in say(explained.reason, "en")
    assert "achter werk dat al loopt op D1" in say(explained.reason, "nl")
    assert explain_late(result.problem, result.plan)[0].reason == explained.reason  # bound computed there


def test_jobs_sharing_one_machine_from_the_same_moment_are_bounded_exactly():
    """Four jobs late even alone, all ready at once on one machine that always works: the bound with sharing
    is the optimum of the one-machine problem (every order of the four tried by hand below), which the
    engine reaches and proves."""
    from itertools import permutations

    runs, weights, dues = (30, 60, 90, 120), (1, 4, 2, 3), (10, 20, 30, 40)
    jobs = [job(f"J{i}", [op(f"J{i}", 10, "cnc_milling", {"F1": runs[i]}, needs_operator=False)], due=dues[i],
                weight=weights[i]) for i in range(4)]
    p = problem([machine("F1", "cnc_milling")], [], jobs)
    best = None
    for order in permutations(range(4)):
        clock, total = 0, 0
        for i in order:
            clock += runs[i]
            total += weights[i] * max(0, clock - dues[i])
        best = total if best is None else min(best, total)
    bound = lower_bound(p)
    assert bound.alone_tardiness == sum(w * (r - d) for r, w, d in zip(runs, weights, dues))
    assert bound.tardiness == best > bound.alone_tardiness
    assert set(bound.shared["F1"]) == {"J0", "J1", "J2", "J3"}
    assert bound.sharing_cost == {"F1": best - bound.alone_tardiness}
    result = solve(p, time_limit=5)
    assert result.status == "optimal" and result.score.tardiness == best


def test_three_past_due_orders_on_one_mill_over_the_night():
    """Three orders past due (weight 3), each with 07:00-16:00 milling of 107, 428 and 428 minutes on the one
    mill, ready at 07:00 on day 0. Alone each would be done the same day; sharing the mill, the best is the
    short one first, then one long one (done 15:55), the other the next day at 14:03. Its routing goes on
    to a 60-minute inspection (also day shift) that the bound follows from there: 15:03 on day 1."""
    shift = days(5)
    due = -3240
    mill, qc = machine("F1", "cnc_milling", shift), machine("Q1", "inspection", shift)
    jobs = []
    for name, run in (("A", 107), ("B", 428), ("C", 428)):
        jobs.append(job(name, [op(name, 10, "cnc_milling", {"F1": run}, needs_operator=False),
                               op(name, 20, "inspection", {"Q1": 60}, needs_operator=False)], due=due))
    bound = lower_bound(problem([mill, qc], [], jobs))
    start = 7 * 60
    # alone: mill from 07:00, inspection right after
    alone = {"A": start + 107 + 60, "B": start + 428 + 60, "C": start + 428 + 60}
    assert bound.earliest == alone
    assert bound.alone_tardiness == sum(3 * (end - due) for end in alone.values())
    # shared: A 07:00-08:47, B 08:47-15:55 (inspection 15:55-16:00 and 07:00-07:55 next day: may not pause,
    # so 07:00-08:00 on day 1), C 15:55-16:00 and 07:00-14:03 on day 1, inspection 14:03-15:03
    a_done = start + 107 + 60
    b_done = DAY + start + 60
    c_done = DAY + start + 423 + 60
    assert bound.tardiness == 3 * ((a_done - due) + (b_done - due) + (c_done - due))
    result = solve(problem([mill, qc], [], jobs), time_limit=2)
    assert result.score.tardiness >= bound.tardiness


def test_the_bound_is_never_above_a_proven_optimum():
    """Small random shops (one to three operations per job, one or two machines each, shifts or round the
    clock, pausing or not, releases) that CP-SAT solves to proven optimality: the bound is at most the
    optimum every time, and above the jobs-alone part in at least one."""
    import random

    proven, raised = 0, 0
    for seed in range(12):
        rng = random.Random(seed)
        shift = days(10) if seed % 2 else ((0, 30 * DAY),)
        machines = [machine(f"M{i}", "t", shift) for i in range(3)]
        jobs = []
        for j in range(rng.randint(3, 6)):
            ops = [op(f"J{j}", 10 * (k + 1), "t",
                      {m: rng.randint(20, 400) for m in rng.sample(["M0", "M1", "M2"], rng.choice([1, 1, 2]))},
                      needs_operator=False, may_pause=rng.random() < 0.5)
                   for k in range(rng.randint(1, 3))]
            jobs.append(job(f"J{j}", ops, due=rng.randint(0, 1500), release=rng.choice([0, 0, rng.randint(0, 600)]),
                            weight=rng.randint(1, 5)))
        p = problem(machines, [], jobs)
        bound = lower_bound(p)
        result = solve(p, time_limit=3)
        assert bound.tardiness <= result.score.tardiness, seed
        if result.status == "optimal":
            proven += 1
            raised += bound.tardiness > bound.alone_tardiness
    assert proven >= 4 and raised >= 1


def test_a_failing_bound_costs_no_plan(monkeypatch):
    """The bound is extra: when it fails the plan still comes, checked, with a note naming the failure."""
    from maakbaar.planning import engine

    def broken(_problem):
        raise ValueError("calendar out of range")

    monkeypatch.setattr(engine, "lower_bound", broken)
    p = problem([machine("L1")], [], [job("A", [op("A", 10, "laser", {"L1": 60}, needs_operator=False)], due=30)])
    for result in (engine.solve(p, time_limit=1), engine.replan(p, engine.solve(p, time_limit=1).plan, time_limit=1)):
        assert result.bound is None and check_plan(result.problem, result.plan) == []
        assert result.score.tardiness == 3 * 30
        assert any("lower bound skipped: ValueError: calendar out of range" in n for n in result.notes)


def test_a_short_wait_behind_started_work_that_costs_nothing_is_not_named():
    """The started job holds the lathe for 30 minutes; the urgent one waits for it, but its next step can
    only start when the day shift begins at 07:00 anyway: it finishes no later, so that is not its reason;
    nor is a delay of less than an hour."""
    lathe, qc = machine("D1", "cnc_turning"), machine("Q1", "inspection", days(3))
    started = op("S", 10, "cnc_turning", {"D1": 30}, in_progress=True, fixed_machine="D1", needs_operator=False)
    urgent = [op("U", 10, "cnc_turning", {"D1": 60}, needs_operator=False),
              op("U", 20, "inspection", {"Q1": 30}, needs_operator=False)]
    bound = lower_bound(problem([lathe, qc], [], [job("S", [started], due=10 * DAY), job("U", urgent, due=60)]))
    assert bound.earliest["U"] == 7 * 60 + 30 and bound.behind == {}
    # without the inspection it does finish 30 minutes later: still not what makes it late by days
    bound = lower_bound(problem([lathe], [], [job("S", [started], due=10 * DAY), job("U", urgent[:1], due=-DAY)]))
    assert bound.earliest["U"] == 90 and bound.behind == {}


def _best_sequence(runs, weights, dues, releases=None):
    """Weighted minutes late of the best order of jobs on one machine that always works, every order tried."""
    from itertools import permutations

    releases = releases or [0] * len(runs)
    best = None
    for order in permutations(range(len(runs))):
        clock, total = 0, 0
        for i in order:
            clock = max(clock, releases[i]) + runs[i]
            total += weights[i] * max(0, clock - dues[i])
        best = total if best is None else min(best, total)
    return best


def _one_machine(runs, weights, dues, releases=None):
    releases = releases or [0] * len(runs)
    jobs = [job(f"J{i}", [op(f"J{i}", 10, "cnc_turning", {"D1": runs[i]}, needs_operator=False)], due=dues[i],
                weight=weights[i], release=releases[i]) for i in range(len(runs))]
    return problem([machine("D1", "cnc_turning")], [], jobs)


def test_a_long_job_on_time_alone_must_end_last_on_the_only_lathe():
    """The busy shop's lathe in small: the long job (1000 min, due 1100) is on time alone, and so is every
    short one (due 300-500), so 'each job alone' bounds nothing. On the one lathe someone ends at 1300: the
    long job last is late 200 (weight 3: 600); any short job last is later than that costs. The bound finds
    the best order's 600 and names the long job; the engine reaches it and proves it."""
    runs, weights, dues = (1000, 100, 100, 100), (3, 2, 2, 2), (1100, 300, 400, 500)
    p = _one_machine(runs, weights, dues)
    best = _best_sequence(runs, weights, dues)
    bound = lower_bound(p)
    assert bound.alone_tardiness == 0
    assert bound.tardiness == best == 3 * (1300 - 1100)
    assert bound.shared == {"D1": ("J0",)} and bound.sharing_cost == {"D1": best}
    result = solve(p, time_limit=5)
    assert result.status == "optimal" and result.score.tardiness == best


def test_the_bound_is_the_optimum_of_one_machine_without_release_times():
    """With every job ready at the start, ending last on the machine at F(S) is exact: the bound equals the
    best of every order on small random one-machine shops (weights, runs and due dates drawn), and is no
    more than the best order once release times are drawn too."""
    import random

    raised = 0
    for seed in range(20):
        rng = random.Random(seed)
        n = rng.randint(3, 7)
        runs = [rng.randint(10, 400) for _ in range(n)]
        weights = [rng.randint(1, 5) for _ in range(n)]
        dues = [rng.randint(0, sum(runs)) for _ in range(n)]
        bound = lower_bound(_one_machine(runs, weights, dues))
        assert bound.tardiness == _best_sequence(runs, weights, dues), seed
        raised += bound.tardiness > bound.alone_tardiness
        releases = [rng.choice([0, rng.randint(0, sum(runs) // 2)]) for _ in range(n)]
        bound = lower_bound(_one_machine(runs, weights, dues, releases))
        assert bound.alone_tardiness <= bound.tardiness <= _best_sequence(runs, weights, dues, releases), seed
    assert raised >= 15


def test_a_search_cut_short_still_bounds(monkeypatch):
    """Past its budget of sets the search keeps the cheapest it has not finished: less, never more, than the
    full search, and still at least each job alone."""
    from maakbaar.planning import bounds

    runs, weights, dues = (300, 250, 200, 150, 120, 90, 60), (1, 2, 3, 4, 2, 3, 5), (100, 200, 250, 300, 350, 400, 450)
    full = lower_bound(_one_machine(runs, weights, dues))
    assert full.tardiness == _best_sequence(runs, weights, dues)
    seen = []
    for budget in (0, 1, 3, 10):
        monkeypatch.setattr(bounds, "SHARING_EXPANSIONS", budget)
        seen.append(lower_bound(_one_machine(runs, weights, dues)).tardiness)
    assert seen == sorted(seen) and seen[0] < full.tardiness and seen[-1] <= full.tardiness
    assert all(s >= full.alone_tardiness for s in seen)


def test_jobs_on_two_only_machines_are_counted_once():
    """Jobs that need both the mill and the lathe (and two that need the lathe only): the machine that proves
    more keeps them, the other is bounded without them, and the sum stays below what CP-SAT proves optimal
    (counting the J jobs on both machines would add 1290 more and pass it)."""
    mill, lathe = machine("F1", "cnc_milling"), machine("D1", "cnc_turning")
    jobs = []
    for i, (m_run, d_run, due) in enumerate(((200, 50, 250), (150, 200, 300), (100, 100, 200), (250, 30, 400))):
        jobs.append(job(f"J{i}", [op(f"J{i}", 10, "cnc_milling", {"F1": m_run}, needs_operator=False),
                                  op(f"J{i}", 20, "cnc_turning", {"D1": d_run}, needs_operator=False)], due=due))
    for i, (d_run, due) in enumerate(((120, 150), (80, 100))):
        jobs.append(job(f"T{i}", [op(f"T{i}", 10, "cnc_turning", {"D1": d_run}, needs_operator=False)], due=due))
    p = problem([mill, lathe], [], jobs)
    bound = lower_bound(p)
    # the mill proves more with the J jobs; the lathe is then bounded over the T jobs alone
    assert set(bound.shared["F1"]) <= {"J0", "J1", "J2", "J3"} and set(bound.shared["D1"]) <= {"T0", "T1"}
    assert bound.tardiness == bound.alone_tardiness + sum(bound.sharing_cost.values()) > bound.alone_tardiness
    result = solve(p, time_limit=5)
    assert check_plan(result.problem, result.plan) == []
    assert result.status == "optimal" and bound.tardiness <= result.score.tardiness
