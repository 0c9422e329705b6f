"""Plan the open orders on finite capacity and promise delivery dates."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from ..reasons import Figure
from ..store.db import unit_of_work
from .app import app
from .common import console, database, duration, h, moment, parse_moment, run, say, why


@app.command(help=h("help.plan"))
def plan(
    time_limit: Annotated[float, typer.Option("--time-limit", help=h("help.plan.time_limit"))] = 10.0,
    start: Annotated[str | None, typer.Option(help=h("help.plan.start"))] = None,
    replan: Annotated[bool, typer.Option("--replan", help=h("help.plan.replan"))] = False,
    objectives: Annotated[str | None, typer.Option(
        "--objectives", help=h("help.plan.objectives"))
    ] = None,
    as_default: Annotated[bool, typer.Option(
        "--as-default", help=h("help.plan.as_default"))
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
        console.print(f"[red]--objectives: {why(error.reason)}[/]")
        raise typer.Exit(2)
    if as_default and criteria is None:
        console.print(f"[red]{say('cli.as_default_needs_objectives')}[/]")
        raise typer.Exit(2)

    def action():
        origin = parse_moment(start) if start else None
        engine = database()
        with unit_of_work(engine) as session:
            if as_default:
                planning_service.set_shop_objectives(session, criteria)
                session.commit()  # kept even if the plan fails; the plan reads and stores in its own transactions
            order = criteria or planning_service.shop_objectives(session)
            console.print(say("cli.objectives", objectives=", ".join(order)))
            with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                          TextColumn("{task.fields[info]}"), console=console, transient=True) as progress:
                task = progress.add_task(say("job.plan"), total=time_limit, info="")

                def on_progress(p):  # the phase and the plan's standing against what no plan avoids
                    standing = planning_service.progress_reason(p)
                    info = say(f"phase.{planning_service.progress_phase(p)}") + ("" if standing is None else f": {why(standing)}")
                    progress.update(task, completed=min(p.elapsed, time_limit), info=info)

                summary = planning_service.plan_shop(session, origin, time_limit, on_progress,
                                                     mode="replan" if replan else "full", criteria=order,
                                                     release_snapshot=True)
        console.print(say("cli.plan_stored", plan=summary.plan_id, n=summary.operations,
                          first=Figure(summary.first_plan_seconds, 2), elapsed=Figure(summary.elapsed, 1)), highlight=False)
        if summary.standing is not None:
            console.print(why(summary.standing), highlight=False)
        if summary.bottleneck:
            machine, load = summary.bottleneck
            console.print(say("cli.bottleneck", machine=f"[bold]{machine}[/]", load=f"{load:.0%}"))
        for reason in summary.unplanned:
            console.print(f"[yellow]{say('cli.not_planned')}:[/] {why(reason)}", highlight=False)
        if not summary.late_orders:
            console.print(f"[green]{say('cli.all_on_time')}[/]")
            return
        table = Table(title=say("cli.late_orders", n=len(summary.late_orders)))
        table.add_column(say("order"))
        table.add_column(say("cli.late_by"), justify="right")
        table.add_column(say("cli.why"))
        for number, minutes, reason in summary.late_orders:
            table.add_row(number, duration(minutes), why(reason))
        console.print(table)
        if summary.unavoidable_tardiness is not None:
            console.print(say("cli.unavoidable", n=len(summary.unavoidable_orders), tardiness=summary.tardiness,
                              unavoidable=summary.unavoidable_tardiness), highlight=False)
        for machine, orders, minutes in summary.shared_machines:
            console.print(say("cli.shared_machine", machine=machine, minutes=minutes, orders=", ".join(orders)),
                          highlight=False)

    run(action)


@app.command(help=h("help.promise"))
def promise(order: Annotated[str, typer.Argument(help=h("help.promise.order"))]) -> None:
    """When can ORDER be delivered without making other orders late, and what if it gets top priority?"""
    from ..services import planning_service

    def action():
        engine = database()
        with unit_of_work(engine) as session:
            answer = planning_service.promise_order(session, order)
        console.print(say("cli.promise", order=answer.order, when=f"[bold]{moment(answer.earliest)}[/]"))
        console.print(say("cli.promise_top", when=moment(answer.top_priority)))
        if answer.slipping:
            slips = ", ".join(f"{n} (+{duration(m)})" for n, m in answer.slipping[:10])
            console.print("  " + say("cli.promise_slips", orders=slips))
        elif answer.top_priority < answer.earliest:
            console.print("  " + say("cli.promise_no_slip"))

    run(action)
