"""Benchmarks: ``benchmarks/run.sh SUITE [options]`` (see --help). Prints a Markdown table with ratios
against baselines measured in the same run, and saves it under benchmarks/results/."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RESULTS = Path(__file__).resolve().parent / "results"

BRANDIMARTE = [f"mk{i:02d}" for i in range(1, 11)]
TAILLARD = ["ta01", "ta11", "ta21", "ta31", "ta41", "ta51", "ta61", "ta71"]


def gap(value: int | None, best: int) -> float | None:
    return None if value is None else 100.0 * (value - best) / best


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def classic(args) -> str:
    from benchmarks.classic import SHARED, best_known, read_brandimarte, read_taillard, solve_ours, solve_plain
    from benchmarks.jobshop import check, greedy, makespan

    names = args.instances or (BRANDIMARTE + TAILLARD)
    lines = [f"| instance | best known | greedy | plain CP-SAT {args.seconds:g}s | ours {args.seconds:g}s | "
             "gap greedy % | gap plain % | gap ours % |", "|---|---|---|---|---|---|---|---|"]
    gaps: dict[str, dict[str, list[float]]] = {"mk": {"plain": [], "ours": []}, "ta": {"plain": [], "ours": []}}
    for name in names:
        instance = read_brandimarte(SHARED / "brandimarte" / f"{name}.txt") if name.startswith("mk") else read_taillard(name)
        best = best_known(name)
        g = greedy(instance)
        plain = solve_plain(instance, args.seconds, workers=args.workers)
        ours = solve_ours(instance, args.seconds, workers=args.workers)
        for label, solution in (("greedy", g), ("plain", plain), ("ours", ours)):
            if solution is not None:
                problems = check(instance, solution)
                assert not problems, f"{name} {label}: {problems[:3]}"
        values = {"greedy": makespan(g), "plain": plain and makespan(plain), "ours": makespan(ours)}
        family = name[:2]
        gaps[family]["plain"].append(gap(values["plain"], best) if values["plain"] else float("nan"))
        gaps[family]["ours"].append(gap(values["ours"], best))
        line = (f"| {name} | {best} | {values['greedy']} | {fmt(values['plain'])} | {values['ours']} | "
                f"{fmt(gap(values['greedy'], best))} | {fmt(gap(values['plain'], best))} | {fmt(gap(values['ours'], best))} |")
        lines.append(line)
        print(line, flush=True)
    for family, label in (("mk", "Brandimarte mean"), ("ta", "Taillard mean")):
        if gaps[family]["ours"]:
            plain_mean = statistics.fmean(gaps[family]["plain"])
            ours_mean = statistics.fmean(gaps[family]["ours"])
            ratio = ours_mean / plain_mean if plain_mean else float("nan")
            lines.append(f"| **{label}** | | | | | | {plain_mean:.2f} | {ours_mean:.2f} (x{ratio:.2f} of plain) |")
    return "\n".join(lines)


def shop(args) -> str:
    from benchmarks.shop import run
    from maakbaar.planning.problem import objective_order

    sizes = tuple(args.sizes or (60, 200, 500))
    budgets = (10, args.seconds)
    criteria = objective_order(args.objectives.split(",")) if args.objectives else None
    rows = run(sizes, budgets, plain=not args.no_plain, on_row=lambda r: print(r, flush=True), criteria=criteria,
               load=args.load)
    head = ["orders", "jobs", "operations", "first plan s", "lower bound", "EDD rule", "best rule (late)"]
    for b in budgets:
        head += [f"plain CP-SAT {b:g}s", f"ours {b:g}s", f"ours/rule {b:g}s", f"avoidable ours/rule {b:g}s"]
    head += ["replan: first plan s / done s", "ops moved (of the next 2 days)", "tardiness repaired -> searched",
             "broken machine"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["orders"], r["jobs"], r["operations"], f"{r['first_plan_s']:.2f}", r["lower_bound"],
                 r["edd_tardiness"], f"{r['dispatch_tardiness']} ({r['dispatch_late']})"]
        for b in budgets:
            ours = r[f"ours_{b}s"]
            avoidable = r["dispatch_tardiness"] - r["lower_bound"]
            cells += [fmt(r.get(f"plain_{b}s")) if not args.no_plain else "not run", f"{ours} ({r[f'ours_{b}s_late']})",
                      f"{ours / r['dispatch_tardiness']:.2f}" if r["dispatch_tardiness"] else "-",
                      f"{(ours - r['lower_bound']) / avoidable:.2f}" if avoidable > 0 else "-"]
        cells += [f"{r['replan_first_s']:.2f} / {r['replan_s']:.1f}", f"{r['replan_moved']} ({r['replan_moved_2days']})",
                  f"{r['replan_tardiness'][0]} -> {r['replan_tardiness'][1]}", r["bottleneck"]]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
        print(lines[-1], flush=True)
    lines.append("")
    if args.load != 1:
        lines.append(f"Load {args.load:g}: orders with a normal lead time promised {args.load:g} times sooner than "
                     "in the demo (a busier shop; never sooner than the lead time a shop would quote).")
    lines.append(f"Objectives of the engine, in order: {args.objectives or 'late_jobs,tardiness,setup,flow_time'}. "
                 "Tardiness = weighted tardiness in minutes (priority x minutes late), lower is better; "
                 "(late) = weighted late orders; with late orders first the engine trades tardiness for fewer late orders. "
                 "Rule = the best of the dispatching rules on the same objectives. "
                 "'-' = no plan found in the budget (model building included). Avoidable = above the lower bound. Lower bound = each job alone in the shop without setups (its own routing, "
                 "release, lead times and calendars), with only the work every plan holds there (pinned operations, a started "
                 "operation alone on its machine), plus what the jobs of a machine that is the only one for some of their "
                 "operations lose because some job ends last there, after all of its work: tardiness no plan can avoid "
                 "(maakbaar.planning.bounds).")
    if args.held_out_seconds > 0:
        lines += ["", held_out_table(args)]
    return "\n".join(lines)


def held_out_table(args) -> str:
    """Shops no constant was tuned on, under both objective orders, with the gap to the bound per size."""

    from benchmarks.shop import held_out

    sizes = tuple(args.sizes or (60, 200, 500))
    rows = held_out(sizes, args.held_out_seconds, tuple(range(args.held_out_seeds)),
                    on_row=lambda r: print(r, flush=True))
    lines = [f"Both objective orders, {args.held_out_seconds:g} s each, on the tuned shop (the demo's generator at "
             "seed 11, load 3) and on shops no constant was tuned on: the demo's generator at other seeds (load 3) "
             "and the held-out generator (benchmarks/heldout.py, no code shared with the demo). "
             "Late = weighted late orders, min = weighted minutes late:", "",
             "Flow = the fourth criterion, the sum of the orders' ends in minutes; 'setups or flow only' = the other "
             "order ties on late orders and minutes late and is ahead on setups or flow time alone.", "",
             "| orders | generator | seed | bound late / min | late orders first: late / min / setup / flow | "
             "minutes late first: late / min / setup / flow | default beaten on every count? |",
             "|---|---|---|---|---|---|---|"]

    def beaten(r) -> str:
        return "YES" if r["dominated_on_lateness"] else "setups or flow only" if r["dominated"] else "no"

    for r in rows:
        lines.append(f"| {r['orders']} | {r['generator']} | {r['seed']} | {r['bound'][0]} / {r['bound'][1]} | "
                     f"{' / '.join(map(str, r['late_first']))} | {' / '.join(map(str, r['tardiness_first']))} | "
                     f"{beaten(r)} |")
    lines += ["", "Gap to the bound per size (mean over the shops above; minutes late above the bound, and late "
              "orders above it):", "", "| orders | order | mean minutes above bound | mean late orders above bound | "
              "shops where the default is beaten on every count (on setups or flow only) |", "|---|---|---|---|---|"]
    for orders in sizes:
        mine = [r for r in rows if r["orders"] == orders]
        for name, label in (("late_first", "late orders first"), ("tardiness_first", "minutes late first")):
            minutes = statistics.fmean(r[name][1] - r["bound"][1] for r in mine)
            late = statistics.fmean(r[name][0] - r["bound"][0] for r in mine)
            if name == "late_first":
                lateness = sum(r["dominated_on_lateness"] for r in mine)
                flow_only = sum(r["dominated"] and not r["dominated_on_lateness"] for r in mine)
                count = f"{lateness} ({flow_only})"
            else:
                count = "-"
            lines.append(f"| {orders} | {label} | {minutes:.0f} | {late:.1f} | {count} |")
    return "\n".join(lines)


def quoting(args) -> str:
    from benchmarks.quoting import run

    return run(args.count, args.repeats)


def esicup(args) -> str:
    from benchmarks.nesting import esicup as run

    return run(args.seconds, args.instances, args.workers)


def sheets(args) -> str:
    from benchmarks.nesting import sheets as run

    return run(args.sizes, args.seconds)


def web(args) -> str:
    from benchmarks.web import run as run_web

    sizes = [None if s == 0 else s for s in args.sizes]
    return run_web(sizes, args.users, args.seconds, tuple(args.databases), args.check)


def bookings(args) -> str:
    from benchmarks.bookings import run as run_bookings

    return run_bookings(args.bookings, args.readers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="suite", required=True)
    c = sub.add_parser("classic", help="Brandimarte mk01-mk10 and Taillard instances: makespan gap to best known")
    c.add_argument("--seconds", type=float, default=60)
    c.add_argument("--workers", type=int, default=2)
    c.add_argument("instances", nargs="*")
    s = sub.add_parser("shop", help="realistic shops of 60/200/500 orders: weighted tardiness, first plan, replan")
    s.add_argument("--seconds", type=float, default=60)
    s.add_argument("--sizes", type=int, nargs="*")
    s.add_argument("--no-plain", action="store_true", help="skip plain CP-SAT")
    s.add_argument("--load", type=float, default=1.0,
                   help="promise the orders with a normal lead time this many times sooner (a busier shop)")
    s.add_argument("--objectives", default="", help="the engine's objectives in order, e.g. "
                   "tardiness,late_jobs,setup,flow_time (default: late orders first)")
    s.add_argument("--held-out-seconds", type=float, default=20,
                   help="budget per plan on the held-out shops (both objective orders); 0 leaves them out")
    s.add_argument("--held-out-seeds", type=int, default=3, help="held-out shops per generator and size")
    q = sub.add_parser("quoting", help="DXF geometry plus costing speed, against ezdxf reading the same files")
    q.add_argument("--count", type=int, default=200)
    q.add_argument("--repeats", type=int, default=3)
    e = sub.add_parser("esicup", help="strip packing density on the 13 ESICUP instances against the published best")
    e.add_argument("--seconds", type=float, nargs="*", default=[10, 60])
    e.add_argument("--workers", type=int, default=2)
    e.add_argument("instances", nargs="*")
    n = sub.add_parser("sheets", help="realistic job mixes on 3000x1500 sheets: packingsolver, spyrrow cut, shelf")
    n.add_argument("--seconds", type=float, default=30)
    n.add_argument("--sizes", type=int, nargs="*", default=[50, 150, 300])
    w = sub.add_parser("web", help="web latency p50/p95 under concurrent clients (locust): board, orders, dashboard")
    w.add_argument("--sizes", type=int, nargs="*", default=[0, 500], help="0 = the demo shop")
    w.add_argument("--users", type=int, default=20)
    w.add_argument("--seconds", type=int, default=30)
    w.add_argument("--databases", nargs="*", default=["sqlite"], choices=["sqlite", "postgresql"],
                   help="postgresql: a database made for the run on MAAKBAAR_BENCH_POSTGRES's server")
    w.add_argument("--check", type=float, default=None,
                   help="fail when a page's p95 is more than this many times the health p95 (CI: a generous 8)")
    b = sub.add_parser("bookings", help="shift start: many terminals book at once while office screens read")
    b.add_argument("--bookings", type=int, default=50)
    b.add_argument("--readers", type=int, default=20)
    args = parser.parse_args()
    started = time.monotonic()
    table = {"classic": classic, "shop": shop, "quoting": quoting, "esicup": esicup, "sheets": sheets, "web": web,
             "bookings": bookings}[args.suite](args)
    command = "benchmarks/run.sh " + " ".join(sys.argv[1:])
    header = (f"### {args.suite} ({dt.date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
              f"{time.monotonic() - started:.0f} s)\n\nCommand: `{command}`\n\n")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.suite}.md").write_text(header + table + "\n")
    print("\n" + header + table)


if __name__ == "__main__":
    main()
