"""The shop floor from the office: a planner books for an operator (a forgotten start, a finish reported on
paper) and looks at a work center's queue, as the terminal shows it."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import floor_app
from .common import UserError, console, database, h, moment, run, say


@floor_app.command("book", help=h("help.book"))
def book(
    operation: Annotated[str, typer.Argument(help=h("help.book.operation"))],
    action: Annotated[str, typer.Argument(help=h("help.book.action"))],
    operator: Annotated[str, typer.Option("--operator", help=h("help.book.operator"))],
    good: Annotated[int, typer.Option(min=0, help=h("help.book.good"))] = 0,
    scrap: Annotated[int, typer.Option(min=0, help=h("help.book.scrap"))] = 0,
    last: Annotated[bool, typer.Option("--last", help=h("help.book.last"))] = False,
    reason: Annotated[str, typer.Option(help=h("help.book.reason"))] = "",
    machine: Annotated[str | None, typer.Option(help=h("help.book.machine"))] = None,
    key: Annotated[str | None, typer.Option(help=h("help.book.key"))] = None,
) -> None:
    """Book an action on an operation for an operator, as the terminal would (same checks, same record)."""
    from ..floor.bookings import ACTIONS
    from ..services import floor_service

    def action_():
        if action not in ACTIONS:
            raise UserError(f"unknown action '{action}' (known: {', '.join(ACTIONS)})", code="booking.unknown_action",
                            action=action, known=", ".join(ACTIONS))
        result = floor_service.book_committed(database(), operation, action, operator.strip().upper(),
                                              key or floor_service.new_key(), good=good, scrap=scrap, last=last,
                                              reason=reason, machine=machine, for_someone_else=True)
        console.print(say("cli.booked", action=say(f"action.{action}"), op=result.op_key, operator=operator.upper(),
                          status=say(f"opstatus.{result.status}"), done=result.quantity_done,
                          quantity=result.quantity)
                      + ("" if not result.repeated else " " + say("cli.booked_before")), highlight=False)
        for message in result.messages:
            console.print(f"  {message}", highlight=False, markup=False)

    run(action_)


@floor_app.command("queue", help=h("help.queue"))
def queue(work_center: Annotated[str, typer.Argument(help=h("help.queue.work_center"))]) -> None:
    """A work center's work in plan order: what is running, then what can start, with the pieces ready."""
    from ..services import floor_service
    from ..store.db import unit_of_work

    def action():
        with unit_of_work(database()) as session:
            items = floor_service.queue(session, work_center)
        if not items:
            console.print(say("cli.queue_empty", work_center=work_center))
        for item in items:
            start = moment(item["planned_start"]) if item["planned_start"] else say("cli.not_planned")
            on_it = f" — {', '.join(item['on_it'])}" if item["on_it"] else ""
            console.print(f"{item['op_key']:<22} {say('opstatus.' + item['status']):<10} {start:<16} "
                          f"{item['machine']:<8} {say('cli.ready', ready=item['available'], quantity=item['quantity'])}"
                          f"  {item['part']}{on_it}",
                          highlight=False, markup=False, soft_wrap=True)

    run(action)
