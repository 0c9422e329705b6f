"""Set up the database, load the demo shop, import and export the shop's data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .. import clock, config
from ..store import migrate
from ..store.db import make_engine, unit_of_work
from .app import app, db_app
from .common import UserError, console, counted, database, h, parse_date, progress_bar, run, say


@app.command(help=h("help.init"))
def init() -> None:
    """Create the data folder and the database with the current schema. Safe to run again."""

    def action():
        engine = make_engine()
        migrate.upgrade(engine)
        console.print(say("cli.database_ready", url=f"[bold]{config.database_url()}[/]",
                          schema=migrate.current_revision(engine)))

    run(action)


@db_app.command("upgrade", help=h("help.db_upgrade"))
def db_upgrade(revision: Annotated[str, typer.Argument(help=h("help.db_upgrade.revision"))] = "head") -> None:
    """Bring the database schema up to date (creates it when empty)."""

    def action():
        engine = make_engine()
        before = migrate.current_revision(engine)
        migrate.upgrade(engine, revision)
        after = migrate.current_revision(engine)
        console.print(say("cli.schema_upgraded", before=before or say("cli.empty"), after=after,
                          url=config.database_url()))

    run(action)


@db_app.command("downgrade", help=h("help.db_downgrade"))
def db_downgrade(revision: Annotated[str, typer.Argument(help=h("help.db_downgrade.revision"))]) -> None:
    """Step the schema back to REVISION. 'base' drops every maakbaar table (and its data)."""
    run(lambda: (migrate.downgrade(make_engine(), revision), console.print(say("cli.schema_now", revision=revision))))


@db_app.command("current", help=h("help.db_current"))
def db_current() -> None:
    """Show the database's schema revision and the newest one this version knows."""

    def action():
        engine = make_engine()
        console.print(say("cli.schema_state", url=config.database_url(),
                          current=migrate.current_revision(engine) or say("cli.empty"), head=migrate.head_revision()))

    run(action)


@app.command(help=h("help.demo"))
def demo(
    seed: Annotated[int, typer.Option(help=h("help.demo.seed"))] = 1,
    start: Annotated[str | None, typer.Option(help=h("help.demo.start"))] = None,
    if_empty: Annotated[bool, typer.Option("--if-empty", help=h("help.demo.if_empty"))] = False,
    replace: Annotated[bool, typer.Option("--replace", help=h("help.demo.replace"))] = False,
) -> None:
    """Fill an empty database with the demo shop: a Dutch job shop with 60-80 open orders."""
    from ..services import setup_service, user_service

    def action():
        start_date = parse_date(start, "--start") if start else clock.today()
        engine = database()
        with unit_of_work(engine) as session:
            if not setup_service.is_blank(session):
                if if_empty:
                    console.print(say("cli.demo_not_loaded"))
                    return
                if not replace:
                    raise UserError("The database already holds a shop. Use --replace to overwrite it with the demo.",
                                    code="cli.demo_needs_replace")
            with progress_bar() as progress:
                task = progress.add_task(say("cli.storing_demo"), total=None)
                loaded = setup_service.load_demo(session, seed, start_date, replace=replace,
                                                 on_item=lambda: progress.advance(task))
        console.print(say("cli.demo_loaded", shop=loaded.shop.name, seed=str(seed), today=start_date.isoformat(),
                          counts=counted(loaded.counts)))
        if loaded.users:
            console.print(say("cli.demo_users", password=user_service.DEMO_PASSWORD, users=", ".join(
                f"{u.username} ({say('role.' + u.role)})" for u in loaded.users)), highlight=False)

    run(action)


@app.command("remove-demo", help=h("help.remove_demo"))
def remove_demo() -> None:
    """Delete what the demo shop brought; the shop's own records stay (a demo record they use is kept and named)."""
    from ..services import setup_service

    def action():
        with unit_of_work(database()) as session:
            result = setup_service.remove_demo(session, "cli")
        console.print(say("cli.demo_removed", counts=counted(result.removed), plans=result.plans, nests=result.nests))
        for kind, keys in result.kept.items():
            console.print(say("cli.demo_kept", kind=kind, keys=", ".join(keys)), highlight=False)

    run(action)


@app.command("import", help=h("help.import"))
def import_(
    file: Annotated[Path, typer.Argument(exists=False, help=h("help.import.file"))],
    kind: Annotated[str | None, typer.Option(help=h("help.import.kind"))] = None,
    replace: Annotated[bool, typer.Option("--replace", help=h("help.import.replace"))] = False,
) -> None:
    """Import a whole shop (JSON) or orders, parts, routings and stock (CSV or Excel).

    A file is imported whole or not at all: every bad row is reported with its row number and reason.
    """
    from ..services import shop_io, tabular

    def action():
        if not file.exists():
            raise UserError(f"{file}: no such file", code="cli.no_such_file", file=str(file))
        engine = database()
        with unit_of_work(engine) as session:
            suffix = file.suffix.lower()
            if suffix == ".json":
                counts = shop_io.import_json(session, file, replace=replace)
            elif suffix in (".csv", ".xlsx", ".xlsm"):
                if replace:
                    raise UserError("--replace is for whole-shop JSON files only", code="cli.replace_json_only")
                counts = tabular.import_file(session, file, kind=kind)
            else:
                raise UserError(f"{file}: unknown file type '{suffix}' (use .json, .csv or .xlsx)",
                                code="cli.import_type", file=str(file), suffix=suffix or "-")
        console.print(say("cli.imported", file=str(file), counts=counted(counts)))

    run(action)


@app.command(help=h("help.export"))
def export(
    file: Annotated[Path, typer.Argument(help=h("help.export.file"))],
    schema: Annotated[bool, typer.Option("--schema", help=h("help.export.schema"))] = False,
    template: Annotated[bool, typer.Option("--template", help=h("help.export.template"))] = False,
) -> None:
    """Export the whole shop (master data, stock, parts and orders) to one JSON file, or to Excel."""
    from ..services import shop_io, tabular, workbook_template
    from .. import clock
    from ..i18n import language
    from . import common

    def action():
        if template:
            file.write_bytes(workbook_template.template_workbook(language(common.LANGUAGE, ("nl", "en")),
                                                                 clock.today()))
            console.print(say("cli.template_written", file=str(file)))
            return
        if schema:
            file.write_text(json.dumps(shop_io.shop_json_schema(), indent=2) + "\n", encoding="utf-8")
            console.print(say("cli.written", what="JSON Schema", file=str(file)))
            return
        engine = database()
        with unit_of_work(engine) as session:
            if file.suffix.lower() == ".xlsx":
                counts = tabular.export_xlsx(session, file)
                console.print(say("cli.exported", file=str(file), counts=counted(counts)))
                return
            if file.suffix.lower() != ".json":
                raise UserError(f"{file}: export writes .json or .xlsx", code="cli.export_type", file=str(file))
            shop = shop_io.export_json(session, file)
        console.print(say("cli.exported", file=str(file), counts=counted({
            "orders": len(shop.orders), "parts": len(shop.parts), "machines": len(shop.machines),
            "stock": len(shop.stock)})))

    run(action)
