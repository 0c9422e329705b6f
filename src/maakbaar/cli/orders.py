"""Orders: list them, make one, turn a quote into one."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ..store.db import unit_of_work
from .app import app, order_app
from .common import UserError, console, database, day, h, money, parse_date, run, say


@app.command(help=h("help.orders"))
def orders(
    all_: Annotated[bool, typer.Option("--all", help=h("help.orders.all"))] = False,
) -> None:
    """List the orders, earliest due date first; late ones in red."""
    from ..services import order_service

    def action():
        engine = database()
        with unit_of_work(engine) as session:
            rows = order_service.order_overview(session, include_closed=all_)
        table = Table(title=f"{say('orders')} ({len(rows)})")
        for column in ("order", "customer", "due_date", "status", "priority", "cli.lines", "cli.value"):
            numeric = column in ("priority", "cli.lines", "cli.value")
            table.add_column(say(column), justify="right" if numeric else "left")
        for row in rows:
            style = "red" if row.late else ("yellow" if row.days_left <= 2 else None)
            table.add_row(row.number, row.customer_name, day(row.due_date), say(f"status.{row.status.value}"),
                          str(row.priority), str(row.line_count), money(row.value), style=style)
        console.print(table)

    run(action)


def _line(text: str) -> tuple[str, int]:
    part, _, quantity = text.rpartition(":")
    try:
        return part, int(quantity)
    except ValueError:
        raise UserError(f"--line {text}: write PART:QUANTITY, e.g. BR-100:25", code="cli.line_format",
                        text=text) from None


@order_app.command("new", help=h("help.order_new"))
def order_new(
    customer: Annotated[str, typer.Argument(help=h("help.order_new.customer"))],
    due: Annotated[str, typer.Option(help=h("help.order_new.due"))],
    line: Annotated[list[str], typer.Option(help=h("help.order_new.line"))],
    number: Annotated[str | None, typer.Option(help=h("help.order_new.number"))] = None,
    reference: Annotated[str, typer.Option(help=h("help.order_new.reference"))] = "",
    release: Annotated[str | None, typer.Option(help=h("help.order_new.release"))] = None,
    priority: Annotated[int, typer.Option(help=h("help.order_new.priority"))] = 3,
    notes: Annotated[str, typer.Option(help=h("help.order_new.notes"))] = "",
) -> None:
    """Make an order, as the order page and POST /api/orders do (same checks, same numbering)."""
    from ..services import order_service

    def action():
        draft = order_service.OrderDraft(
            customer=customer, due_date=parse_date(due, "--due"), number=number, customer_reference=reference,
            release_date=parse_date(release, "--release") if release else None, priority=priority, notes=notes,
            lines=[order_service.DraftLine(part=p, quantity=q) for p, q in map(_line, line)])
        with unit_of_work(database()) as session:
            order = order_service.create_order(session, draft)
        console.print(say("cli.order_stored", order=order.number, customer=order.customer, n=len(order.lines),
                          due=day(order.due_date)))

    run(action)


@order_app.command("from-quote", help=h("help.order_from_quote"))
def order_from_quote(
    quote: Annotated[str, typer.Argument(help=h("help.order_from_quote.quote"))],
    qty: Annotated[list[str] | None, typer.Option(help=h("help.order_from_quote.qty"))] = None,
    due: Annotated[str | None, typer.Option(help=h("help.order_from_quote.due"))] = None,
    priority: Annotated[int, typer.Option(help=h("help.order_from_quote.priority"))] = 3,
) -> None:
    """Turn a quote into an order at the price of the quantity break each line falls in."""
    from ..services import quoting

    def action():
        quantities = {}
        for text in qty or []:
            line_no, _, quantity = text.partition(":")
            try:
                quantities[int(line_no)] = int(quantity)
            except ValueError:
                raise UserError(f"--qty {text}: write LINE:QUANTITY, e.g. 1:50", code="cli.qty_format",
                                text=text) from None
        with unit_of_work(database()) as session:
            order = quoting.order_from_quote(session, quote, quantities or None,
                                             parse_date(due, "--due") if due else None, priority=priority)
        console.print(say("cli.order_from_quote", order=order.number, quote=quote, due=day(order.due_date),
                          lines=", ".join(say("cli.order_line", line=ln.line_no, quantity=ln.quantity,
                                                 price=money(ln.unit_price)) for ln in order.lines)))

    run(action)
