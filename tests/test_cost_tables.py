"""The shop's own cost tables: a changed hourly rate or cutting speed changes the next quote, the quote names each
number it used and whether it is the shop's own or the reference, a stale or impossible value is refused whole,
and a value can go back to the reference. The engine part by hand, the rest through the page as the estimator
uses it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from maakbaar.costing.model import CostError, CostTables, MaterialInput, PartInput, quote_part
from tests.test_cli import _plate_dxf
from tests.test_web import app, login  # noqa: F401  (the demo-shop app fixture)

STEEL = MaterialInput("S235JR", "steel", 7850, 1.2, 1.9)


def plate(**extra) -> PartInput:
    values = dict(name="plaat", material=STEEL, thickness_mm=3, cut_length_mm=3000, pierces=5, net_area_mm2=500_000,
                  length_mm=1000, width_mm=500)
    return PartInput(**(values | extra))


def test_own_values_replace_the_reference_at_their_path_only():
    base = CostTables.default()
    own = base.with_values({"rates_eur_per_hour.laser": 130, "laser.speed_m_per_min.steel.3": 4.0,
                            "finishing.powder_coating_eur_per_m2.minimum_eur": 80, "bending.seconds_per_bend": 40})
    assert own.at("rates_eur_per_hour.laser") == 130 and base.at("rates_eur_per_hour.laser") == 115
    assert own.laser_speed("steel", 3) == 4.0 and own.laser_speed("steel", 4) == base.laser_speed("steel", 4)
    assert own.at("finishing.powder_coating_eur_per_m2") == 25  # the value beside the changed minimum is kept
    assert own.at("finishing.powder_coating_eur_per_m2.minimum_eur") == 80
    assert own.at("bending.seconds_per_bend") == 40 and own.data["bending"]["seconds_per_bend"]["source"]
    with pytest.raises(CostError):
        base.with_values({"rates_eur_per_hour.plasma": 90})
    assert base.speed_points("steel", 3) == ("3",) and base.speed_points("steel", 3.5) == ("3", "4")


def test_a_quote_names_every_number_it_used_and_follows_a_changed_one():
    base = CostTables.default()
    quote = quote_part(plate(bends=2, bend_length_mm=800, weld_length_mm=500, finish="powder"), [10], base)
    used = dict(quote.used)
    assert used["rates_eur_per_hour.laser"] == 115 and used["laser.speed_m_per_min.steel.3"] == 5.1
    assert {"bending.seconds_per_bend", "welding.minutes_per_metre", "finishing.powder_coating_eur_per_m2",
            "commercial.margin_fraction", "commercial.default_utilisation"} <= set(used)
    assert "welding.tig_factor" not in used  # steel is welded MIG/MAG
    own = base.with_values({"rates_eur_per_hour.laser": 230})  # the laser rate doubled
    again = quote_part(plate(bends=2, bend_length_mm=800, weld_length_mm=500, finish="powder"), [10], own)
    laser = [b.amount("laser") for b in (quote.breaks[0], again.breaks[0])]
    assert laser[1] == pytest.approx(2 * laser[0])
    assert again.breaks[0].amount("bending") == pytest.approx(quote.breaks[0].amount("bending"))
    assert dict(again.used)["rates_eur_per_hour.laser"] == 230
    slower = quote_part(plate(), [10], base.with_values({"laser.speed_m_per_min.steel.3": 2.55}))
    # cutting 3 m at half the speed takes 3 / 2.55 - 3 / 5.1 minutes more per piece
    assert slower.minutes_per_piece["laser"] - quote_part(plate(), [10], base).minutes_per_piece["laser"] == \
        pytest.approx(3 / 2.55 - 3 / 5.1)


def form_of(page: str) -> dict:
    form = re.search(r'<form method="post" action="/masterdata/costs".*?</form>', page, re.S).group(0)
    return {n: v for n, v in re.findall(r'<input (?:type="hidden" )?name="([^"]+)"[^>]*?value="([^"]*)"', form)}


def calculate(client: TestClient, dxf) -> dict:
    with dxf.open("rb") as handle:
        answer = client.post("/api/quotes/calculate", files=[("files", ("plaat.dxf", handle, "application/dxf"))],
                             data={"material": "S235JR", "thickness_mm": "3", "quantities": "10"})
    assert answer.status_code == 200, answer.text
    return answer.json()["parts"][0]


def test_a_changed_rate_and_speed_change_the_next_quote_which_names_them(app, tmp_path):  # noqa: F811
    dxf = _plate_dxf(tmp_path / "plaat.dxf")
    with TestClient(app) as client:
        login(client, "beheer")
        before = calculate(client, dxf)
        used = {u["path"]: u for u in before["used"]}
        assert used["rates_eur_per_hour.laser"]["value"] == 115 and not used["rates_eur_per_hour.laser"]["own"]
        assert "metal-shop.md" in used["rates_eur_per_hour.laser"]["source"]
        page = client.get("/masterdata?tab=rates")
        assert page.status_code == 200 and "Uurtarief lasersnijden" in page.text
        form = form_of(page.text)
        assert form["v:rates_eur_per_hour.laser"] == "115" and form["v:commercial.margin_fraction"] == "10"
        saved = client.post("/masterdata/costs", data=form | {
            "csrf_token": client.headers["X-CSRF-Token"], "v:rates_eur_per_hour.laser": "138",
            "v:laser.speed_m_per_min.steel.3": "4,25", "v:commercial.margin_fraction": "15"}, follow_redirects=False)
        assert saved.status_code == 303 and saved.headers["location"] == "/masterdata?tab=rates&costs_saved=3"
        assert "3 waarden opgeslagen" in client.get(saved.headers["location"]).text
        after = calculate(client, dxf)
        used = {u["path"]: u for u in after["used"]}
        assert used["rates_eur_per_hour.laser"]["value"] == 138 and used["rates_eur_per_hour.laser"]["own"]
        assert used["laser.speed_m_per_min.steel.3"]["value"] == 4.25 and used["commercial.margin_fraction"]["own"]
        assert used["commercial.margin_fraction"]["value"] == pytest.approx(0.15)
        assert not used["rates_eur_per_hour.welding" if "rates_eur_per_hour.welding" in used else
                        "rates_eur_per_hour.engineering"]["own"]
        assert after["minutes_per_piece"]["laser"] > before["minutes_per_piece"]["laser"]
        assert after["breaks"][0]["unit_price"] > before["breaks"][0]["unit_price"]
        # the page shows the quote's numbers, the changed ones as the shop's own
        with dxf.open("rb") as handle:
            html = client.post("/quote/calculate", files=[("files", ("plaat.dxf", handle, "application/dxf"))],
                               data={"csrf_token": client.headers["X-CSRF-Token"], "material": "S235JR",
                                     "thickness_mm": "3", "quantities": "10"}).text
        line = re.search(r'<li data-path="rates_eur_per_hour.laser">(.*?)</li>', html, re.S).group(1)
        assert "Uurtarief lasersnijden: 138" in line and "eigen waarde sinds" in line
        line = re.search(r'<li data-path="laser.speed_m_per_min.steel.3">(.*?)</li>', html, re.S).group(1)
        assert "Snijsnelheid staal 3 mm: 4,25 m/min" in line
        # back to the reference with one tick
        form = form_of(client.get("/masterdata?tab=rates").text)
        back = client.post("/masterdata/costs", data=form | {"csrf_token": client.headers["X-CSRF-Token"],
                                                             "reset:rates_eur_per_hour.laser": "on"},
                           follow_redirects=False)
        assert back.status_code == 303
        used = {u["path"]: u for u in calculate(client, dxf)["used"]}
        assert used["rates_eur_per_hour.laser"]["value"] == 115 and not used["rates_eur_per_hour.laser"]["own"]
        assert used["laser.speed_m_per_min.steel.3"]["own"]  # the others stay the shop's own


def test_a_stale_or_impossible_value_is_refused_whole(app):  # noqa: F811
    with TestClient(app) as client:
        login(client, "planner")
        token = client.headers["X-CSRF-Token"]
        old = form_of(client.get("/masterdata?tab=rates").text)
        first = client.post("/masterdata/costs", data=old | {"csrf_token": token, "v:rates_eur_per_hour.welding": "70"},
                            follow_redirects=False)
        assert first.status_code == 303
        stale = client.post("/masterdata/costs", data=old | {"csrf_token": token, "v:rates_eur_per_hour.welding": "72",
                                                             "v:rates_eur_per_hour.laser": "120"})
        assert stale.status_code == 409 and "intussen gewijzigd" in stale.text
        fresh = form_of(client.get("/masterdata?tab=rates").text)
        assert fresh["v:rates_eur_per_hour.welding"] == "70" and fresh["v:rates_eur_per_hour.laser"] == "115"
        wrong = client.post("/masterdata/costs", data=fresh | {"csrf_token": token,
                                                               "v:rates_eur_per_hour.laser": "veel",
                                                               "v:commercial.margin_fraction": "12"})
        assert wrong.status_code == 422 and "Uurtarief lasersnijden: geen getal" in wrong.text
        huge = client.post("/masterdata/costs", data=fresh | {"csrf_token": token, "v:commercial.margin_fraction": "250",
                                                              "v:rates_eur_per_hour.laser": "120"})
        assert huge.status_code == 422 and "tussen 0 en 200" in huge.text
        again = form_of(client.get("/masterdata?tab=rates").text)
        assert again["v:rates_eur_per_hour.laser"] == "115" and again["v:commercial.margin_fraction"] == "10"


def test_a_viewer_and_the_estimator_cannot_change_the_cost_tables(app):  # noqa: F811
    with TestClient(app) as client:
        login(client, "kijker")
        page = client.get("/masterdata?tab=rates").text
        assert 'id="save-costs"' not in page and 'name="v:rates_eur_per_hour.laser" inputmode="decimal" size="7" ' \
            'value="115" disabled' in page
        refused = client.post("/masterdata/costs", data={"csrf_token": client.headers["X-CSRF-Token"],
                                                         "v:rates_eur_per_hour.laser": "1",
                                                         "seen:rates_eur_per_hour.laser": "115"})
        assert refused.status_code == 403
        login(client, "beheer")
        assert form_of(client.get("/masterdata?tab=rates").text)["v:rates_eur_per_hour.laser"] == "115"
