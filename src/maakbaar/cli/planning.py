"""Plan the open orders on finite capacity and promise delivery dates."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from ..store.db import unit_of_work
from .app import app
from .common import console, database, duration, parse_moment, run, why


@app.command()
def plan(
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds to spend improving the plan.")] = 10.0,
    start: Annotated[str | None, typer.Option(help="Plan from this moment (YYYY-MM-DD or YYYY-MM-DDTHH:MM; default now).")] = None,
    replan: Annotated[bool, typer.Option("--replan", help="Keep the current plan's next two days wherever they still fit.")] = False,
    objectives: Annotated[str | None, typer.Option(
        "--objectives", help="Objectives in order of importance, comma-separated, from: late_jobs (late orders "
        "weighted by priority), tardiness (minutes late weighted by priority), setup, flow_time. Default: the "
        "shop's order (late_jobs,tardiness,setup,flow_time until --as-default sets another).")
    ] = None,
    as_default: Annotated[bool, typer.Option(
        "--as-default", help="Also make --objectives the shop's order for every later plan (web included).")
    ] = False,
) -> None:
    """Plan all open orders on finite capacity (machines, operators, shifts, setups) and store the plan.

    Prints the late orders with the reason each is late, and the bottleneck.
    """
    from ..planning.problem import objective_order
    from ..services import planning_service

    try:
        criteria = None if objectives is None else objective_order(objectives.split(","))
    except ValueError as error:
        console.print(f"[red]--objectives: {error}[/]")
        raise typer.Exit(2)
    if as_default and criteria is None:
        console.print("[red]--as-default needs --objectives[/]")
        raise typer.Exit(2)

    def action():
        origin = parse_moment(start) if start else None
        engine = database()
        with unit_of_work(engine) as session:
            if as_default:
                planning_service.set_shop_objectives(session, criteria)
            order = criteria or planning_service.shop_objectives(session)
            console.print(f"Objectives in order: {', '.join(order)}")
            with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                          TextColumn("{task.fields[info]}"), console=console, transient=True) as progress:
                task = progress.add_task("Planning", total=time_limit, info="")

                def on_progress(p):
                    progress.update(task, completed=min(p.elapsed, time_limit), info=f"{p.phase}: {p.message}")

                summary = planning_service.plan_shop(session, origin, time_limit, on_progress,
                                                     mode="replan" if replan else "full", criteria=order)
        console.print(f"Plan {summary.plan_id} stored ({summary.status}): {summary.operations} operations, "
                      f"first plan after {summary.first_plan_seconds:.2f} s, done in {summary.elapsed:.1f} s.")
        if summary.bottleneck:
            machine, load = summary.bottleneck
            console.print(f"Bottleneck next 10 days: [bold]{machine}[/] at {load:.0%} of its working time.")
        for reason in summary.unplanned:
            console.print(f"[yellow]Not planned:[/] {why(reason)}", highlight=False)
        if not summary.late_orders:
            console.print("[green]Every order is planned on time.[/]")
            return
        table = Table(title=f"Late orders ({len(summary.late_orders)})")
        table.add_column("Order")
        table.add_column("Late by", justify="right")
        table.add_column("Why")
        for number, minutes, reason in summary.late_orders:
            table.add_row(number, duration(minutes), why(reason))
        console.print(table)
        if summary.unavoidable_tardiness is not None:
            console.print(f"{len(summary.unavoidable_orders)} of these cannot be on time in any plan (they end after "
                          "their due date even with the shop to themselves). Minutes late, weighted by priority: "
                          f"{summary.tardiness:,}, of which no plan avoids {summary.unavoidable_tardiness:,}.",
                          highlight=False)
        for machine, orders, minutes in summary.shared_machines:
            console.print(f"{machine} is the only machine for some steps and does them one after the other: in "
                          f"any plan that costs at least {minutes:,} more weighted minutes late ({', '.join(orders)} "
                          "late in the best order there); hours there would help.", highlight=False)

    run(action)


@app.command()
def promise(order: Annotated[str, typer.Argument(help="Order number, e.g. ORD-260012")]) -> None:
    """When can ORDER be delivered without making other orders late, and what if it gets top priority?"""
    from ..services import planning_service

    def action():
        engine = database()
        with unit_of_work(engine) as session:
            answer = planning_service.promise_order(session, order)
        console.print(f"{answer.order}: can be ready on [bold]{answer.earliest:%a %d-%m-%Y %H:%M}[/] "
                      "without making other orders later.")
        console.print(f"With top priority: ready on {answer.top_priority:%a %d-%m-%Y %H:%M}.")
        if answer.slipping:
            slips = ", ".join(f"{n} (+{duration(m)})" for n, m in answer.slipping[:10])
            console.print(f"  then these orders would slip: {slips}")
        elif answer.top_priority < answer.earliest:
            console.print("  and no other order would become later.")

    run(action)
