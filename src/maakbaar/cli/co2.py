"""CO2 per order and per month, and local production against an import alternative."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..store.db import unit_of_work
from .app import app
from . import common
from .common import UserError, console, database, h, money, number, run, say, why


@app.command(help=h("help.co2"))
def co2(
    order: Annotated[str | None, typer.Argument(help=h("help.co2.order"))] = None,
    grid: Annotated[str | None, typer.Option(help=h("help.co2.grid"))] = None,
    distance: Annotated[float | None, typer.Option(help=h("help.co2.distance"))] = None,
    factors: Annotated[Path | None, typer.Option(help=h("help.co2.factors"))] = None,
    as_json: Annotated[bool, typer.Option("--json", help=h("help.co2.as_json"))] = False,
) -> None:
    """CO2 footprint of an order, component by component (material, cutting scrap, process energy,
    transport), or the totals per month and per kg of product."""
    from ..services import co2_service

    def action():
        factor_set = co2_service.shop_factors(factors)
        with unit_of_work(database()) as session:
            if order is None:
                months = co2_service.footprint_per_month(session, factor_set)
                if as_json:
                    console.print_json(json.dumps([{"month": m.month, "orders": m.orders, "product_kg": m.product_kg,
                                                    "co2_kg": m.co2_kg, "per_kg": m.per_kg,
                                                    "by_component": m.by_component} for m in months]))
                    return
                table = Table(title=say("cli.co2_months", factors=factor_set.name))
                for column in ("cli.month", "orders", "cli.product_kg", "cli.co2_kg", "cli.co2_per_kg",
                               "doc.co2.material", "doc.co2.scrap", "doc.co2.process", "doc.co2.transport"):
                    table.add_column(say(column), justify="left" if column == "cli.month" else "right")
                for m in months:
                    c = m.by_component
                    table.add_row(m.month, str(m.orders), number(m.product_kg), number(m.co2_kg),
                                  number(m.per_kg, 2), *(number(c.get(k, 0)) for k in
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
                "components": [co2_service.component_json(c, common.LANGUAGE) for c in fp.components],
                "factors": [{"key": f.key, "value": f.value, "unit": f.unit, "source": f.source, "year": f.year}
                            for f in fp.factors]}))
            return
        table = Table(title=say("cli.co2_of_order", order=order))
        for column in ("cli.component", "cli.kg_co2e", "cli.how"):
            table.add_column(say(column), justify="right" if column == "cli.kg_co2e" else "left")
        for c in fp.components:
            table.add_row(why(c.label), number(c.kg_co2, 2), why(c.detail))
        console.print(table)
        parts = ", ".join(f"{say('doc.co2.' + k).lower()} {number(v, 1)}" for k, v in fp.by_key().items())
        console.print(say("cli.co2_total", total=number(fp.total_kg, 1), mass=number(fp.product_mass_kg, 1),
                          per_kg=number(fp.per_kg_product, 2), energy=number(fp.energy_kwh, 1), parts=parts))
        console.print(say("cli.factors_grid", factors=result.factor_set, file=result.factor_path,
                          grid=result.grid.cite()), highlight=False)

    run(action)


def _parse_leg(text: str) -> tuple[str, float, bool, bool]:
    mode, _, rest = text.partition(":")
    bits = rest.split(":")
    try:
        distance = float(bits[0])
    except ValueError:
        raise UserError(f"--leg {text}: write MODE:KM[:dedicated][:ballast], e.g. sea_container:19500",
                        code="cli.leg_format", text=text) from None
    flags = {b.lower() for b in bits[1:]}
    unknown = flags - {"dedicated", "ballast"}
    if unknown:
        raise UserError(f"--leg {text}: unknown flag(s) {', '.join(sorted(unknown))} (dedicated, ballast)",
                        code="cli.leg_flags", text=text, flags=", ".join(sorted(unknown)))
    return mode, distance, "dedicated" in flags, "ballast" in flags


@app.command(help=h("help.compare"))
def compare(
    order: Annotated[str | None, typer.Option(help=h("help.compare.order"))] = None,
    country: Annotated[str, typer.Option(help=h("help.compare.country"))] = "CN",
    route: Annotated[str, typer.Option(help=h("help.compare.route"))] = "steel_blast_furnace",
    grid: Annotated[str, typer.Option(help=h("help.compare.grid"))] = "CN-2023",
    leg: Annotated[list[str] | None, typer.Option(help=h("help.compare.leg"))] = None,
    local_price: Annotated[float | None, typer.Option(help=h("help.compare.local_price"))] = None,
    import_price: Annotated[float | None, typer.Option(help=h("help.compare.import_price"))] = None,
    local_ladder: Annotated[int, typer.Option(help=h("help.compare.local_ladder"))] = 0,
    import_ladder: Annotated[int, typer.Option(help=h("help.compare.import_ladder"))] = 0,
    scenario: Annotated[str | None, typer.Option(help=h("help.compare.scenario"))] = None,
    factors: Annotated[Path | None, typer.Option(help=h("help.compare.factors"))] = None,
    pdf: Annotated[Path | None, typer.Option(help=h("help.compare.pdf"))] = None,
    lang: Annotated[str, typer.Option(help=h("help.compare.lang"))] = "nl",
    as_json: Annotated[bool, typer.Option("--json", help=h("help.compare.as_json"))] = False,
) -> None:
    """Local production against an import alternative: CO2 of both, the difference, its value in a tender
    (MKI, CO2-Prestatieladder) and the highest local price that still wins; optionally as a PDF report."""
    from ..co2 import scenario_from_file
    from ..documents.co2_report import comparison_pdf
    from ..services import co2_service

    def action():
        factor_set = co2_service.shop_factors(factors)
        if scenario:
            path = Path(scenario)
            if scenario == "sluisdeuren":
                from importlib import resources

                path = Path(str(resources.files("maakbaar.data").joinpath("scenarios/sluisdeuren-ijmuiden.json")))
            if not path.is_file():
                raise UserError(f"scenario file {scenario} not found", code="cli.no_such_file", file=scenario)
            result = scenario_from_file(path, factor_set)
        elif order:
            legs = [_parse_leg(text) for text in (leg or ["sea_container:19500", "road_truck:150"])]
            with unit_of_work(database()) as session:
                result = co2_service.compare_order(session, order, country, route, grid, legs, factor_set,
                                                   local_price, import_price, local_ladder, import_ladder)
        else:
            raise UserError("give --order ORDER or --scenario FILE (or --scenario sluisdeuren)", code="cli.co2_choose")
        if as_json:
            console.print_json(json.dumps(co2_service.comparison_as_dict(result, common.LANGUAGE)))
        else:
            _print_comparison(result)
        if pdf:
            pdf.write_bytes(comparison_pdf(result, lang))
            console.print(say("cli.written", what=say("cli.report"), file=str(pdf)))

    run(action)


def _print_comparison(result) -> None:
    table = Table(title=why(result.title))
    table.add_column(say("cli.component"))
    table.add_column(result.local.option.name, justify="right")
    table.add_column(result.alternative.option.name, justify="right")
    for key in ("material", "scrap", "process", "transport"):
        table.add_row(say(f"doc.co2.{key}"), f"{number(result.local.part(key) / 1000, 3)} t",
                      f"{number(result.alternative.part(key) / 1000, 3)} t")
    table.add_row(say("doc.co2.total"), f"{number(result.local.total_kg / 1000, 3)} t",
                  f"{number(result.alternative.total_kg / 1000, 3)} t")
    console.print(table)
    console.print(say("cli.local_saves", tonnes=number(result.difference_kg / 1000, 3), mki=money(result.mki_value_eur),
                      rate=money(result.mki_eur_per_kg.value)))
    if result.max_local_price_eur is not None:
        console.print(say("cli.highest_local_price", price=money(result.max_local_price_eur),
                          discount=f"{result.local_discount:.0%}"))
    console.print(say("cli.factors", factors=result.factor_set, file=result.factor_path), highlight=False)
