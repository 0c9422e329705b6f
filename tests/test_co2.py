"""CO2: footprints by hand, transport legs with and without the ballast leg, factor files, the PDF report."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from maakbaar.co2 import Factor, FactorError, FactorSet, FootprintLine, Leg, OperationEnergy, order_footprint
from maakbaar.co2.compare import Option, compare, scenario_from_file
from maakbaar.co2.footprint import transport_kg
from maakbaar.documents.co2_report import comparison_pdf
from maakbaar.domain import Machine, OrderLine, WorkCenter
from maakbaar.services import co2_service, shop_io
from tests.factories import material, order, part, small_shop, step

STEEL = Factor("steel", 2.0, "Staal", "test", 2025, "kg CO2e/kg")
GRID = Factor("grid", 0.4, "Net", "test", 2025, "kg CO2e/kWh")
TRUCK = Factor("truck", 0.1, "Truck", "test", 2025, "kg CO2e/tkm")
SHIP = Factor("ship", 0.01, "Schip", "test", 2025, "kg CO2e/tkm")


def test_footprint_of_a_small_order_by_hand():
    # 10 plates of 2.5 kg from sheet used for 80%; laser 30 min at 20 kW, press brake 60 min at 5 kW; 100 km by truck
    line = FootprintLine("1 P1", 10, 2.5, 0.8, STEEL, (OperationEnergy("laser", 30, 20), OperationEnergy("kant", 60, 5)))
    fp = order_footprint([line], GRID, [Leg(TRUCK, 100)], well_to_tank=0.2)
    parts = fp.by_key()
    assert parts["material"] == pytest.approx(25 * 2.0)  # 25 kg of product x 2.0
    assert parts["scrap"] == pytest.approx((25 / 0.8 - 25) * 2.0)  # 6.25 kg of scrap x 2.0 = 12.5
    assert parts["process"] == pytest.approx((10 + 5) * 0.4)  # 10 kWh + 5 kWh
    assert parts["transport"] == pytest.approx(0.025 * 100 * 0.1 * 1.2)
    assert fp.total_kg == pytest.approx(50 + 12.5 + 6 + 0.3)
    assert fp.energy_kwh == pytest.approx(15)
    assert fp.per_kg_product == pytest.approx(68.8 / 25)
    with pytest.raises(ValueError, match="utilisation"):
        order_footprint([FootprintLine("x", 1, 1, 0, STEEL)], GRID)


def test_transport_of_two_legs_with_and_without_the_ballast_leg():
    sea = Leg(SHIP, 20_000, "zee", dedicated=True, ballast=True)
    road = Leg(TRUCK, 150, "weg")
    mass_t = 500
    # laden sea leg 500 t x 20 000 km x 0.01 = 100 000 kg; with the ballast leg at ratio 0.8: x 1.8
    assert transport_kg(mass_t, sea, 0.0, ballast_ratio=0.8) == pytest.approx(180_000)
    assert transport_kg(mass_t, Leg(SHIP, 20_000, dedicated=True), 0.0) == pytest.approx(100_000)
    # a scheduled service never carries a ballast leg of its own
    assert transport_kg(mass_t, Leg(SHIP, 20_000, ballast=True), 0.0) == pytest.approx(100_000)
    assert transport_kg(mass_t, road, 0.0) == pytest.approx(7_500)  # 500 x 150 x 0.1

    factors = FactorSet.default()
    ratio = factors.scalar("ballast_leg_ratio").value
    uplift = factors.scalar("well_to_tank_uplift").value
    common = dict(product_mass_kg=500_000, material=STEEL, scrap_share=0.0, grid=GRID, fabrication_kwh=0)
    local = Option("lokaal", "NL", legs=(), **common)
    far = Option("import", "KR", legs=(sea, road), **common)
    result = compare("t", local, far, factors)
    assert result.alternative.part("transport") == pytest.approx((100_000 * (1 + ratio) + 7_500) * (1 + uplift))
    one_way = compare("t", local, Option("import", "KR", legs=(Leg(SHIP, 20_000, dedicated=True), road),
                                         **common), factors)
    assert one_way.alternative.part("transport") == pytest.approx((100_000 + 7_500) * (1 + uplift))
    assert result.difference_kg - one_way.difference_kg == pytest.approx(100_000 * ratio * (1 + uplift))


def test_tender_value_and_the_highest_winning_local_price():
    factors = FactorSet.default()
    mki = factors.scalar("tender", "mki_eur_per_kg_co2").value
    common = dict(product_mass_kg=10_000, material=STEEL, scrap_share=0.0, grid=GRID, fabrication_kwh=0)
    local = Option("lokaal", "NL", bid_price_eur=110_000, ladder_level=3, **common)
    far = Option("import", "CN", legs=(Leg(SHIP, 20_000),), bid_price_eur=100_000, **common)
    result = compare("t", local, far, factors)
    uplift = factors.scalar("well_to_tank_uplift").value
    transport = 10 * 20_000 * 0.01 * (1 + uplift)
    assert result.difference_kg == pytest.approx(transport)
    assert result.mki_value_eur == pytest.approx(transport * mki)
    assert result.local_discount == pytest.approx(0.04)
    # local wins while P x 0.96 + 20 000 x mki <= 100 000 + (20 000 + transport) x mki
    expected = (100_000 + (20_000 + transport) * mki - 20_000 * mki) / 0.96
    assert result.max_local_price_eur == pytest.approx(expected)


def test_changing_the_factor_file_changes_the_result_and_the_report_names_it(tmp_path):
    scenario = "src/maakbaar/data/scenarios/sluisdeuren-ijmuiden.json"
    from importlib import resources

    scenario = str(resources.files("maakbaar.data").joinpath("scenarios/sluisdeuren-ijmuiden.json"))
    default = scenario_from_file(scenario, FactorSet.default())
    data = json.loads(resources.files("maakbaar.data").joinpath("co2_factors.json").read_text())
    data["name"] = "Werkplaats Jansen 2026"
    data["transport_kg_co2_per_tkm"]["sea_general_cargo"] = {
        "value": 0.0264, "label": "Heavy-lift, eigen meting", "source": "Rederij X brandstofopgave", "year": 2026}
    own = tmp_path / "co2_factors.json"
    own.write_text(json.dumps(data))
    changed = scenario_from_file(scenario, FactorSet.from_file(own))
    assert changed.alternative.part("transport") > 1.9 * default.alternative.part("transport")
    assert changed.local.total_kg == pytest.approx(default.local.total_kg)
    text = _pdf_text(comparison_pdf(changed, "nl"))
    assert "Werkplaats Jansen 2026" in text and str(own) in text.replace("\n", "")
    assert "Rederij X brandstofopgave" in text
    with pytest.raises(FactorError, match="not in grid_kg_co2_per_kwh"):
        FactorSet.from_file(own).grid("XX-1999")
    (tmp_path / "broken.json").write_text("{ not json")
    with pytest.raises(FactorError, match="not a readable factor file"):
        FactorSet.from_file(tmp_path / "broken.json")


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_lock_doors_report_holds_the_key_numbers_in_both_languages():
    from importlib import resources

    path = resources.files("maakbaar.data").joinpath("scenarios/sluisdeuren-ijmuiden.json")
    result = scenario_from_file(str(path), FactorSet.default())
    # steel: 8 850 t x 2.3 = 20 355 t; by tonne-km factors the sea leg is in the range the reference gives
    assert result.local.part("material") == pytest.approx(8_850_000 * 2.3)
    one_way = 8_850 * 26_000 * 0.0132
    assert 2_700_000 <= one_way <= 3_650_000
    for language, words, others in (
            ("nl", ("Verschil", "Hoogste lokale prijs", "Aannames", "Transport: tonkilometers"), ("Assumptions",)),
            ("en", ("Difference", "Highest local price", "Assumptions", "Transport: tonne-kilometres"), ("Aannames",)),
            ("de", ("CO2-Vergleich", "Differenz", "Höchster lokaler Preis", "Annahmen", "Werkstoff",
                    "Transport: Tonnenkilometer", "Verschnitt 8 %", "Angebotspreis"),
             ("Aannames", "Assumptions", "Verschil", "verschnitt", "angebotspreis"))):
        data = comparison_pdf(result, language)
        assert data[:5] == b"%PDF-"
        reader = PdfReader(io.BytesIO(data))
        assert 1 <= len(reader.pages) <= 2
        text = _pdf_text(data)
        for word in words:
            assert word in text, (language, word)
        assert not any(word in text for word in others), language
        # tonnes and euros as the language writes them, worked out here by hand
        local_t, import_t = result.local.total_kg / 1000, result.alternative.total_kg / 1000
        if language == "en":
            assert f"{local_t:,.1f}" in text and f"{import_t:,.1f}" in text
            assert "€" + f"{result.max_local_price_eur:,.0f}" in text.replace("EUR", "€")
        else:
            dutch = f"{local_t:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")
            assert dutch in text and f"{import_t:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".") in text
            whole = f"{result.max_local_price_eur:,.0f}".replace(",", ".")
            assert (f"EUR {whole}" if language == "nl" else f"{whole} EUR") in " ".join(text.split())
        assert "ProRail" in text and "DEFRA" in text


def test_order_footprint_from_the_database_by_hand(session):
    # one line: 4 plates 500 x 200 x 10 mm of steel (7850 kg/m3, 1.92 kg CO2/kg), no nest: utilisation 0.75;
    # laser: 12 min setup + 3 min per piece = 24 min at 22 kW
    plate = part(number="P1", thickness_mm=10, length_mm=500, width_mm=200, net_area_mm2=100_000,
                 routing=(step(setup_min=12, run_min_per_piece=3),))
    shop = small_shop(parts=(plate,), orders=(order(lines=(OrderLine(line_no=1, part="P1", quantity=4),)),),
                      materials=(material(co2_per_kg=1.92, co2_source="leverancier"),),
                      machines=(Machine(code="LAS01", name="Laser", work_center="LASER", hourly_rate=110,
                                        power_kw=22, calendar="DAG"),),
                      work_centers=(WorkCenter(code="LASER", name="Laser", type="laser"),))
    shop_io.store_shop(session, shop)
    result = co2_service.footprint_of_order(session, "ORD-1", grid="NL-2024", distance_km=50, mode="road_truck")
    parts = result.footprint.by_key()
    mass = 4 * 100_000 * 10 * 1e-9 * 7850  # 31.4 kg
    assert result.footprint.product_mass_kg == pytest.approx(mass)
    assert parts["material"] == pytest.approx(mass * 1.92)
    assert parts["scrap"] == pytest.approx(mass * (1 / 0.75 - 1) * 1.92)
    assert parts["process"] == pytest.approx(24 / 60 * 22 * 0.328)
    uplift = FactorSet.default().scalar("well_to_tank_uplift").value
    assert parts["transport"] == pytest.approx(mass / 1000 * 50 * 0.108 * (1 + uplift))
    assert result.utilisation_source == {1: "default"}
    green = co2_service.footprint_of_order(session, "ORD-1", grid="NL-GREEN-GO", distance_km=0)
    assert green.footprint.by_key()["process"] == 0 and "transport" not in green.footprint.by_key()
    with pytest.raises(LookupError, match="ORD-9"):
        co2_service.footprint_of_order(session, "ORD-9")
