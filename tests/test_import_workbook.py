"""The onboarding workbook: the template with every sheet the import reads, examples in its first rows and a sheet
explaining each column; the master-data sheets (customers, calendars, holidays, materials, machines from templates,
operators with a skills matrix) imported in dependency order in one transaction; and the shop it holds planned the
same as the same shop typed into the pages by hand."""

from __future__ import annotations

import datetime as dt
import io
import os
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from maakbaar import clock
from maakbaar.domain import Operator, Skill
from maakbaar.i18n import say
from maakbaar.reasons import Reason
from maakbaar.services import planning_service, setup_service, shop_io, tabular, workbook_template
from maakbaar.services.errors import ImportProblem
from maakbaar.store import migrate
from maakbaar.store.db import make_engine, unit_of_work
from maakbaar.store.repositories import Repositories
from maakbaar.web import board as web_board
from maakbaar.web.app import create_app
from tests import factories as f
from tests.test_import_export import _workbook, row_counts
from tests.test_masterdata_web import form_values, post
from tests.test_web import login

PASSWORD = "staal-en-vonken"


# ------------------------------------------------------------------ the template itself

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_template_has_every_sheet_the_import_reads_and_explains_every_column(lang):
    workbook = load_workbook(io.BytesIO(workbook_template.template_workbook(lang, dt.date(2027, 3, 1))))
    first, *sheets = workbook.worksheets
    assert first.title == ("uitleg" if lang == "nl" else "explanation")
    assert tabular.guess_kind(first.title) is None  # the explanation is not read as data
    kinds = [tabular.guess_kind(s.title) if s.title not in tabular.KINDS else s.title for s in sheets]
    assert kinds == list(tabular.KINDS)  # every kind, in the order they name each other
    explained = {(row[0], row[1]): row[3] for row in first.iter_rows(min_row=7, values_only=True) if row[1]}
    for sheet, kind in zip(sheets, kinds):
        header = [c.value for c in sheet[1]]
        assert header == tabular.COLUMNS[kind]
        assert sheet.max_row >= 2, f"{kind} has no example row"
        for column in header:
            text = explained[(sheet.title, column)]
            assert text and not text.startswith("sheet.help."), (kind, column)
    if lang == "nl":
        assert "Dagdienst" not in explained[("roosters", "weekday")]
        assert "ma-vr" in explained[("roosters", "weekday")]
        assert "mig-mag" in explained[("machines", "template")]  # the templates are listed from the data file


def test_the_template_as_it_comes_imports_into_an_empty_shop_and_plans_its_order(databases, tmp_path):
    engine = databases.migrated()
    today = clock.today()
    path = tmp_path / "werkmap.xlsx"
    path.write_bytes(workbook_template.template_workbook("nl", today))
    with unit_of_work(engine) as session:
        counts = tabular.import_file(session, path)
    assert counts["customers"] == 1 and counts["calendars"] == 1 and counts["materials"] == 1
    assert counts["machines"] == 3 and counts["operators"] == 2 and counts["orders"] == 1
    with unit_of_work(engine) as session:
        repos = Repositories(session)
        machines = {m.code: m for m in repos.machines.list()}
        assert machines["KB1"].capabilities.bend_length_mm == 3100 and machines["KB1"].setup_times  # from the template
        centers = {c.code: c.type.value for c in repos.work_centers.list()}
        assert centers[machines["LAS1"].work_center] == "laser" and centers[machines["MIG1"].work_center] == "welding"
        calendar = repos.calendars.get("DAG")
        assert sorted(s.weekday for s in calendar.shifts) == [0, 1, 2, 3, 4]
        assert calendar.weekly_hours == pytest.approx(5 * (9 - 0.75))
        assert dt.date(today.year, 12, 25) in {h.date for h in calendar.holidays}
        assert workbook_template._friday_after_ascension(today.year + 1) in {h.date for h in calendar.holidays}
        emre = repos.operators.get("EMRE")
        assert {s.work_center_type.value: s.level for s in emre.skills} == {"press_brake": 3, "welding": 2}
        steel = repos.materials.get("S235JR")
        assert steel.price_per_kg == 1.15 and steel.co2_per_kg == 1.9 and steel.co2_source == ""
        assert [s.work_center_type.value for s in repos.parts.get("HOEK-40").routing] == ["laser", "press_brake"]
        summary = planning_service.plan_shop(session, time_limit=3)
    assert summary.operations == 2 and not summary.unplanned


# ------------------------------------------------------------------ the same shop by hand and from the workbook

@pytest.fixture
def empty_apps(tmp_path, monkeypatch):
    """Two empty shops, each with its first administrator, served by the web app."""
    monkeypatch.setenv("MAAKBAAR_DATA_DIR", str(tmp_path / "data"))
    made = []
    for name in ("hand", "werkmap"):
        engine = make_engine(f"sqlite:///{tmp_path / name}.db")
        migrate.upgrade(engine)
        with unit_of_work(engine) as session:
            setup_service.start_own_shop(session, "Metaalbewerking De Vries", "pieter", PASSWORD)
        made.append((engine, create_app(engine, secret=f"{name}-secret")))
    yield made
    for engine, app in made:
        app.state.runner.shutdown()
        engine.dispose()


def _by_hand(client: TestClient, today: dt.date) -> None:
    """The example shop typed into the pages, as the onboarding walk in the browser does."""
    values = form_values(client.get("/masterdata/calendars/new").text)
    free = min(int(k.split("_")[1]) for k, v in values.items() if re.fullmatch(r"holiday_\d+_date", k) and not v)
    values |= {"code": "DAG", "name": "Dagdienst", f"holiday_{free}_date": workbook_template._friday_after_ascension(
        today.year + 1).strftime("%d-%m-%Y"), f"holiday_{free}_name": "Brugdag na Hemelvaart"}
    assert post(client, "/masterdata/calendars/new", values).status_code == 303
    assert post(client, "/masterdata/customers/new", {
        "code": "BOS", "name": "Bos Installatietechniek", "address": "Havenstraat 3", "postcode": "7553 GA",
        "city": "Hengelo", "country": "NL", "email": "inkoop@bos.example", "phone": "074 123 45 67"}).status_code == 303
    values = form_values(client.get("/masterdata/materials/new").text)
    values |= {"grade": "S235JR", "price_per_kg": "1,15", "co2_per_kg": "1,9",
               "price_source": "offerte staalleverancier"}
    assert post(client, "/masterdata/materials/new", values).status_code == 303
    for template, code in (("fiber-6kw-3015", "LAS1"), ("press-brake-3100-135", "KB1"), ("mig-mag", "MIG1")):
        values = form_values(client.get(f"/masterdata/machines/new?template={template}").text) | {"code": code}
        assert post(client, "/masterdata/machines/new", values).status_code == 303
    for code, name, skills in (("JAN", "Jan Smit", {"laser": "3", "press_brake": "2"}),
                               ("EMRE", "Emre Yilmaz", {"press_brake": "3", "welding": "2"})):
        values = form_values(client.get("/masterdata/operators/new").text) | {"code": code, "name": name}
        values |= {f"skill_{kind}": level for kind, level in skills.items()}
        assert post(client, "/masterdata/operators/new", values).status_code == 303
    values = form_values(client.get("/masterdata/parts/new").text)
    values |= {"number": "HOEK-40", "name": "Hoeksteun 40", "thickness_mm": "4", "step_0_m_LAS1": "on",
               "step_0_setup": "10", "step_0_run": "1,2", "step_1_m_KB1": "on", "step_1_setup": "20",
               "step_1_run": "0,75"}
    assert post(client, "/masterdata/parts/new", values).status_code == 303
    values = form_values(client.get("/masterdata/stock/new").text)
    values |= {"code": "S235-4-3015", "thickness_mm": "4", "length_mm": "3000", "width_mm": "1500", "quantity": "12",
               "heat_number": "H-24117", "certificate_ref": "3.1-24117", "location": "Stelling A1"}
    assert post(client, "/masterdata/stock/new", values).status_code == 303
    made = post(client, "/orders/new", {"customer": "BOS", "reference": "Inkooporder 4711",
                                        "release_date": today.isoformat(),
                                        "due_date": (today + dt.timedelta(days=21)).isoformat(),
                                        "part_1": "HOEK-40", "quantity_1": "40"})
    assert made.status_code == 303, made.text


def _from_the_workbook(client: TestClient) -> dict:
    """The template downloaded from the master-data page and imported through it as it comes: preview, confirm."""
    download = client.get("/masterdata/import/template.xlsx")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    preview = client.post("/masterdata/import", files={"file": ("maakbaar-werkmap.xlsx", download.content)},
                          data={"csrf_token": client.headers["X-CSRF-Token"]})
    assert preview.status_code == 200 and 'id="import-preview"' in preview.text, preview.text
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    stored = post(client, "/masterdata/import/confirm", {"token": token})
    assert stored.status_code == 200 and 'id="import-stored"' in stored.text
    return {kind: int(n) for kind, n in re.findall(
        r'<tr data-kind="(\w+)"><td>[^<]*</td><td class="num">(\d+)</td>', stored.text)}


def _shop_seen_through_the_api(client: TestClient) -> dict:
    """The master data as the API serves it, without what depends on the day it was typed or the order number."""
    seen = {}
    for kind in ("calendars", "machines", "operators", "customers", "stock", "parts"):
        seen[kind] = sorted((item for item in client.get(f"/api/{kind}").json()), key=str)
    seen["work_centers"] = sorted(map(str, client.get("/api/work-centers").json()))
    material = client.get("/api/materials/S235JR").json()
    seen["material"] = {k: material[k] for k in ("family", "density_kg_m3", "price_per_kg", "co2_per_kg", "price_date")}
    return seen


def _plan(engine, origin: dt.datetime) -> list[tuple]:
    with unit_of_work(engine) as session:
        planning_service.plan_shop(session, origin=origin, time_limit=3)
        order = Repositories(session).orders.list()[0].number
    with unit_of_work(engine) as session:
        board = web_board.board_data(session, origin, 42)
    return sorted((item["id"].replace(order, "ORDER"), item["group"], item["start"], item["end"])
                  for item in board["items"] if item.get("type") != "background")


def test_the_shop_from_the_workbook_plans_the_same_as_the_shop_typed_by_hand(empty_apps):
    today = clock.today()
    origin = clock.now().replace(second=0, microsecond=0)
    (hand_engine, hand_app), (book_engine, book_app) = empty_apps
    with TestClient(hand_app) as hand, TestClient(book_app) as book:
        login(hand, "pieter", PASSWORD)
        login(book, "pieter", PASSWORD)
        _by_hand(hand, today)
        counts = _from_the_workbook(book)
        assert counts["machines"] == 3 and counts["operators"] == 2 and counts["orders"] == 1, counts
        by_hand, from_book = _shop_seen_through_the_api(hand), _shop_seen_through_the_api(book)
        for kind in by_hand:
            assert by_hand[kind] == from_book[kind], kind
    planned_by_hand, planned_from_book = _plan(hand_engine, origin), _plan(book_engine, origin)
    operations = [(key, group) for key, group, _s, _e in planned_by_hand if not key.startswith("setup:")]
    assert sorted(operations) == [("ORDER/1/10", "LAS1"), ("ORDER/1/20", "KB1")], planned_by_hand
    assert planned_by_hand == planned_from_book


# ------------------------------------------------------------------ bad master data: every row named, nothing stored

def test_bad_master_data_rows_are_each_named_and_nothing_is_stored(databases, tmp_path):
    engine = databases.migrated()
    with unit_of_work(engine) as session:
        shop_io.store_shop(session, f.small_shop())
    before = row_counts(engine)
    path = _workbook(tmp_path / "fout.xlsx", {
        "roosters": [["calendar", "name", "weekday", "start", "end", "breaks"],
                     ["VROEG", "Vroege dienst", "ma-vr", "06:00", "14:30", "09:30-09:45"],
                     ["LAAT", "Late dienst", "maan-vrij", "14:30", "23:00", ""],
                     ["NACHT", "Nacht", "ma-do", "22:00", "zes uur", ""]],
        "machines": [["code", "template", "calendar", "work_center"],
                     ["LAS9", "fiber-7kw", "VROEG", ""],
                     ["KB9", "press-brake-3100-135", "ONBEKEND", ""],
                     ["MIG9", "mig-mag", "VROEG", "LASER"]],
        "medewerkers": [["code", "name", "calendar", "welding"],
                        ["PIET", "Piet", "VROEG", "4"],
                        ["KEES", "Kees", "GEEN", "2"]],
        "materialen": [["grade", "price_per_kg"], ["ONBEKEND-1", "2,10"]],
    })
    with unit_of_work(engine) as session, pytest.raises(ImportProblem) as refused:
        tabular.import_file(session, path)
    said = [say(p, "nl") for p in refused.value.problems]
    expected = [
        ("roosters rij 3", "'maan-vrij' is geen dag"),
        ("roosters rij 4", "'zes uur' is geen tijd"),
        ("materialen rij 2", "family: verplicht veld ontbreekt"),  # a grade the reference table lacks
        ("materialen rij 2", "density_kg_m3"),
        ("materialen rij 2", "co2_per_kg"),
        ("machines rij 2", "machinesjabloon 'fiber-7kw' bestaat niet"),
        ("machines rij 3", "ONBEKEND"),
        ("machines rij 4", "afdeling LASER doet Lasersnijden, niet Lassen"),
        ("medewerkers rij 2", "niveau 4 bestaat niet"),
        ("medewerkers rij 3", "GEEN"),
    ]
    assert len(said) == len(expected), said
    for (where, what), text in zip(expected, said):
        assert where in text and what in text, (where, what, text)
    assert row_counts(engine) == before  # the good rows (VROEG, ...) were not kept either


def test_a_sheet_updates_what_exists_and_keeps_what_it_does_not_carry(databases, tmp_path):
    engine = databases.migrated()
    with unit_of_work(engine) as session:
        shop_io.store_shop(session, f.small_shop())
        repos = Repositories(session)
        machine = repos.machines.list()[0]
        operator = Operator(code="ANNA", name="Anna de Wit", calendar=machine.calendar,
                            skills=(Skill(work_center_type="welding", level=2),))
        repos.operators.add(operator)
        kinds = {c.code: c.type.value for c in repos.work_centers.list()}
    path = _workbook(tmp_path / "bij.xlsx", {
        "machines": [["code", "hourly_rate", "calendar"], [machine.code, "99,5", machine.calendar]],
        "operators": [["code", "name", "calendar", "assembly"], [operator.code, operator.name, operator.calendar, 2]],
        "customers": [["code", "name", "country", "city"], ["NIEUW", "Nieuwe Klant BV", "be", "Gent"]],
    })
    with unit_of_work(engine) as session:
        counts = tabular.import_file(session, path)
    assert counts["machines_updated"] == 1 and counts["operators_updated"] == 1 and counts["customers"] == 1
    with unit_of_work(engine) as session:
        repos = Repositories(session)
        again = repos.machines.get(machine.code)
        assert again.hourly_rate == 99.5 and again.work_center == machine.work_center
        assert again.setup_times == machine.setup_times and again.capabilities == machine.capabilities
        assert kinds[again.work_center] == kinds[machine.work_center]
        assert {s.work_center_type.value: s.level for s in repos.operators.get(operator.code).skills} == {"assembly": 2}
        customer = repos.customers.get("NIEUW")
        assert customer.country == "BE" and customer.document_language == "nl"


def test_the_export_carries_the_master_data_sheets_into_an_empty_shop(databases, demo_shop, tmp_path):
    source, target = databases.migrated(), databases.migrated()
    with unit_of_work(source) as session:
        shop_io.store_shop(session, demo_shop)
        tabular.export_xlsx(session, tmp_path / "shop.xlsx")
    with unit_of_work(target) as session:
        counts = tabular.import_file(session, tmp_path / "shop.xlsx")
    assert counts["machines"] == len(demo_shop.machines) and counts["orders"] == len(demo_shop.orders)
    with unit_of_work(target) as session:
        repos = Repositories(session)
        for machine in demo_shop.machines:
            got = repos.machines.get(machine.code)
            assert (got.hourly_rate, got.calendar, got.work_center, got.capabilities) == (
                machine.hourly_rate, machine.calendar, machine.work_center, machine.capabilities)
        for calendar in demo_shop.calendars:
            got = repos.calendars.get(calendar.code)
            assert (got.shifts, got.holidays) == (calendar.shifts, calendar.holidays), calendar.code
        for operator in demo_shop.operators:
            assert repos.operators.get(operator.code).skills == tuple(
                sorted(operator.skills, key=lambda s: list(tabular.masterdata_sheets.SKILL_COLUMNS).index(
                    s.work_center_type.value)))
        assert {m.grade: m.price_per_kg for m in repos.materials.list()} == {
            m.grade: m.price_per_kg for m in demo_shop.materials}


# ------------------------------------------------------------------ numbers as European Excel writes them

def test_a_semicolon_csv_reads_a_point_before_three_digits_as_thousands(databases, tmp_path):
    engine = databases.migrated()
    with unit_of_work(engine) as session:
        shop_io.store_shop(session, f.small_shop())
        grade = Repositories(session).materials.list()[0].grade
    european = tmp_path / "voorraad.csv"
    european.write_text("code;material;thickness_mm;length_mm;width_mm;quantity;price_per_sheet\n"
                        f"EU-1;{grade};1,5;3.000;1.500;1.000;1.250,50\n", encoding="utf-8")
    english = tmp_path / "stock.csv"
    english.write_text("code,material,thickness_mm,length_mm,width_mm,quantity,price_per_sheet\n"
                       f"EN-1,{grade},1.250,3000,1500,12,99.50\n", encoding="utf-8")
    with unit_of_work(engine) as session:
        tabular.import_file(session, european)
        tabular.import_file(session, english)
    with unit_of_work(engine) as session:
        repos = Repositories(session)
        eu, en = repos.stock.get("EU-1"), repos.stock.get("EN-1")
    assert (eu.length_mm, eu.width_mm, eu.quantity, eu.price_per_sheet, eu.thickness_mm) == (
        3000, 1500, 1000, 1250.5, 1.5)
    assert (en.thickness_mm, en.price_per_sheet) == (1.25, 99.5)


def test_weekdays_are_read_as_a_planner_types_them():
    from maakbaar.services.masterdata_sheets import read_weekdays

    assert read_weekdays("ma-vr") == read_weekdays("ma t/m vr") == read_weekdays("Maandag - Vrijdag") == [0, 1, 2, 3, 4]
    assert read_weekdays("ma, wo, vr") == read_weekdays("mon/wed/fri") == [0, 2, 4]
    assert read_weekdays("za en zo") == read_weekdays("6-7") == [5, 6]
    assert read_weekdays("vr-ma") == [0, 4, 5, 6]  # a run over the weekend
    for typed in ("maan", "ma-", "8", ""):
        with pytest.raises(ValueError):
            read_weekdays(typed)


def test_the_template_is_served_by_the_api_and_written_by_the_cli(empty_apps, tmp_path):
    _engine, app = empty_apps[0]
    with TestClient(app) as client:
        login(client, "pieter", PASSWORD)
        english = client.get("/api/imports/template?lang=en")
    assert english.status_code == 200
    assert load_workbook(io.BytesIO(english.content)).sheetnames[0] == "explanation"
    from typer.testing import CliRunner

    from maakbaar.cli.main import app as cli

    out = tmp_path / "werkmap.xlsx"
    result = CliRunner().invoke(cli, ["export", str(out), "--template"], env={**os.environ})
    assert result.exit_code == 0, result.output
    assert "Invulwerkmap" in result.output and load_workbook(out).sheetnames[0] == "uitleg"
    assert say(Reason.of("import.sheet.operators"), "nl") in load_workbook(out).sheetnames


def test_one_typo_is_one_problem_not_one_per_row_that_names_it(databases, tmp_path):
    """A typo in the calendar's weekday refuses the calendar; the machines and operators on it, and the routing
    steps on those machines, are not blamed for it: the planner sees the row to fix, and the other real typo."""
    engine = databases.migrated()
    path = tmp_path / "werkmap.xlsx"
    path.write_bytes(workbook_template.template_workbook("nl", clock.today()))
    book = load_workbook(path)
    book["roosters"]["C2"] = "maan-vrij"
    book["medewerkers"]["C3"] = "NACHT"
    book["klanten"]["A2"] = None  # a customer without a code: nothing in the workbook is BOS now, so the order says so
    book.save(path)
    before = row_counts(engine)
    with unit_of_work(engine) as session, pytest.raises(ImportProblem) as refused:
        tabular.import_file(session, path)
    assert [say(p, "nl") for p in refused.value.problems] == [
        "klanten rij 2: code: verplicht veld ontbreekt",
        "roosters rij 2: weekday: 'maan-vrij' is geen dag of reeks dagen (ma, ma-vr, ma t/m vr, ma, wo, vr)",
        "medewerkers rij 3: calendar: rooster 'NACHT' bestaat niet",
        "orders rij 2: customer: klant 'BOS' bestaat niet",
    ]
    assert row_counts(engine) == before
