"""The ``maakbaar`` command line: thin wrappers around the services, with readable output."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from .. import clock
from .. import config
from ..domain import describe_validation_error
from ..services.errors import ImportProblem, NotEmptyError
from ..co2.factors import FactorError
from ..services.co2_service import Co2Error
from ..services.nesting_service import NestingServiceError
from ..services.user_service import UserError as UserServiceError
from ..services.planning_service import PlanningServiceError
from ..services.quoting import QuoteError
from ..planning.engine import PlanningError
from ..store import migrate
from ..store.db import make_engine, unit_of_work
from ..store.repositories import ConflictError, DuplicateError, NotFoundError

app = typer.Typer(
    help="maakbaar: production office for metalworking job shops (quoting, nesting, planning, shop floor).",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema: create, upgrade and inspect (Alembic migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")
user_app = typer.Typer(help="Users and roles: add, list, change a password, unlock.", no_args_is_help=True)
app.add_typer(user_app, name="user")

console = Console(emoji=False)
errors = Console(stderr=True, emoji=False)


class UserError(Exception):
    """Something the user can fix; printed without a stack trace."""


@app.callback()
def main(
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", envvar=config.DATABASE_URL_ENV, show_envvar=True,
                     help="Database to use, e.g. postgresql+psycopg://user@host/db. Default: SQLite in ./data."),
    ] = None,
) -> None:
    if database_url:
        os.environ[config.DATABASE_URL_ENV] = database_url


def _engine(require_current: bool = True):
    engine = make_engine()
    if require_current:
        current = migrate.current_revision(engine)
        if current != migrate.head_revision():
            engine.dispose()
            where = config.database_url()
            state = "has no maakbaar schema yet" if current is None else f"is at schema {current}"
            raise UserError(f"The database {where} {state}. Run `maakbaar db upgrade` (or `maakbaar init`) first.")
    return engine


def _fail(message: str) -> None:
    errors.print("[bold red]Error:[/] " + escape(message), highlight=False)
    raise typer.Exit(code=1)


def _run(action):
    """Run a use case and turn every expected failure into a clear message and exit code 1."""
    try:
        return action()
    except ImportProblem as error:
        errors.print(f"[bold red]Import refused[/] {error.source}: {len(error.problems)} problem(s); "
                     "nothing was stored.", highlight=False)
        for problem in error.problems[:100]:
            errors.print(f"  - {problem}", highlight=False, markup=False)
        raise typer.Exit(code=1) from None
    except ValidationError as error:
        _fail("\n".join(describe_validation_error(error)))
    except (UserError, NotEmptyError, NotFoundError, DuplicateError, ConflictError, FileNotFoundError,
            PlanningServiceError, PlanningError, QuoteError, NestingServiceError, Co2Error, FactorError,
            UserServiceError, LookupError) as error:
        _fail(str(error))
    except SQLAlchemyError as error:
        _fail(f"database error, nothing was changed: {error.__class__.__name__}: {str(error).splitlines()[0]}")


@app.command()
def init() -> None:
    """Create the data folder and the database with the current schema. Safe to run again."""

    def action():
        engine = make_engine()
        migrate.upgrade(engine)
        console.print(f"Database ready at [bold]{config.database_url()}[/] (schema {migrate.current_revision(engine)}).")

    _run(action)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Bring the database schema up to date (creates it when empty)."""

    def action():
        engine = make_engine()
        before = migrate.current_revision(engine)
        migrate.upgrade(engine, revision)
        after = migrate.current_revision(engine)
        console.print(f"Schema {before or 'empty'} -> {after} on {config.database_url()}")

    _run(action)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision, 'base' removes everything")]) -> None:
    """Step the schema back to REVISION. 'base' drops every maakbaar table (and its data)."""
    _run(lambda: (migrate.downgrade(make_engine(), revision), console.print(f"Schema now at {revision}.")))


@db_app.command("current")
def db_current() -> None:
    """Show the database's schema revision and the newest one this version knows."""

    def action():
        engine = make_engine()
        console.print(f"database: {config.database_url()}\ncurrent:  {migrate.current_revision(engine) or 'empty'}\n"
                      f"head:     {migrate.head_revision()}")

    _run(action)


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    console=console, transient=True)


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Same seed and start date, same shop.")] = 1,
    start: Annotated[str | None, typer.Option(help="The shop's 'today' as YYYY-MM-DD (default: today).")] = None,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing when the database already has a shop.")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Delete the stored shop first.")] = False,
) -> None:
    """Fill an empty database with the demo shop: a Dutch job shop with 60-80 open orders."""
    from ..services import demo as demo_service
    from ..services import shop_io

    def action():
        start_date = _parse_date(start, "--start") if start else clock.today()
        engine = _engine()
        with unit_of_work(engine) as session:
            if not shop_io.is_empty(session):
                if if_empty:
                    console.print("The database already holds a shop; demo not loaded.")
                    return
                if not replace:
                    raise UserError("The database already holds a shop. Use --replace to overwrite it with the demo.")
                shop_io.clear_shop(session)
            shop = demo_service.build_demo_shop(seed, start_date)
            with _progress() as progress:
                task = progress.add_task("Storing the demo shop", total=shop_io.count_items(shop))
                counts = shop_io.store_shop(session, shop, on_item=lambda: progress.advance(task))
            from ..services import user_service

            users = user_service.add_demo_users(session, [o.code for o in shop.operators])
        console.print(f"Demo shop '{shop.name}' (seed {seed}, today {start_date}) loaded: "
                      + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items()))
        if users:
            console.print(f"Demo users (password {user_service.DEMO_PASSWORD}): "
                          + ", ".join(f"{u.username} ({u.role})" for u in users), highlight=False)

    _run(action)


def _parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option}: '{text}' is not a date as YYYY-MM-DD") from None


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(exists=False, help="A .json shop file, a .csv file or an .xlsx workbook.")],
    kind: Annotated[str | None, typer.Option(help="For CSV: orders, parts, routings or stock (default: from the file name).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="JSON only: replace the whole stored shop.")] = False,
) -> None:
    """Import a whole shop (JSON) or orders, parts, routings and stock (CSV or Excel).

    A file is imported whole or not at all: every bad row is reported with its row number and reason.
    """
    from ..services import shop_io, tabular

    def action():
        if not file.exists():
            raise UserError(f"{file}: no such file")
        engine = _engine()
        with unit_of_work(engine) as session:
            suffix = file.suffix.lower()
            if suffix == ".json":
                counts = shop_io.import_json(session, file, replace=replace)
            elif suffix in (".csv", ".xlsx", ".xlsm"):
                if replace:
                    raise UserError("--replace is for whole-shop JSON files only")
                counts = tabular.import_file(session, file, kind=kind)
            else:
                raise UserError(f"{file}: unknown file type '{suffix}' (use .json, .csv or .xlsx)")
        console.print(f"Imported {file}: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items() if n))

    _run(action)


@app.command()
def export(
    file: Annotated[Path, typer.Argument(help="Where to write: .json (the whole shop) or .xlsx (orders, parts, routings, stock).")],
    schema: Annotated[bool, typer.Option("--schema", help="Write the JSON Schema of the shop file instead.")] = False,
) -> None:
    """Export the whole shop (master data, stock, parts and orders) to one JSON file, or to Excel."""
    from ..services import shop_io, tabular

    def action():
        if schema:
            file.write_text(json.dumps(shop_io.shop_json_schema(), indent=2) + "\n", encoding="utf-8")
            console.print(f"JSON Schema written to {file}")
            return
        engine = _engine()
        with unit_of_work(engine) as session:
            if file.suffix.lower() == ".xlsx":
                counts = tabular.export_xlsx(session, file)
                console.print(f"Exported to {file}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
                return
            if file.suffix.lower() != ".json":
                raise UserError(f"{file}: export writes .json or .xlsx")
            shop = shop_io.export_json(session, file)
        console.print(f"Exported '{shop.name}' to {file}: {len(shop.orders)} orders, {len(shop.parts)} parts, "
                      f"{len(shop.machines)} machines, {len(shop.stock)} stock items.")

    _run(action)


@app.command()
def orders(
    all_: Annotated[bool, typer.Option("--all", help="Include done, delivered and cancelled orders.")] = False,
) -> None:
    """List the orders, earliest due date first; late ones in red."""
    from ..services import order_service

    def action():
        engine = _engine()
        with unit_of_work(engine) as session:
            rows = order_service.order_overview(session, include_closed=all_)
        table = Table(title=f"Orders ({len(rows)})")
        for column in ("Order", "Customer", "Due", "Status", "Prio", "Lines", "Value (EUR)"):
            table.add_column(column, justify="right" if column in ("Prio", "Lines", "Value (EUR)") else "left")
        for row in rows:
            style = "red" if row.late else ("yellow" if row.days_left <= 2 else None)
            table.add_row(row.number, row.customer_name, str(row.due_date), row.status.value, str(row.priority),
                          str(row.line_count), f"{row.value:,.2f}", style=style)
        console.print(table)

    _run(action)


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
        origin = _parse_moment(start) if start else None
        engine = _engine()
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
            console.print(f"[yellow]Not planned:[/] {reason}", highlight=False)
        if not summary.late_orders:
            console.print("[green]Every order is planned on time.[/]")
            return
        table = Table(title=f"Late orders ({len(summary.late_orders)})")
        table.add_column("Order")
        table.add_column("Late by", justify="right")
        table.add_column("Why")
        for number, minutes, why in summary.late_orders:
            table.add_row(number, _duration(minutes), why.split(": ", 1)[-1])
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

    _run(action)


@app.command()
def promise(order: Annotated[str, typer.Argument(help="Order number, e.g. ORD-260012")]) -> None:
    """When can ORDER be delivered without making other orders late, and what if it gets top priority?"""
    from ..services import planning_service

    def action():
        engine = _engine()
        with unit_of_work(engine) as session:
            answer = planning_service.promise_order(session, order)
        console.print(f"{answer.order}: can be ready on [bold]{answer.earliest:%a %d-%m-%Y %H:%M}[/] "
                      "without making other orders later.")
        console.print(f"With top priority: ready on {answer.top_priority:%a %d-%m-%Y %H:%M}.")
        if answer.slipping:
            slips = ", ".join(f"{n} (+{_duration(m)})" for n, m in answer.slipping[:10])
            console.print(f"  then these orders would slip: {slips}")
        elif answer.top_priority < answer.earliest:
            console.print("  and no other order would become later.")

    _run(action)


@app.command()
def quote(
    files: Annotated[list[Path], typer.Argument(help="DXF flat patterns (one part each, or several side by side).")],
    material: Annotated[str, typer.Option(help="Material grade as in the shop's materials, e.g. S235JR.")],
    thickness: Annotated[float, typer.Option(help="Sheet thickness in mm.")],
    qty: Annotated[str, typer.Option(help="Quantity breaks, e.g. 1,10,50,250.")] = "1,10,50",
    finish: Annotated[str, typer.Option(help="none, powder (powder coating) or galvanise.")] = "none",
    weld_mm: Annotated[float, typer.Option("--weld-mm", help="Weld length per part in mm.")] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    summary: Annotated[Path | None, typer.Option(help="Write a summary of all parts to .csv or .xlsx.")] = None,
    save: Annotated[str | None, typer.Option("--save", metavar="CUSTOMER",
                                             help="Store the parts and a quote for this customer code.")] = None,
    document: Annotated[Path | None, typer.Option(help="Write a print-ready quote (HTML) to this file.")] = None,
    standard_lead_time: Annotated[bool, typer.Option(
        "--standard-lead-time", help="Use the standard lead times even when a plan exists.")] = False,
    language: Annotated[str, typer.Option("--lang", help="Language of the quote document: nl or en.")] = "nl",
) -> None:
    """Price parts from their DXF flat pattern: material, laser, bending, welding, finishing, per quantity.

    A file that cannot be read is reported with the reason; the other files are still quoted.
    """
    from ..services import quoting, shop_io

    def action():
        try:
            quantities = sorted({int(x) for x in qty.replace(";", ",").split(",") if x.strip()})
        except ValueError:
            raise UserError(f"--qty: '{qty}' is not a list of whole numbers like 1,10,50") from None
        if not quantities or min(quantities) <= 0:
            raise UserError("--qty: give quantities above zero, like 1,10,50")
        engine = _engine()
        with unit_of_work(engine) as session:
            if len(files) > 1 and not as_json:
                with _progress() as progress:
                    task = progress.add_task("Quoting", total=len(files))
                    run = quoting.quote_files(session, files, material, thickness, quantities, finish, weld_mm,
                                              on_file=lambda _p: progress.advance(task))
            else:
                run = quoting.quote_files(session, files, material, thickness, quantities, finish, weld_mm)
            from ..services.planning_service import current_plan_row

            if run.parts and not standard_lead_time and current_plan_row(session) is not None:
                run = quoting.apply_plan_lead_times(session, run)
            saved = quoting.save_quote(session, run, save) if save else None
        if as_json:
            console.print_json(data=quoting.run_as_dict(run), highlight=False)
        else:
            for quoted in run.parts:
                _print_quote(quoted)
        for problem in run.problems:
            errors.print(f"[bold red]Not quoted:[/] {problem}", highlight=False)
        if summary:
            _write_summary(summary, run)
            console.print(f"Summary written to {summary}")
        if saved:
            console.print(f"Quote {saved.number} stored for {saved.customer} with {len(saved.lines)} line(s).")
        if document and run.parts:
            from ..costing.document import DocumentLine, quote_html

            with unit_of_work(engine) as session:
                shop_name = shop_io.load_shop_name(session)
                customer_name = quoting.customer_name(session, save) if save else ""
            lines = [DocumentLine(p.source, p.geometry, p.material, p.thickness_mm, p.finish,
                                  [(b.quantity, b.unit_price, b.lead_time_days) for b in p.quote.breaks])
                     for p in run.parts]
            document.write_text(quote_html(shop_name, customer_name, saved.number if saved else "concept", lines,
                                           language, saved.quote_date if saved else clock.today()),
                                encoding="utf-8")
            console.print(f"Quote document written to {document}")
        if run.problems and not run.parts:
            raise typer.Exit(code=1)

    _run(action)


@app.command()
def nest(
    files: Annotated[list[str] | None, typer.Argument(
        help="DXF files or folders of them, each optionally with a quantity: part.dxf:25 folder/:10. "
             "Without files: the open orders.")] = None,
    sheet: Annotated[str, typer.Option(help="Sheet size LENGTHxWIDTH in mm for DXF files not nested on stock.")] = "3000x1500",
    sheets: Annotated[int, typer.Option(help="How many such sheets may be used.")] = 20,
    material: Annotated[str | None, typer.Option(help="Material grade: stock to nest on, or the open orders' parts.")] = None,
    thickness: Annotated[float | None, typer.Option(help="Sheet thickness in mm.")] = None,
    spacing: Annotated[float, typer.Option(help="Part-to-part spacing in mm.")] = 5.0,
    margin: Annotated[float, typer.Option(help="Margin from the sheet edge in mm.")] = 10.0,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds for the nesting solver.")] = 10.0,
    out: Annotated[Path | None, typer.Option(help="Write an SVG, a PNG and a DXF of every sheet into this folder.")] = None,
    svg_dir: Annotated[Path | None, typer.Option(hidden=True)] = None,
) -> None:
    """Nest parts on sheets and remnants (remnants first; the last sheet filled from one side).

    Without files: the laser parts of the open orders, grouped by material and thickness (or only --material
    and --thickness), nested on the stock; the nest is stored, used sheets leave the stock and remnants worth
    keeping come back as restplaten. With DXF files: those parts, on sheets of --sheet or on the stock of
    --material/--thickness. Parts that cannot be nested are named with the reason; the rest is still nested.
    """
    out = out or svg_dir
    if files:
        _nest_files(files, sheet, sheets, material, thickness, spacing, margin, time_limit, out)
    else:
        _nest_orders(material, thickness, spacing, margin, time_limit, out)


def _write_sheets(out: Path, layout, parts: dict, sheet, index: int, stem: str, cut) -> None:
    from ..nesting.output import sheet_dxf, sheet_png, sheet_svg

    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.svg").write_text(sheet_svg(layout, parts, sheet, index), encoding="utf-8")
    (out / f"{stem}.png").write_bytes(sheet_png(layout, parts, sheet, index, cut_line=cut))
    (out / f"{stem}.dxf").write_bytes(sheet_dxf(layout, parts, sheet, index, cut_line=cut))


def _sheet_table(title: str, rows) -> Table:
    table = Table(title=title)
    for column in ("Sheet", "Parts", "Utilisation", "Laser time", "Sheet cost", "Remnant"):
        table.add_column(column, justify="left" if column in ("Sheet", "Remnant") else "right")
    for row in rows:
        table.add_row(*row)
    return table


def _nest_orders(material, thickness, spacing, margin, time_limit, out) -> None:
    from ..services import nesting_service

    def action():
        with unit_of_work(_engine()) as session:
            with console.status("Nesting the open orders ...") as status:
                run = nesting_service.nest_open_orders(
                    session, material, thickness, time_limit, spacing, margin,
                    progress=lambda text: status.update(f"Nesting {text} ..."))
            for nest_id in run.nest_ids:
                row = nesting_service.nest_row(session, nest_id)
                rows = []
                for s in row.sheets:
                    remnant = (f"{s.offcut['code']} {s.offcut['length_mm']:.0f} x {s.offcut['width_mm']:.0f}"
                               if s.offcut else "")
                    rows.append((f"{s.stock_code} #{s.sheet_index + 1}", str(s.part_count),
                                 f"{s.part_area_mm2 / s.sheet_area_mm2:.1%}", f"{s.cut_seconds / 60:.1f} min",
                                 f"EUR {s.cost:,.2f}", remnant))
                    if out:
                        layout, parts, spec, cut = nesting_service.layout_of(row, s.position)
                        _write_sheets(out, layout, parts, spec, s.sheet_index,
                                      f"nest{row.id}-{s.position + 1:02d}-{s.stock_code}", cut)
                console.print(_sheet_table(f"Nest {row.id}: {row.material} {row.thickness_mm:g} mm ({row.method})",
                                           rows))
                consumed = sum(s.sheet_area_mm2 for s in row.sheets) - row.remnant_area_mm2
                net = sum(s.part_area_mm2 for s in row.sheets) / consumed if consumed > 0 else 0.0
                console.print(f"{len(row.sheets)} sheet(s), utilisation {row.utilisation:.1%} "
                              f"({net:.1%} of what is not kept as remnant), sheets EUR "
                              f"{row.sheet_cost:,.2f}, remnants {row.remnant_area_mm2 / 1e6:.2f} m2, scrap "
                              f"{row.scrap_area_mm2 / 1e6:.2f} m2; {len(row.lines)} order line(s).")
            if out and run.nest_ids:
                console.print(f"SVG, PNG and DXF per sheet written to {out}/")
            for note in run.notes:
                console.print(f"[yellow]Note:[/] {note}", highlight=False)
            for name, reason in run.unplaced:
                errors.print(f"[bold red]Not nested:[/] {name}: {reason}", highlight=False)

    _run(action)


def _nest_files(files, sheet, sheets, material, thickness, spacing, margin, time_limit, out) -> None:
    from ..geometry import DxfProblem, read_dxf
    from ..nesting import NestPart, SheetSpec, nest_group

    def action():
        parts, problems = [], []
        expanded = []
        for item in files:  # a folder stands for every DXF file in it, each with the folder's quantity
            name, _, count = item.partition(":")
            if Path(name).is_dir():
                found = sorted(Path(name).glob("*.dxf")) + sorted(Path(name).glob("*.DXF"))
                if not found:
                    problems.append(f"{name}: no DXF files in this folder")
                expanded += [f"{f}:{count}" if count else str(f) for f in found]
            else:
                expanded.append(item)
        for item in expanded:
            name, _, count = item.partition(":")
            try:
                quantity = int(count) if count else 1
            except ValueError:
                raise UserError(f"{item}: the quantity after ':' must be a whole number") from None
            try:
                geometries = read_dxf(Path(name))
            except DxfProblem as error:
                problems.append(f"{Path(name).name}: " + "; ".join(error.problems))
                continue
            for k, g in enumerate(geometries, 1):
                label = Path(name).stem if len(geometries) == 1 else f"{Path(name).stem}-{k}"
                parts.append(NestPart(label, g.outer.points, tuple(h.points for h in g.holes), quantity=quantity))
        if material or thickness:
            if not (material and thickness):
                raise UserError("give --material and --thickness together to nest on stock")
            from ..services.nesting_service import sheets_in_stock

            with unit_of_work(_engine()) as session:
                specs = sheets_in_stock(session, material, thickness)
            if not specs:
                raise UserError(f"no {material} {thickness:g} mm sheets or remnants in stock")
        else:
            try:
                length, width = (float(v) for v in sheet.lower().split("x"))
            except ValueError:
                raise UserError(f"--sheet: '{sheet}' is not LENGTHxWIDTH, like 3000x1500") from None
            specs = [SheetSpec(f"{length:g}x{width:g}", max(length, width), min(length, width), sheets)]
        if not parts:
            for problem in problems:
                errors.print(f"[bold red]Not nested:[/] {problem}", highlight=False)
            raise UserError("no part to nest")
        with console.status(f"Nesting {sum(p.quantity for p in parts)} parts ({time_limit:g} s at most) ..."):
            group = nest_group(parts, specs, spacing, margin, time_limit)
        by_name, by_code = {p.name: p for p in parts}, {s.code: s for s in specs}
        offcut_of = {(o.sheet, o.sheet_index): o for o in group.offcuts}
        rows = []
        for r in group.sheets:
            cut = offcut_of.get((r.code, r.index))
            rows.append((f"{r.code} #{r.index + 1}", str(r.parts), f"{r.utilisation:.1%}", "-",
                         f"EUR {r.cost:,.2f}" if r.cost else "-",
                         f"{cut.spec.length_mm:.0f} x {cut.spec.width_mm:.0f}" if cut else ""))
            if out:
                _write_sheets(out, group.layout, by_name, by_code[r.code], r.index, f"{r.code}-{r.index + 1}",
                              (cut.axis, cut.cut_at) if cut else None)
        console.print(_sheet_table(f"Nest ({group.method})", rows))
        if group.sheets:
            console.print(f"{len(group.sheets)} sheet(s), overall utilisation {group.utilisation:.1%} "
                          f"({group.net_utilisation:.1%} of what is not kept as remnant).")
        if out:
            console.print(f"SVG, PNG and DXF per sheet written to {out}/")
        for note in group.notes:
            console.print(f"[yellow]Note:[/] {note}", highlight=False)
        for name, reason in group.layout.unplaced:
            errors.print(f"[bold red]Not nested:[/] {name}: {reason}", highlight=False)
        for problem in problems:
            errors.print(f"[bold red]Not nested:[/] {problem}", highlight=False)

    _run(action)


@app.command()
def co2(
    order: Annotated[str | None, typer.Argument(help="Order number; without it: totals per month.")] = None,
    grid: Annotated[str | None, typer.Option(help="Grid factor key, e.g. NL-2024 or NL-GREEN-GO (default: the "
                                                  "shop's setting co2.grid).")] = None,
    distance: Annotated[float | None, typer.Option(help="Outbound transport distance in km.")] = None,
    factors: Annotated[Path | None, typer.Option(help="Factor file (default: data/co2_factors.json if present, "
                                                      "else maakbaar's indicative set).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """CO2 footprint of an order, component by component (material, cutting scrap, process energy,
    transport), or the totals per month and per kg of product."""
    from ..services import co2_service

    def action():
        factor_set = co2_service.shop_factors(factors)
        with unit_of_work(_engine()) as session:
            if order is None:
                months = co2_service.footprint_per_month(session, factor_set)
                if as_json:
                    console.print_json(json.dumps([{"month": m.month, "orders": m.orders, "product_kg": m.product_kg,
                                                    "co2_kg": m.co2_kg, "per_kg": m.per_kg,
                                                    "by_component": m.by_component} for m in months]))
                    return
                table = Table(title=f"CO2 per month (by due date) - {factor_set.name}")
                for column in ("Month", "Orders", "Product kg", "CO2 kg", "kg CO2/kg", "Material", "Scrap",
                               "Process", "Transport"):
                    table.add_column(column, justify="left" if column == "Month" else "right")
                for m in months:
                    c = m.by_component
                    table.add_row(m.month, str(m.orders), f"{m.product_kg:,.0f}", f"{m.co2_kg:,.0f}",
                                  f"{m.per_kg:.2f}", *(f"{c.get(k, 0):,.0f}" for k in
                                                       ("material", "scrap", "process", "transport")))
                console.print(table)
                return
            result = co2_service.footprint_of_order(session, order, factor_set, grid, distance)
        fp = result.footprint
        if as_json:
            console.print_json(json.dumps({
                "order": order, "factor_set": result.factor_set, "factor_file": result.factor_path,
                "product_kg": fp.product_mass_kg, "energy_kwh": fp.energy_kwh, "co2_kg": fp.total_kg,
                "per_kg": fp.per_kg_product, "by_component": fp.by_key(),
                "components": [{"key": c.key, "label": c.label, "kg_co2": c.kg_co2, "detail": c.detail}
                               for c in fp.components],
                "factors": [{"key": f.key, "value": f.value, "unit": f.unit, "source": f.source, "year": f.year}
                            for f in fp.factors]}))
            return
        table = Table(title=f"CO2 of order {order}")
        for column in ("Component", "kg CO2e", "How"):
            table.add_column(column, justify="right" if column == "kg CO2e" else "left")
        for c in fp.components:
            table.add_row(c.label, f"{c.kg_co2:,.2f}", c.detail)
        console.print(table)
        parts = ", ".join(f"{k} {v:,.1f}" for k, v in fp.by_key().items())
        console.print(f"Total {fp.total_kg:,.1f} kg CO2e for {fp.product_mass_kg:,.1f} kg of product "
                      f"({fp.per_kg_product:.2f} kg CO2e per kg; {fp.energy_kwh:,.1f} kWh): {parts}.")
        console.print(f"Factors: {result.factor_set} ({result.factor_path}); grid {result.grid.cite()}.",
                      highlight=False)

    _run(action)


def _parse_leg(text: str) -> tuple[str, float, bool, bool]:
    mode, _, rest = text.partition(":")
    bits = rest.split(":")
    try:
        distance = float(bits[0])
    except ValueError:
        raise UserError(f"--leg {text}: write MODE:KM[:dedicated][:ballast], e.g. sea_container:19500") from None
    flags = {b.lower() for b in bits[1:]}
    unknown = flags - {"dedicated", "ballast"}
    if unknown:
        raise UserError(f"--leg {text}: unknown flag(s) {', '.join(sorted(unknown))} (dedicated, ballast)")
    return mode, distance, "dedicated" in flags, "ballast" in flags


@app.command()
def compare(
    order: Annotated[str | None, typer.Option(help="Compare this order as the shop makes it ...")] = None,
    country: Annotated[str, typer.Option(help="... against it made in this country (code).")] = "CN",
    route: Annotated[str, typer.Option(help="Material route abroad, e.g. steel_blast_furnace.")] = "steel_blast_furnace",
    grid: Annotated[str, typer.Option(help="Grid factor abroad, e.g. CN-2023.")] = "CN-2023",
    leg: Annotated[list[str] | None, typer.Option(help="Transport leg MODE:KM[:dedicated][:ballast]; repeat.")] = None,
    local_price: Annotated[float | None, typer.Option(help="The shop's bid price, EUR.")] = None,
    import_price: Annotated[float | None, typer.Option(help="The import bid price, EUR.")] = None,
    local_ladder: Annotated[int, typer.Option(help="The shop's CO2-Prestatieladder level (0-5).")] = 0,
    import_ladder: Annotated[int, typer.Option(help="The importer's CO2-Prestatieladder level (0-5).")] = 0,
    scenario: Annotated[str | None, typer.Option(help="A scenario file instead of an order; 'sluisdeuren' for "
                                                      "the IJmuiden lock doors example.")] = None,
    factors: Annotated[Path | None, typer.Option(help="Factor file.")] = None,
    pdf: Annotated[Path | None, typer.Option(help="Write the tender report (PDF) here.")] = None,
    lang: Annotated[str, typer.Option(help="Report language: nl or en.")] = "nl",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Local production against an import alternative: CO2 of both, the difference, its value in a tender
    (MKI, CO2-Prestatieladder) and the highest local price that still wins; optionally as a PDF report."""
    from ..co2 import scenario_from_file
    from ..co2.report import comparison_pdf
    from ..services import co2_service

    def action():
        factor_set = co2_service.shop_factors(factors)
        if scenario:
            path = Path(scenario)
            if scenario == "sluisdeuren":
                from importlib import resources

                path = Path(str(resources.files("maakbaar.data").joinpath("scenarios/sluisdeuren-ijmuiden.json")))
            if not path.is_file():
                raise UserError(f"scenario file {scenario} not found")
            result = scenario_from_file(path, factor_set)
        elif order:
            legs = [_parse_leg(text) for text in (leg or ["sea_container:19500", "road_truck:150"])]
            with unit_of_work(_engine()) as session:
                result = co2_service.compare_order(session, order, country, route, grid, legs, factor_set,
                                                   local_price, import_price, local_ladder, import_ladder)
        else:
            raise UserError("give --order ORDER or --scenario FILE (or --scenario sluisdeuren)")
        if as_json:
            console.print_json(json.dumps(co2_service.comparison_as_dict(result)))
        else:
            _print_comparison(result)
        if pdf:
            pdf.write_bytes(comparison_pdf(result, lang))
            console.print(f"Report written to {pdf}")

    _run(action)


def _print_comparison(result) -> None:
    table = Table(title=result.title)
    table.add_column("Component")
    table.add_column(result.local.option.name, justify="right")
    table.add_column(result.alternative.option.name, justify="right")
    for key in ("material", "scrap", "process", "transport"):
        table.add_row(key, f"{result.local.part(key) / 1000:,.3f} t", f"{result.alternative.part(key) / 1000:,.3f} t")
    table.add_row("total", f"{result.local.total_kg / 1000:,.3f} t", f"{result.alternative.total_kg / 1000:,.3f} t")
    console.print(table)
    console.print(f"Local saves {result.difference_kg / 1000:,.3f} t CO2e; MKI value EUR {result.mki_value_eur:,.0f} "
                  f"at {result.mki_eur_per_kg.value:g} EUR/kg.")
    if result.max_local_price_eur is not None:
        console.print(f"Highest local price that still wins: EUR {result.max_local_price_eur:,.0f} "
                      f"(CO2-Prestatieladder discount {result.local_discount:.0%}).")
    console.print(f"Factors: {result.factor_set} ({result.factor_path}).", highlight=False)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Log-in name")],
    role: Annotated[str, typer.Option(help="admin, planner, estimator, operator or viewer")] = "viewer",
    name: Annotated[str, typer.Option(help="Display name")] = "",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                          help="At least 8 characters")] = "",
    badge: Annotated[str | None, typer.Option(help="Badge number for the shop-floor terminal")] = None,
    pin: Annotated[str | None, typer.Option(help="PIN (4-8 digits) for the terminal")] = None,
    operator: Annotated[str | None, typer.Option(help="The operator (code) this user is on the floor")] = None,
) -> None:
    """Add a user who can log in to the web app."""
    from ..services import user_service

    def action():
        with unit_of_work(_engine()) as session:
            user = user_service.create_user(session, username, password, role, name, badge, pin, operator)
        console.print(f"User {user.username} ({user.role}) added.")

    _run(action)


@user_app.command("list")
def user_list() -> None:
    """List the users and their roles."""
    from ..services import user_service

    def action():
        with unit_of_work(_engine()) as session:
            users = user_service.list_users(session)
        table = Table(title="Users")
        for column in ("Username", "Name", "Role", "Badge", "Active", "Locked"):
            table.add_column(column)
        for u in users:
            table.add_row(u.username, u.display_name, u.role, u.badge or "", "yes" if u.active else "no",
                          "yes" if u.locked else "")
        console.print(table)

    _run(action)


@user_app.command("password")
def user_password(
    username: Annotated[str, typer.Argument(help="Log-in name")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
) -> None:
    """Set a user's password."""
    from ..services import user_service

    def action():
        with unit_of_work(_engine()) as session:
            user_service.update_user(session, username, password=password)
        console.print(f"Password of {username} changed.")

    _run(action)


@user_app.command("unlock")
def user_unlock(username: Annotated[str, typer.Argument(help="Log-in name")]) -> None:
    """Lift the lock after too many wrong passwords or PINs."""
    from ..services import user_service

    def action():
        with unit_of_work(_engine()) as session:
            user_service.update_user(session, username, unlock=True)
        console.print(f"{username} may log in again.")

    _run(action)


def _print_quote(quoted) -> None:
    g, q = quoted.geometry, quoted.quote
    console.print(f"\n[bold]{quoted.source}[/]  {quoted.material} {quoted.thickness_mm:g} mm, "
                  f"{g.length_mm:.1f} x {g.width_mm:.1f} mm, {q.mass_kg:.3f} kg; cut {g.cut_length_mm:.1f} mm, "
                  f"{g.pierces} pierces, {g.bends} bends", highlight=False)
    table = Table(show_header=True)
    table.add_column("EUR per piece")
    for b in q.breaks:
        table.add_column(f"{b.quantity} st", justify="right")
    keys = []
    for b in q.breaks:
        for line in b.lines:
            if (line.key, line.label) not in keys:
                keys.append((line.key, line.label))
    for key, label in keys:
        table.add_row(label, *[f"{sum(l.amount for l in b.lines if l.key == key):.2f}" for b in q.breaks])
    table.add_row("[bold]Price per piece[/]", *[f"[bold]{b.unit_price:.2f}[/]" for b in q.breaks])
    table.add_row("Total", *[f"{b.total_price:.2f}" for b in q.breaks])
    table.add_row("Lead time (working days)", *[str(b.lead_time_days) for b in q.breaks])
    console.print(table)
    times = ", ".join(f"{k} {v:.2f} min" for k, v in q.minutes_per_piece.items())
    console.print(f"Time per piece: {times}. Energy {q.energy_kwh:.3f} kWh, CO2 {q.co2_process_kg:.3f} kg "
                  f"(electricity) + {q.co2_material_kg:.2f} kg (material) per piece.", highlight=False)


def _write_summary(path: Path, run) -> None:
    rows = [["part", "material", "thickness_mm", "quantity", "unit_price", "total_price", "lead_time_days",
             "cut_length_mm", "pierces", "net_area_mm2", "mass_kg", "co2_kg"]]
    for quoted in run.parts:
        for b in quoted.quote.breaks:
            rows.append([quoted.source, quoted.material, quoted.thickness_mm, b.quantity, b.unit_price, b.total_price,
                         b.lead_time_days, round(quoted.geometry.cut_length_mm, 2), quoted.geometry.pierces,
                         round(quoted.geometry.net_area_mm2, 2), round(quoted.quote.mass_kg, 4),
                         round(quoted.quote.co2_kg, 4)])
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "quotes"
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    else:
        import csv

        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)


def _duration(minutes: int) -> str:
    from ..planning.explain import format_minutes

    return format_minutes(minutes)


def _parse_moment(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"--start: '{text}' is not a date or date and time (YYYY-MM-DDTHH:MM)") from None


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web app (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from ..web.app import create_app

    def action():
        engine = _engine()
        console.print(f"maakbaar on http://{host}:{port}  (database {config.database_url()}; Ctrl+C stops)")
        uvicorn.run(create_app(engine), host=host, port=port, log_level="info")

    _run(action)


if __name__ == "__main__":  # pragma: no cover
    app()
