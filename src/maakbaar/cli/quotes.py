"""Quote parts from their DXF flat patterns."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..store.db import unit_of_work
from .app import app
from .common import UserError, console, database, errors, h, number, progress_bar, run, say, why


@app.command(help=h("help.quote"))
def quote(
    files: Annotated[list[Path], typer.Argument(help=h("help.quote.files"))],
    material: Annotated[str, typer.Option(help=h("help.quote.material"))],
    thickness: Annotated[float, typer.Option(help=h("help.quote.thickness"))],
    qty: Annotated[str, typer.Option(help=h("help.quote.qty"))] = "1,10,50",
    finish: Annotated[str, typer.Option(help=h("help.quote.finish"))] = "none",
    weld_mm: Annotated[float, typer.Option("--weld-mm", help=h("help.quote.weld_mm"))] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help=h("help.quote.as_json"))] = False,
    summary: Annotated[Path | None, typer.Option(help=h("help.quote.summary"))] = None,
    save: Annotated[str | None, typer.Option("--save", metavar="CUSTOMER",
                                             help=h("help.quote.save"))] = None,
    document: Annotated[Path | None, typer.Option(help=h("help.quote.document"))] = None,
    standard_lead_time: Annotated[bool, typer.Option(
        "--standard-lead-time", help=h("help.quote.standard_lead_time"))] = False,
    language: Annotated[str | None, typer.Option(
        "--lang", help=h("help.quote.language"))] = None,
) -> None:
    """Price parts from their DXF flat pattern: material, laser, bending, welding, finishing, per quantity.

    A file that cannot be read is reported with the reason; the other files are still quoted.
    """
    from ..services import quoting

    def action():
        quoting.document_language(language)  # a language the documents are not in: refused before any work
        try:
            quantities = quoting.parse_quantities(qty)
        except quoting.QuoteError as error:
            raise UserError(f"--qty: {error}", code="cli.option", option="--qty", problem=error.reason) from None
        with unit_of_work(database()) as session:
            if len(files) > 1 and not as_json:
                with progress_bar() as progress:
                    task = progress.add_task(say("cli.quoting"), total=len(files))
                    quoted = quoting.quote_drawings(session, files, material, thickness, quantities, finish, weld_mm,
                                                    standard_lead_time, on_file=lambda _p: progress.advance(task))
            else:
                quoted = quoting.quote_drawings(session, files, material, thickness, quantities, finish, weld_mm,
                                                standard_lead_time)
            saved = quoting.save_quote(session, quoted, save) if save else None
            page = quoting.run_document_html(session, quoted, saved, language) if document and quoted.parts else None
        run = quoted
        if as_json:
            console.print_json(data=quoting.run_as_dict(run), highlight=False)
        else:
            for quoted in run.parts:
                _print_quote(quoted)
        for problem in run.problems:
            errors.print(f"[bold red]{say('cli.not_quoted')}:[/] {why(problem)}", highlight=False)
        if summary:
            _write_summary(summary, run)
            console.print(say("cli.written", what=say("cli.summary"), file=str(summary)))
        if saved:
            console.print(say("cli.quote_stored", quote=saved.number, customer=saved.customer, n=len(saved.lines)))
        if page is not None:
            document.write_text(page, encoding="utf-8")
            console.print(say("cli.written", what=say("cli.quote_document"), file=str(document)))
        if run.problems and not run.parts:
            raise typer.Exit(code=1)

    run(action)


def _print_quote(quoted) -> None:
    g, q = quoted.geometry, quoted.quote
    console.print(f"\n[bold]{quoted.source}[/]  " + say(
        "cli.quoted_part", material=quoted.material, thickness=number(quoted.thickness_mm, 1),
        length=number(g.length_mm, 1), width=number(g.width_mm, 1), mass=number(q.mass_kg, 3),
        cut=number(g.cut_length_mm, 1), pierces=g.pierces, bends=g.bends), highlight=False)
    table = Table(show_header=True)
    table.add_column(say("cli.eur_per_piece"))
    for b in q.breaks:
        table.add_column(say("cli.pieces", n=b.quantity), justify="right")
    keys = []
    for b in q.breaks:
        for line in b.lines:
            if (line.key, line.label) not in keys:
                keys.append((line.key, line.label))
    for key, label in keys:
        table.add_row(label, *[number(sum(l.amount for l in b.lines if l.key == key), 2) for b in q.breaks])
    table.add_row(f"[bold]{say('cli.price_per_piece')}[/]", *[f"[bold]{number(b.unit_price, 2)}[/]" for b in q.breaks])
    table.add_row(say("cli.total"), *[number(b.total_price, 2) for b in q.breaks])
    table.add_row(say("cli.lead_time_days"), *[str(b.lead_time_days) for b in q.breaks])
    console.print(table)
    times = ", ".join(f"{k} {number(v, 2)} min" for k, v in q.minutes_per_piece.items())
    console.print(say("cli.quote_footer", times=times, energy=number(q.energy_kwh, 3),
                      electricity=number(q.co2_process_kg, 3), material=number(q.co2_material_kg, 2)),
                  highlight=False)


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
