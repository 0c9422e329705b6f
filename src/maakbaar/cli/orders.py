"""Orders: list them, make one, turn a quote into one."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ..store.db import unit_of_work
from .app import app, order_app
from .common import UserError, console, database, day, money, parse_date, run, say


@app.command()
def orders(
    all_: Annotated[bool, typer.Option("--all", help="Include done, delivered and cancelled orders.")] = False,
) -> None:
    """List the orders, earliest due date first; late ones in red."""
    from ..services import order_service

    def action():
        engine = database()
        with unit_of_work(engine) as session:
            rows = order_service.order_overview(session, include_closed=all_)
        table = Table(title=f"{say('orders')} ({len(rows)})")
        for column in ("order", "customer", "due_date", "status", "priority", "cli.lines", "cli.value"):
            table.add_column(say(column), justify="right" if column in ("priority", "cli.lines", "cli.value") else "left")
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


@order_app.command("new")
def order_new(
    customer: Annotated[str, typer.Argument(help="Customer code")],
    due: Annotated[str, typer.Option(help="Due date YYYY-MM-DD")],
    line: Annotated[list[str], typer.Option(help="PART:QUANTITY; repeat for more lines")],
    number: Annotated[str | None, typer.Option(help="Order number (default: the next ORD-<yy><nnnn>)")] = None,
    reference: Annotated[str, typer.Option(help="The customer's reference")] = "",
    release: Annotated[str | None, typer.Option(help="Earliest start YYYY-MM-DD (default: today)")] = None,
    priority: Annotated[int, typer.Option(help="1 (low) to 5 (rush)")] = 3,
    notes: Annotated[str, typer.Option(help="Notes")] = "",
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


@order_app.command("from-quote")
def order_from_quote(
    quote: Annotated[str, typer.Argument(help="Quote number, e.g. OFF-260001")],
    qty: Annotated[list[str] | None, typer.Option(help="LINE:QUANTITY the customer ordered (default: the first "
                                                       "break); repeat per line")] = None,
    due: Annotated[str | None, typer.Option(help="Due date YYYY-MM-DD (default: from the quoted lead time)")] = None,
    priority: Annotated[int, typer.Option(help="1 (low) to 5 (rush)")] = 3,
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
