"""Nest the open orders on the stock, or DXF files on sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..store.db import unit_of_work
from .app import app
from .common import UserError, console, database, errors, h, money, number, run, say, size, why


@app.command(help=h("help.nest"))
def nest(
    files: Annotated[list[str] | None, typer.Argument(
        help=h("help.nest.files"))] = None,
    sheet: Annotated[str, typer.Option(help=h("help.nest.sheet"))] = "3000x1500",
    sheets: Annotated[int, typer.Option(help=h("help.nest.sheets"))] = 20,
    material: Annotated[str | None, typer.Option(help=h("help.nest.material"))] = None,
    thickness: Annotated[float | None, typer.Option(help=h("help.nest.thickness"))] = None,
    spacing: Annotated[float, typer.Option(help=h("help.nest.spacing"))] = 5.0,
    margin: Annotated[float, typer.Option(help=h("help.nest.margin"))] = 10.0,
    time_limit: Annotated[float, typer.Option("--time-limit", help=h("help.nest.time_limit"))] = 10.0,
    out: Annotated[Path | None, typer.Option(help=h("help.nest.out"))] = None,
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
    for column in ("cli.sheet", "cli.parts", "utilisation", "cli.laser_time", "sheet_cost", "cli.remnant"):
        table.add_column(say(column), justify="left" if column in ("cli.sheet", "cli.remnant") else "right")
    for row in rows:
        table.add_row(*row)
    return table


def _nest_orders(material, thickness, spacing, margin, time_limit, out) -> None:
    from ..services import nesting_service

    def action():
        with unit_of_work(database()) as session:
            with console.status(say("cli.nesting_orders")) as status:
                run = nesting_service.nest_open_orders(
                    session, material, thickness, time_limit, spacing, margin,
                    progress=lambda text: status.update(say("cli.nesting_group", group=text)))
            for nest_id in run.nest_ids:
                row = nesting_service.nest_row(session, nest_id)
                rows = []
                for s in row.sheets:
                    remnant = (f"{s.offcut['code']} {s.offcut['length_mm']:.0f} x {s.offcut['width_mm']:.0f}"
                               if s.offcut else "")
                    rows.append((f"{s.stock_code} #{s.sheet_index + 1}", str(s.part_count),
                                 f"{number(100 * s.part_area_mm2 / s.sheet_area_mm2, 1)}%",
                                 f"{number(s.cut_seconds / 60, 1)} min", money(s.cost), remnant))
                    if out:
                        layout, parts, spec, cut = nesting_service.layout_of(row, s.position)
                        _write_sheets(out, layout, parts, spec, s.sheet_index,
                                      f"nest{row.id}-{s.position + 1:02d}-{s.stock_code}", cut)
                console.print(_sheet_table(f"{say('nest')} {row.id}: {row.material} {size(row.thickness_mm)} mm",
                                           rows))
                consumed = sum(s.sheet_area_mm2 for s in row.sheets) - row.remnant_area_mm2
                net = sum(s.part_area_mm2 for s in row.sheets) / consumed if consumed > 0 else 0.0
                console.print(say("cli.nest_summary", n=len(row.sheets), utilisation=number(100 * row.utilisation, 1),
                                  net=number(100 * net, 1), cost=money(row.sheet_cost),
                                  remnants=number(row.remnant_area_mm2 / 1e6, 2),
                                  scrap=number(row.scrap_area_mm2 / 1e6, 2), lines=len(row.lines)))
            if out and run.nest_ids:
                console.print(say("cli.sheets_written", folder=f"{out}/"))
            for note in run.notes:
                console.print(f"[yellow]{say('cli.note')}:[/] {why(note)}", highlight=False)
            for name, reason in run.unplaced:
                errors.print(f"[bold red]{say('not_nested')}:[/] {name}: {why(reason)}", highlight=False)

    run(action)


def _nest_files(files, sheet, sheets, material, thickness, spacing, margin, time_limit, out) -> None:
    from ..services import nesting_service

    def action():
        drawings = []
        for item in files:
            name, _, count = item.partition(":")
            try:
                drawings.append((Path(name), int(count) if count else 1))
            except ValueError:
                raise UserError(f"{item}: the quantity after ':' must be a whole number", code="cli.drawing_quantity",
                                item=item) from None
        try:
            length, width = (float(v) for v in sheet.lower().split("x"))
        except ValueError:
            raise UserError(f"--sheet: '{sheet}' is not LENGTHxWIDTH, like 3000x1500", code="cli.sheet_format",
                            sheet=sheet) from None
        with console.status(say("cli.nesting_for", seconds=f"{time_limit:g}")):
            if material or thickness:
                with unit_of_work(database()) as session:
                    nested = nesting_service.nest_drawings(session, drawings, (length, width), sheets, material,
                                                           thickness, spacing, margin, time_limit)
            else:
                nested = nesting_service.nest_drawings(None, drawings, (length, width), sheets, None, None, spacing,
                                                       margin, time_limit)
        group, by_name, by_code, problems = nested.group, nested.parts, nested.sheets, nested.problems
        offcut_of = {(o.sheet, o.sheet_index): o for o in group.offcuts}
        rows = []
        for r in group.sheets:
            cut = offcut_of.get((r.code, r.index))
            rows.append((f"{r.code} #{r.index + 1}", str(r.parts), f"{number(100 * r.utilisation, 1)}%", "-",
                         money(r.cost) if r.cost else "-",
                         f"{number(cut.spec.length_mm)} x {number(cut.spec.width_mm)}" if cut else ""))
            if out:
                _write_sheets(out, group.layout, by_name, by_code[r.code], r.index, f"{r.code}-{r.index + 1}",
                              (cut.axis, cut.cut_at) if cut else None)
        console.print(_sheet_table(say("nest"), rows))
        if group.sheets:
            console.print(say("cli.drawing_nest_summary", n=len(group.sheets),
                              utilisation=number(100 * group.utilisation, 1),
                              net=number(100 * group.net_utilisation, 1)))
        if out:
            console.print(say("cli.sheets_written", folder=f"{out}/"))
        for note in group.notes:
            console.print(f"[yellow]{say('cli.note')}:[/] {why(note)}", highlight=False)
        for name, reason in group.layout.unplaced:
            errors.print(f"[bold red]{say('not_nested')}:[/] {name}: {why(reason)}", highlight=False)
        for problem in problems:
            errors.print(f"[bold red]{say('not_nested')}:[/] {why(problem)}", highlight=False)

    run(action)
