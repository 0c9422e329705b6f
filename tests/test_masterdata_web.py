"""Master data kept in the browser: machines from templates, calendars, operators, materials and customers are
added, changed (a stale version is refused and the typed input kept), deleted only when nothing uses them (the
refusal names what does), and a viewer may look but not change. Through the pages as a shop types it (decimal
commas, a Dutch date), checked against what the API then serves."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from maakbaar.web.masterdata import read_number
from tests.test_web import app, login  # noqa: F401  (the demo-shop app fixture)


def csrf(client: TestClient) -> str:
    return client.headers["X-CSRF-Token"]


def post(client: TestClient, url: str, data: dict):
    return client.post(url, data={"csrf_token": csrf(client), **data}, follow_redirects=False)


def errors_of(page: str) -> list[str]:
    block = re.search(r"<ul class=\"error\"[^>]*>(.*?)</ul>", page, re.S)
    return [html.unescape(x) for x in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)] if block else []


def form_values(html: str) -> dict:
    """The named inputs of the form as a browser would post them (ticked boxes only, selected options)."""
    form = re.search(r'<form method="post" action="/masterdata/[^"]+" class="card form-grid md-form".*?</form>', html,
                     re.S).group(0)
    values = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or "disabled" in tag:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) == "checkbox":
            if " checked" in tag:
                values[name.group(1)] = "on"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        values[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body) or re.search(r'<option value="([^"]*)"', body)
        values[name] = chosen.group(1) if chosen else ""
    return values


@pytest.fixture
def admin(app):  # noqa: F811
    with TestClient(app) as client:
        login(client, "beheer")
        yield client


@pytest.mark.parametrize("typed, value", [("115", 115), ("115,50", 115.5), ("115.50", 115.5), ("1.250,5", 1250.5),
                                          ("1,250.5", 1250.5), (" 7 850 ", 7850), ("", None), (",5", 0.5)])
def test_numbers_are_read_as_people_type_them(typed, value):
    assert read_number(typed) == value


@pytest.mark.parametrize("typed, lang, value", [("3.000", "nl", 3000), ("1.250", "nl", 1250), ("12.500.000", "nl", 12500000),
                                                ("1.25", "nl", 1.25), ("0.125", "nl", 0.125), ("3.000", "en", 3),
                                                ("1.250", "en", 1.25), ("3.000,5", "nl", 3000.5)])
def test_a_point_before_three_digits_marks_thousands_in_dutch(typed, lang, value):
    assert read_number(typed, lang) == value


@pytest.mark.parametrize("typed", ["twaalf", "1,2,3x", "12 mm", "--1"])
def test_a_word_is_not_a_number(typed):
    with pytest.raises(ValueError):
        read_number(typed)


def test_a_machine_from_a_template_is_filled_changed_and_stored(admin):
    page = admin.get("/masterdata/machines/new?template=press-brake-3100-135")
    assert page.status_code == 200 and "Kantbank 3100 mm / 135 t" in page.text
    values = form_values(page.text)
    assert values["bend_length_mm"] == "3100" and values["tonnage_t"] == "135" and values["hourly_rate"] == "80"
    assert values["work_center"] == "KANTBANK"  # the demo has a press-brake work center: the machine joins it
    values |= {"code": "KB09", "name": "Kantbank Delem 3100", "hourly_rate": "82,50", "calendar": "MACHINE-DAG"}
    saved = post(admin, "/masterdata/machines/new", values)
    assert saved.status_code == 303 and saved.headers["location"] == "/masterdata?tab=machines&saved=KB09"
    stored = admin.get("/api/machines/KB09").json()
    assert stored["hourly_rate"] == 82.5 and stored["capabilities"]["bend_length_mm"] == 3100
    assert stored["capabilities"]["max_thickness_mm"]["steel"] == 12 and stored["work_center"] == "KANTBANK"
    assert stored["setup_times"] == [{"from_family": "*", "to_family": "*", "minutes": 15.0}]
    listed = admin.get("/masterdata?tab=machines&saved=KB09").text
    assert "KB09 is opgeslagen" in listed and 'href="/masterdata/machines/KB09"' in listed


def test_a_bad_machine_form_names_each_field_in_dutch_and_stores_nothing(admin):
    values = form_values(admin.get("/masterdata/machines/new?template=mig-mag").text)
    values |= {"code": "MIG09", "hourly_rate": "zestig", "setup_0_from": "*", "setup_0_to": "*",
               "setup_0_minutes": "-5"}
    refused = post(admin, "/masterdata/machines/new", values)
    assert refused.status_code == 422
    assert errors_of(refused.text) == ["Uurtarief: geen getal"]
    assert 'value="zestig"' in refused.text  # what was typed stays in the form
    values["hourly_rate"] = "60"
    refused = post(admin, "/masterdata/machines/new", values)
    assert refused.status_code == 422 and len(errors_of(refused.text)) == 1
    assert errors_of(refused.text) == ["Omstelregel 1 (Minuten): moet minstens 0,0 zijn"]
    assert admin.get("/api/machines/MIG09").status_code == 404


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(admin):
    first = form_values(admin.get("/masterdata/machines/LAS01").text)
    second = dict(first)
    assert post(admin, "/masterdata/machines/LAS01", first | {"hourly_rate": "120"}).status_code == 303
    refused = post(admin, "/masterdata/machines/LAS01", second | {"hourly_rate": "99,95"})
    assert refused.status_code == 409
    said = " ".join(errors_of(refused.text))
    assert "intussen door iemand anders gewijzigd" in said and "Open de lijst opnieuw" in said
    assert 'value="99,95"' in refused.text
    assert admin.get("/api/machines/LAS01").json()["hourly_rate"] == 120
    # the code cannot be changed through the form: the URL's code is kept whatever is posted
    again = form_values(admin.get("/masterdata/machines/LAS01").text)
    assert post(admin, "/masterdata/machines/LAS01", again | {"code": "OTHER"}).status_code == 303
    assert admin.get("/api/machines/OTHER").status_code == 404


def test_delete_is_refused_while_in_use_naming_what_uses_it(admin):
    page = admin.get("/masterdata/machines/LAS01").text
    assert "In gebruik, daarom niet te verwijderen" in page and 'id="delete"' not in page
    refused = post(admin, "/masterdata/machines/LAS01/delete", {})
    assert refused.status_code == 409
    said = errors_of(refused.text)[0]
    assert "machine 'LAS01' is nog in gebruik" in said and "onderdelen" in said and "werkorders" in said
    assert admin.get("/api/machines/LAS01").status_code == 200
    api = admin.delete("/api/calendars/DAG")
    assert api.status_code == 409 and api.json()["code"] == "error.in_use"
    assert "operators" in api.json()["detail"] or "medewerkers" in api.json()["detail"]
    # a new machine nothing uses is deleted
    values = form_values(admin.get("/masterdata/machines/new?template=cnc-lathe").text)
    assert post(admin, "/masterdata/machines/new", values | {"code": "DR09"}).status_code == 303
    page = admin.get("/masterdata/machines/DR09").text
    assert 'id="delete"' in page
    gone = post(admin, "/masterdata/machines/DR09/delete", {})
    assert gone.status_code == 303 and gone.headers["location"] == "/masterdata?tab=machines&deleted=DR09"
    assert admin.get("/api/machines/DR09").status_code == 404


def test_a_calendar_typed_as_rows_of_days_with_breaks_and_holidays(admin):
    values = form_values(admin.get("/masterdata/calendars/new").text)
    # the new form offers the usual day shift Monday to Friday and this year's and next year's holidays
    assert [values.get(f"shift_0_day_{d}") for d in range(7)] == ["on"] * 5 + [None, None]
    assert values["shift_0_breaks"] == "10:00-10:15, 12:30-13:00" and values["holiday_0_date"]
    values |= {"code": "VIER", "name": "Vier dagen", "shift_0_day_4": "", "shift_0_start": "6.30",
               "shift_0_end": "17:00", "shift_1_day_4": "on", "shift_1_start": "07:00", "shift_1_end": "12:00",
               "shift_1_breaks": "", "holiday_20_date": "27-12-2027", "holiday_20_name": "Brugdag"}
    values = {k: v for k, v in values.items() if v != ""}
    saved = post(admin, "/masterdata/calendars/new", values)
    assert saved.status_code == 303, errors_of(saved.text)
    stored = admin.get("/api/calendars/VIER").json()
    shifts = sorted((s["weekday"], s["start"], s["end"], len(s["breaks"])) for s in stored["shifts"])
    assert shifts == [(0, "06:30:00", "17:00:00", 2), (1, "06:30:00", "17:00:00", 2), (2, "06:30:00", "17:00:00", 2),
                      (3, "06:30:00", "17:00:00", 2), (4, "07:00:00", "12:00:00", 0)]
    assert {"date": "2027-12-27", "name": "Brugdag"} in stored["holidays"]
    # the edit form groups the four equal days in one row again
    again = form_values(admin.get("/masterdata/calendars/VIER").text)
    assert [again.get(f"shift_0_day_{d}") for d in range(7)] == ["on"] * 4 + [None] * 3


def test_a_bad_calendar_row_is_named(admin):
    values = form_values(admin.get("/masterdata/calendars/new").text) | {"code": "X", "name": "X",
                                                                        "shift_0_breaks": "koffie om tien"}
    refused = post(admin, "/masterdata/calendars/new", values)
    assert refused.status_code == 422
    assert errors_of(refused.text) == ["Dienstregel 1: pauzes als 10:00-10:15, 12:30-13:00"]
    values |= {"shift_0_breaks": "", "shift_1_day_0": "on", "shift_1_start": "08:00", "shift_1_end": "09:00"}
    overlap = post(admin, "/masterdata/calendars/new", values)
    assert overlap.status_code == 422 and "overlapt" in errors_of(overlap.text)[0]
    assert admin.get("/api/calendars/X").status_code == 404


def test_public_holidays_are_added_with_one_button(admin):
    values = form_values(admin.get("/masterdata/calendars/new").text)
    values = {k: v for k, v in values.items() if not k.startswith("holiday_")} | {"code": "LEEG", "name": "Leeg"}
    assert post(admin, "/masterdata/calendars/new", values).status_code == 303
    assert admin.get("/api/calendars/LEEG").json()["holidays"] == []
    values = form_values(admin.get("/masterdata/calendars/LEEG").text)
    added = post(admin, "/masterdata/calendars/LEEG", values | {"add_holidays": "2027"})
    assert added.status_code == 303 and added.headers["location"] == "/masterdata/calendars/LEEG"
    names = {(h["date"], h["name"]) for h in admin.get("/api/calendars/LEEG").json()["holidays"]}
    assert ("2027-04-27", "Koningsdag") in names and ("2028-12-25", "Eerste kerstdag") in names
    assert ("2027-03-29", "Tweede paasdag") in names  # Easter 2027 is on 28 March


def test_an_operator_with_skills_a_material_and_a_customer(admin):
    values = form_values(admin.get("/masterdata/operators/new").text)
    values |= {"code": "OP99", "name": "Anouk Zij-instromer", "calendar": "DAG", "skill_welding": "1",
               "skill_assembly": "2"}
    assert post(admin, "/masterdata/operators/new", values).status_code == 303
    stored = admin.get("/api/operators/OP99").json()
    assert sorted((s["work_center_type"], s["level"]) for s in stored["skills"]) == [("assembly", 2), ("welding", 1)]
    assert stored["active"] is True
    values = form_values(admin.get("/masterdata/operators/OP99").text)
    values.pop("active")  # the box unticked: no longer planned
    assert post(admin, "/masterdata/operators/OP99", values).status_code == 303
    assert admin.get("/api/operators/OP99").json()["active"] is False

    material = form_values(admin.get("/masterdata/materials/new").text) | {
        "grade": "S420MC", "family": "steel", "price_per_kg": "1,35", "price_date": "01-12-2026",
        "co2_per_kg": "1,9", "price_source": "offerte staalhandel"}
    saved = post(admin, "/masterdata/materials/new", material)
    assert saved.status_code == 303, errors_of(saved.text)
    stored = admin.get("/api/materials/S420MC").json()
    assert stored["price_per_kg"] == 1.35 and stored["price_date"] == "2026-12-01" and stored["density_kg_m3"] == 7850

    customer = form_values(admin.get("/masterdata/customers/new").text) | {
        "code": "K99", "name": "Staalbouw Oost BV", "city": "Enschede", "country": "de"}
    assert post(admin, "/masterdata/customers/new", customer).status_code == 303
    assert admin.get("/api/customers/K99").json()["country"] == "DE"
    assert post(admin, "/masterdata/customers/K99/delete", {}).status_code == 303
    first = admin.get("/api/orders").json()[0]["customer"]
    refused = post(admin, f"/masterdata/customers/{first}/delete", {})
    assert refused.status_code == 409 and "orders" in errors_of(refused.text)[0]


def test_a_viewer_sees_the_form_but_cannot_change_anything(app):  # noqa: F811
    with TestClient(app) as viewer:
        login(viewer, "kijker")
        page = viewer.get("/masterdata/machines/LAS01")
        assert page.status_code == 200 and 'id="save"' not in page.text and 'id="delete"' not in page.text
        assert 'name="hourly_rate" inputmode="decimal" size="8" value="115" disabled' in page.text.replace(
            " required", "")
        assert 'id="new-record"' not in viewer.get("/masterdata?tab=machines").text
        refused = post(viewer, "/masterdata/machines/LAS01", {"hourly_rate": "1", "version": "1"})
        assert refused.status_code == 403 and "mag dit niet" in refused.text
        assert post(viewer, "/masterdata/machines/LAS01/delete", {}).status_code == 403
        assert post(viewer, "/masterdata/calendars/new", {"code": "X"}).status_code == 403
        assert viewer.get("/api/machines/LAS01").json()["hourly_rate"] == 115


def test_the_estimator_may_not_change_materials_but_adds_customers(app):  # noqa: F811
    with TestClient(app) as estimator:
        login(estimator, "calculator")
        assert post(estimator, "/masterdata/materials/S235JR/delete", {}).status_code == 403
        assert 'id="new-record"' in estimator.get("/masterdata?tab=customers").text
        assert 'id="new-record"' not in estimator.get("/masterdata?tab=materials").text
        customer = {"code": "K98", "name": "Nieuwe klant", "country": "NL"}
        assert post(estimator, "/masterdata/customers/new", customer).status_code == 303


def test_a_part_with_a_two_step_routing_is_typed_changed_and_kept_while_ordered(admin):
    values = form_values(admin.get("/masterdata/parts/new").text)
    values |= {"number": "BEUGEL-7", "name": "Montagebeugel", "material": "S235JR", "thickness_mm": "3",
               "length_mm": "240", "width_mm": "120,5", "bends": "2",
               "step_0_m_LAS01": "on", "step_0_setup": "5", "step_0_run": "1,5",  # the kind follows the machine
               "step_1_m_KB01": "on", "step_1_m_KB02": "on", "step_1_run": "0.8", "step_1_description": "Zetten 2x"}
    saved = post(admin, "/masterdata/parts/new", values)
    assert saved.status_code == 303, errors_of(saved.text)
    part = admin.get("/api/parts/BEUGEL-7").json()
    assert part["width_mm"] == 120.5 and part["bends"] == 2
    assert [(s["sequence"], s["work_center_type"], s["eligible_machines"], s["setup_min"], s["run_min_per_piece"])
            for s in part["routing"]] == [(10, "laser", ["LAS01"], 5, 1.5), (20, "press_brake", ["KB01", "KB02"], 0, 0.8)]
    # the list shows the routing; the edit form shows it again, and a change is stored
    assert "BEUGEL-7" in admin.get("/masterdata?tab=parts").text
    again = form_values(admin.get("/masterdata/parts/BEUGEL-7").text)
    assert again["step_1_m_KB02"] == "on" and again["step_0_run"] == "1,5" and again["step_1_type"] == "press_brake"
    stale = dict(again)
    assert post(admin, "/masterdata/parts/BEUGEL-7", again | {"step_0_run": "2"}).status_code == 303
    refused = post(admin, "/masterdata/parts/BEUGEL-7", stale | {"step_0_run": "3"})
    assert refused.status_code == 409 and 'value="3"' in refused.text
    assert admin.get("/api/parts/BEUGEL-7").json()["routing"][0]["run_min_per_piece"] == 2
    # ordered, it cannot be deleted; the refusal names the order
    order = admin.post("/api/orders", json={"customer": admin.get("/api/customers").json()[0]["code"],
                                            "due_date": "2027-03-01", "lines": [{"part": "BEUGEL-7", "quantity": 4}]})
    assert order.status_code in (200, 201), order.text
    number = order.json()["number"]
    gone = post(admin, "/masterdata/parts/BEUGEL-7/delete", {})
    assert gone.status_code == 409 and number in " ".join(errors_of(gone.text))
    assert admin.get("/api/parts/BEUGEL-7").status_code == 200


def test_a_bad_routing_step_is_named_by_its_row(admin):
    values = form_values(admin.get("/masterdata/parts/new").text) | {
        "number": "X-1", "name": "X", "material": "S235JR", "thickness_mm": "2", "step_0_m_LAS01": "on",
        "step_1_description": "zetten", "step_1_run": "een paar"}
    refused = post(admin, "/masterdata/parts/new", values)
    assert refused.status_code == 422
    said = errors_of(refused.text)
    assert "Stap 2: geen getal" in said and "Stap 2: kies de bewerking of vink een machine aan" in said, said
    values |= {"step_1_run": "1", "step_1_type": "press_brake"}  # a kind but no machine
    refused = post(admin, "/masterdata/parts/new", values)
    assert refused.status_code == 422 and any(e.startswith("Stap 2") for e in errors_of(refused.text))
    assert admin.get("/api/parts/X-1").status_code == 404


def test_a_sheet_in_stock_is_added_changed_and_deleted(admin):
    values = form_values(admin.get("/masterdata/stock/new").text) | {
        "code": "PL-EIGEN", "material": "S235JR", "thickness_mm": "2,5", "length_mm": "3000", "width_mm": "1500",
        "quantity": "12", "heat_number": "H-4711", "location": "rek 3"}
    saved = post(admin, "/masterdata/stock/new", values)
    assert saved.status_code == 303, errors_of(saved.text)
    item = admin.get("/api/stock/PL-EIGEN").json()
    assert (item["thickness_mm"], item["length_mm"], item["quantity"], item["kind"]) == (2.5, 3000, 12, "sheet")
    again = form_values(admin.get("/masterdata/stock/PL-EIGEN").text)
    assert post(admin, "/masterdata/stock/PL-EIGEN", again | {"quantity": "10", "kind": "remnant"}).status_code == 303
    assert admin.get("/api/stock/PL-EIGEN").json()["quantity"] == 10
    assert post(admin, "/masterdata/stock/PL-EIGEN/delete", {}).status_code == 303
    assert admin.get("/api/stock/PL-EIGEN").status_code == 404


def test_breaks_are_read_as_people_type_times(admin):
    values = form_values(admin.get("/masterdata/calendars/new").text) | {
        "code": "KORT", "name": "Korte pauzes", "shift_0_breaks": "9:30-9:45; 12.00 - 12.30"}
    saved = post(admin, "/masterdata/calendars/new", values)
    assert saved.status_code == 303, errors_of(saved.text)
    breaks = admin.get("/api/calendars/KORT").json()["shifts"][0]["breaks"]
    assert [(b["start"], b["end"]) for b in breaks] == [("09:30:00", "09:45:00"), ("12:00:00", "12:30:00")]


def test_a_part_wider_than_long_is_refused_in_words_not_field_names(admin):
    values = form_values(admin.get("/masterdata/parts/new").text)
    values |= {"number": "BEUGEL-8", "name": "Montagebeugel", "material": "S235JR", "thickness_mm": "3",
               "length_mm": "120", "width_mm": "240", "step_0_m_LAS01": "on", "step_0_run": "1,5"}
    refused = post(admin, "/masterdata/parts/new", values)
    assert refused.status_code == 422
    said = " ".join(errors_of(refused.text))
    assert "de breedte van de uitslag (240 mm) is groter dan de lengte (120 mm)" in said
    assert "width_mm" not in said and "length_mm" not in said
    assert admin.get("/api/parts/BEUGEL-8").status_code == 404


def test_a_work_center_is_made_renamed_kept_while_it_has_machines_and_deleted_when_empty(admin):
    page = admin.get("/masterdata?tab=work-centers").text
    assert 'id="work-centers"' in page and "LAS01" in page  # each work center lists its machines
    new = form_values(admin.get("/masterdata/work-centers/new").text)
    made = post(admin, "/masterdata/work-centers/new", new | {"code": "ZAAG", "name": "Zagen", "type": "cnc_milling"})
    assert made.status_code == 303, errors_of(made.text)
    # a machine goes into it, so its kind of work is fixed from then on
    values = form_values(admin.get("/masterdata/machines/new?template=cnc-mill-3axis").text)
    assert post(admin, "/masterdata/machines/new", values | {"code": "ZG01", "work_center": "ZAAG"}).status_code == 303
    assert admin.get("/api/machines/ZG01").json()["work_center"] == "ZAAG"
    first = form_values(admin.get("/masterdata/work-centers/ZAAG").text)
    renamed = post(admin, "/masterdata/work-centers/ZAAG", first | {"name": "Zagen en boren"})
    assert renamed.status_code == 303
    stale = post(admin, "/masterdata/work-centers/ZAAG", first | {"name": "Zagerij"})
    assert stale.status_code == 409 and 'value="Zagerij"' in stale.text
    again = form_values(admin.get("/masterdata/work-centers/ZAAG").text)
    retyped = post(admin, "/masterdata/work-centers/ZAAG", again | {"type": "welding"})
    assert retyped.status_code == 422
    assert errors_of(retyped.text) == ["Soort werk: afdeling ZAAG heeft machines (ZG01): de soort werk kan niet meer "
                                       "veranderen; maak een nieuwe afdeling"]
    refused = post(admin, "/masterdata/work-centers/ZAAG/delete", {})
    assert refused.status_code == 409 and "ZG01" in " ".join(errors_of(refused.text))
    assert post(admin, "/masterdata/machines/ZG01/delete", {}).status_code == 303
    gone = post(admin, "/masterdata/work-centers/ZAAG/delete", {})
    assert gone.status_code == 303
    assert admin.get("/api/work-centers/ZAAG").status_code == 404
    assert admin.get("/api/work-centers/LASER").status_code == 200


def test_a_viewer_may_not_change_a_work_center(app):  # noqa: F811
    with TestClient(app) as viewer:
        login(viewer, "kijker")
        page = viewer.get("/masterdata/work-centers/LASER")
        assert page.status_code == 200 and 'id="save"' not in page.text
        assert post(viewer, "/masterdata/work-centers/LASER", {"name": "X", "type": "laser", "version": "1"}).status_code == 403
        assert post(viewer, "/masterdata/work-centers/new", {"code": "X", "name": "X", "type": "laser"}).status_code == 403
