"""The onboarding workbook: every sheet the import reads, in the order they depend on each other, each with its
header row and an example in the first rows, and a first sheet that explains every column in the reader's
language. The examples together are a small shop that plans as it stands (one calendar, a laser, a press brake
and a welding station from the machine templates, two operators, a material, a part with a two-step routing, a
sheet in stock, a customer and an order due in three weeks): a planner can import it to try the import, or
overwrite it with the shop's own rows."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from ..i18n import say
from ..reasons import Reason
from . import masterdata_service, tabular

EXAMPLE_ORDER = "VB-0001"  # the example order's number


def example_rows(today: dt.date) -> dict[str, list[dict[str, Any]]]:
    """The example shop, by sheet, as rows of column values (typed as a planner would: Dutch weekday names,
    ja/nee, numbers as numbers)."""
    brugdag = _friday_after_ascension(today.year + 1)
    return {
        "customers": [dict(code="BOS", name="Bos Installatietechniek", address="Havenstraat 3", postcode="7553 GA",
                           city="Hengelo", country="NL", email="inkoop@bos.example", phone="074 123 45 67")],
        "calendars": [dict(calendar="DAG", name="Dagdienst", weekday="ma-vr", start="07:00", end="16:00",
                           breaks="10:00-10:15, 12:30-13:00", shift="dagdienst", public_holidays="ja")],
        "holidays": [dict(calendar="DAG", date=brugdag, name="Brugdag na Hemelvaart")],
        "materials": [dict(grade="S235JR", family="steel", density_kg_m3=7850, price_per_kg=1.15, price_date=today,
                           price_source="offerte staalleverancier", co2_per_kg=1.9)],
        "machines": [dict(code="LAS1", template="fiber-6kw-3015", calendar="DAG"),
                     dict(code="KB1", template="press-brake-3100-135", calendar="DAG"),
                     dict(code="MIG1", template="mig-mag", calendar="DAG")],
        "operators": [dict(code="JAN", name="Jan Smit", calendar="DAG", laser=3, press_brake=2),
                      dict(code="EMRE", name="Emre Yilmaz", calendar="DAG", press_brake=3, welding=2)],
        "parts": [dict(number="HOEK-40", name="Hoeksteun 40", material="S235JR", thickness_mm=4)],
        "routings": [dict(part="HOEK-40", sequence=10, eligible_machines="LAS1", setup_min=10, run_min_per_piece=1.2,
                          may_pause="nee"),
                     dict(part="HOEK-40", sequence=20, eligible_machines="KB1", setup_min=20, run_min_per_piece=0.75,
                          may_pause="nee")],
        "stock": [dict(code="S235-4-3015", material="S235JR", thickness_mm=4, kind="sheet", length_mm=3000,
                       width_mm=1500, quantity=12, heat_number="H-24117", certificate_ref="3.1-24117",
                       location="Stelling A1")],
        "orders": [dict(order=EXAMPLE_ORDER, customer="BOS", customer_reference="Inkooporder 4711", order_date=today,
                        due_date=today + dt.timedelta(days=21), part="HOEK-40", quantity=40)],
    }


def _friday_after_ascension(year: int) -> dt.date:
    from .demo import easter

    return easter(year) + dt.timedelta(days=40)


def _said(key: str, lang: str, **values) -> str:
    return say(Reason.of(key, **values), lang)


def sheet_name(kind: str, lang: str) -> str:
    """The sheet's name as the reader knows it ("klanten"); the import reads it back as ``kind``."""
    return _said(f"import.sheet.{kind}", lang)[:31]


def explanation_rows(lang: str) -> list[list[str]]:
    """The explanation sheet: what the workbook is, then one row per sheet and column."""
    templates = ", ".join(t.code for t in masterdata_service.machine_templates())
    rows = [[_said("sheet.help.title", lang)], [_said("sheet.help.intro", lang)], [_said("sheet.help.order", lang)],
            [_said("sheet.help.numbers", lang)], [],
            [_said("sheet.help.sheet", lang), _said("sheet.help.column", lang), _said("sheet.help.required", lang),
             _said("sheet.help.meaning", lang)]]
    for kind in tabular.KINDS:
        for column in tabular.COLUMNS[kind]:
            required = column in tabular.REQUIRED[kind]
            rows.append([sheet_name(kind, lang), column, _said("yes" if required else "no", lang),
                         _said(f"sheet.help.{kind}.{column}", lang, templates=templates)])
    return rows


def template_workbook(lang: str, today: dt.date) -> bytes:
    """The workbook as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    explanation = workbook.active
    explanation.title = _said("sheet.help.name", lang)[:31]
    for row in explanation_rows(lang):
        explanation.append(row)
    explanation["A1"].font = Font(bold=True, size=14)
    for cell in explanation[6]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCD", (16, 22, 10, 110)):
        explanation.column_dimensions[column].width = width
    examples = example_rows(today)
    for kind in tabular.KINDS:
        sheet = workbook.create_sheet(sheet_name(kind, lang))
        columns = tabular.COLUMNS[kind]
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for example in examples.get(kind, []):
            sheet.append([example.get(c) for c in columns])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD-MM-YYYY"
        for i, column in enumerate(columns):
            sheet.column_dimensions[_letter(i)].width = max(10, len(column) + 2)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
