"""Quoting: a breakdown that adds up, setup spread over the quantity, limits that say what is wrong."""

from __future__ import annotations

import json
import math

import pytest

from maakbaar.costing.model import CostError, CostTables, MachineLimits, MaterialInput, PartInput, quote_part
from tests.conftest import DEMO_START

STEEL = MaterialInput("S235JR", "steel", 7850, 1.30, 1.92)
LASER = MachineLimits(3000, 1500, {"steel": 25, "stainless": 20, "aluminium": 15})
BRAKES = [MachineLimits(bend_length_mm=3100, max_thickness_mm={"steel": 12}),
          MachineLimits(bend_length_mm=1250, max_thickness_mm={"steel": 5})]


def plate(**over) -> PartInput:
    values = dict(name="plaat", material=STEEL, thickness_mm=3, cut_length_mm=300 + 4 * math.pi * 10, pierces=5,
                  net_area_mm2=5000 - 4 * math.pi * 25, length_mm=100, width_mm=50, rapid_mm=120, bends=2,
                  bend_length_mm=100)
    return PartInput(**(values | over))


def test_breakdown_adds_up_and_setup_falls_with_quantity():
    quote = quote_part(plate(), [1, 10, 50, 250], laser=LASER, brakes=BRAKES)
    assert [b.quantity for b in quote.breaks] == [1, 10, 50, 250]
    for b in quote.breaks:
        assert sum(line.amount for line in b.lines) == pytest.approx(b.unit_price, abs=0.006)
        assert b.total_price == pytest.approx(b.unit_price * b.quantity, abs=0.01 * b.quantity)
    setups = [b.setup_per_piece for b in quote.breaks]
    assert setups == sorted(setups, reverse=True) and setups[0] > 10 * setups[-1]
    prices = [b.unit_price for b in quote.breaks]
    assert prices == sorted(prices, reverse=True)
    # material does not depend on the quantity
    assert len({round(b.amount("material"), 6) for b in quote.breaks}) == 1


def test_laser_time_and_material_by_hand():
    tables = CostTables.default()
    quote = quote_part(plate(), [10], tables, LASER, BRAKES)
    speed = tables.data["laser"]["speed_m_per_min"]["steel"]["3"]  # m/min at exactly 3 mm
    pierce = 0.5 + 0.3 * 3  # seconds
    expected = ((300 + 4 * math.pi * 10) / 1000 / speed + 5 * pierce / 60 + 120 / 1000 / 100 + 6 / 60)
    assert quote.minutes_per_piece["laser"] == pytest.approx(expected, rel=1e-12)
    mass = (5000 - 4 * math.pi * 25) * 3 * 1e-9 * 7850
    assert quote.mass_kg == pytest.approx(mass)
    material = quote.breaks[0].amount("material")
    assert material == pytest.approx(mass / 0.75 * 1.30)
    bending = (2 * 30 + 10 + 4 * mass) / 60
    assert quote.minutes_per_piece["bending"] == pytest.approx(bending)
    energy = expected / 60 * 22 + bending / 60 * 3.5 + quote.minutes_per_piece["deburring"] / 60 * 7.5
    assert quote.energy_kwh == pytest.approx(energy)
    assert quote.co2_process_kg == pytest.approx(energy * 0.328)
    assert quote.co2_material_kg == pytest.approx(mass / 0.75 * 1.92)


def test_interpolated_speed_between_table_rows():
    tables = CostTables.default()
    table = tables.data["laser"]["speed_m_per_min"]["steel"]
    assert tables.laser_speed("steel", 7) == pytest.approx((table["6"] + table["8"]) / 2)


def test_finishing_minimum_charge_spread_over_the_batch():
    quote = quote_part(plate(finish="powder"), [1, 100], laser=LASER, brakes=BRAKES)
    coated = 2 * plate().net_area_mm2 / 1e6
    assert quote.breaks[0].amount("finishing") == pytest.approx(45)  # the minimum charge
    assert quote.breaks[1].amount("finishing") == pytest.approx(max(45, 25 * coated * 100) / 100)
    assert quote.breaks[0].lead_time_days > quote_part(plate(), [1]).breaks[0].lead_time_days


def test_too_thick_for_the_laser_says_so():
    with pytest.raises(CostError, match=r"30 mm S235JR is beyond the laser's capability \(25 mm for steel\)"):
        quote_part(plate(thickness_mm=30), [1], laser=LASER)


def test_larger_than_the_largest_sheet_says_so():
    with pytest.raises(CostError, match="3200 x 800 mm is larger than the largest sheet 3000 x 1500 mm"):
        quote_part(plate(length_mm=3200, width_mm=800), [1], laser=LASER)


def test_bend_longer_than_any_press_brake():
    with pytest.raises(CostError, match="longer than the longest press brake"):
        quote_part(plate(bends=1, bend_length_mm=3500, length_mm=2900, width_mm=1400), [1], laser=LASER,
                   brakes=BRAKES)


def test_bad_quantities_and_finish():
    with pytest.raises(CostError, match="above zero"):
        quote_part(plate(), [0, 10])
    with pytest.raises(CostError, match="unknown finish 'gold'"):
        quote_part(plate(finish="gold"), [1])


def test_a_changed_table_changes_the_price(tmp_path):
    data = json.loads(json.dumps(CostTables.default().data))
    data["rates_eur_per_hour"]["laser"] = 230  # double the laser rate
    path = tmp_path / "costing.json"
    path.write_text(json.dumps(data))
    base = quote_part(plate(), [10])
    changed = quote_part(plate(), [10], CostTables.from_file(path))
    assert changed.breaks[0].amount("laser") == pytest.approx(2 * base.breaks[0].amount("laser"))
    assert changed.tables == str(path)


def test_tables_carry_source_and_year():
    data = CostTables.default().data
    for section in ("laser", "bending", "welding", "finishing", "commercial", "energy"):
        for key, entry in data[section].items():
            if isinstance(entry, dict):
                assert entry.get("source") and entry.get("year"), f"{section}.{key}"
    assert data["status"] == "indicative"


def test_saved_quote_becomes_an_order(databases, demo_shop, tmp_path):
    import datetime as dt

    import ezdxf

    from maakbaar.services import quoting, shop_io
    from maakbaar.store.db import unit_of_work
    from maakbaar.store.repositories import Repositories

    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 4
    doc.modelspace().add_lwpolyline([(0, 0), (200, 0), (200, 80), (0, 80)], close=True)
    doc.saveas(tmp_path / "strip.dxf")
    engine = databases.migrated()
    with unit_of_work(engine) as session:
        shop_io.store_shop(session, demo_shop)
    with unit_of_work(engine) as session:
        run = quoting.quote_files(session, [tmp_path / "strip.dxf"], "S235JR", 2, [1, 10, 50], finish="powder")
        quote = quoting.save_quote(session, run, "K1001", today=DEMO_START)
    with unit_of_work(engine) as session:
        order = quoting.order_from_quote(session, quote.number, {1: 20}, today=DEMO_START)
    with unit_of_work(engine) as session:
        repos = Repositories(session)
        stored = repos.orders.get(order.number)
        part = repos.parts.get(stored.lines[0].part)
        assert stored.lines[0].quantity == 20
        assert stored.lines[0].unit_price == run.parts[0].quote.breaks[1].unit_price  # the 10-piece price
        assert [s.work_center_type.value for s in part.routing] == ["laser", "deburring", "subcontract"]
        assert part.cut_length_mm == pytest.approx(560)
        assert repos.quotes.get(quote.number).status.value == "accepted"
        assert stored.due_date > DEMO_START


def test_lead_time_from_todays_load(databases, demo_shop, tmp_path):
    import datetime as dt

    import ezdxf

    from maakbaar.services import planning_service, quoting, shop_io
    from maakbaar.store.db import unit_of_work

    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 4
    doc.modelspace().add_lwpolyline([(0, 0), (300, 0), (300, 120), (0, 120)], close=True)
    doc.saveas(tmp_path / "strip.dxf")
    engine = databases.migrated()
    origin = dt.datetime.combine(DEMO_START, dt.time(6, 0))
    with unit_of_work(engine) as session:
        shop_io.store_shop(session, demo_shop)
        planning_service.plan_shop(session, origin, time_limit=0.5)
    with unit_of_work(engine) as session:
        run = quoting.quote_files(session, [tmp_path / "strip.dxf"], "S235JR", 3, [1, 2000, 6000], finish="powder")
        planned = quoting.apply_plan_lead_times(session, run, today=origin)
    small, large, huge = (b.lead_time_days for b in planned.parts[0].quote.breaks)
    print("lead times", small, large, huge)
    assert small >= 5  # powder coating alone takes five working days
    # never promised sooner for more pieces: a smaller quantity fits in the larger one's slots
    assert huge >= large >= small
    # 6000 pieces need days of laser time: the plan gives them a later date than one piece
    assert huge > small
    assert planned.parts[0].quote.breaks[0].unit_price == run.parts[0].quote.breaks[0].unit_price
