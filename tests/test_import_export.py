"""Import and export: whole shop as JSON; orders, parts, routings and stock from CSV and Excel.

A refused import names the row and reason and leaves every table exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from maakbaar.services import shop_io, tabular
from maakbaar.services.errors import ImportProblem, NotEmptyError
from maakbaar.store.db import unit_of_work
from maakbaar.store.repositories import Repositories
from maakbaar.store.tables import Base
from tests import factories as f

TODAY = dt.date(2026, 11, 30)


def row_counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {t.name: connection.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


@pytest.fixture
def shop_engine(databases):
    """A migrated database holding the small test shop, committed."""
    engine = databases.migrated()
    with unit_of_work(engine) as session:
        shop_io.store_shop(session, f.small_shop())
    return engine


def write_csv(path, lines: list[str]):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_json_round_trip_through_a_file(databases, demo_shop, tmp_path):
    source, target = databases.migrated(), databases.migrated()
    with unit_of_work(source) as session:
        shop_io.store_shop(session, demo_shop)
    with unit_of_work(source) as session:
        shop_io.export_json(session, tmp_path / "shop.json")
    with unit_of_work(target) as session:
        counts = shop_io.import_json(session, tmp_path / "shop.json")
    assert counts["orders"] == len(demo_shop.orders)
    with unit_of_work(target) as session:
        shop_io.export_json(session, tmp_path / "again.json")
    assert (tmp_path / "shop.json").read_text() == (tmp_path / "again.json").read_text()
    document = json.loads((tmp_path / "shop.json").read_text())
    assert document["format"] == "maakbaar-shop" and document["version"] == 1


def test_failed_json_import_leaves_database_unchanged(shop_engine, demo_shop, tmp_path):
    document = shop_io.shop_to_document(demo_shop)
    document["shop"]["parts"][3]["material"] = "UNOBTAINIUM"
    document["shop"]["orders"][0]["lines"][0]["quantity"] = -2
    (tmp_path / "bad.json").write_text(json.dumps(document))
    before = row_counts(shop_engine)
    with pytest.raises(ImportProblem) as error:
        with unit_of_work(shop_engine) as session:
            shop_io.import_json(session, tmp_path / "bad.json", replace=True)
    text = str(error.value)
    assert "unknown material 'UNOBTAINIUM'" in text or "shop.orders.0.lines.0.quantity" in text
    assert "shop.orders.0.lines.0.quantity: Input should be greater than 0" in text
    assert row_counts(shop_engine) == before


def test_replace_that_fails_while_storing_rolls_back_the_delete(shop_engine, demo_shop, tmp_path, monkeypatch):
    """Even a failure after the old shop was deleted restores it: the whole import is one transaction."""
    (tmp_path / "shop.json").write_text(json.dumps(shop_io.shop_to_document(demo_shop)))
    before = row_counts(shop_engine)
    from maakbaar.store import repositories

    original_add = repositories.OrderRepository.add

    def crash(self, item):
        if item.number == demo_shop.orders[10].number:
            raise RuntimeError("disk full")
        return original_add(self, item)

    monkeypatch.setattr(repositories.OrderRepository, "add", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        with unit_of_work(shop_engine) as session:
            shop_io.import_json(session, tmp_path / "shop.json", replace=True)
    assert row_counts(shop_engine) == before


def test_json_import_into_non_empty_database_is_refused(shop_engine, tmp_path):
    (tmp_path / "shop.json").write_text(json.dumps(shop_io.shop_to_document(f.small_shop())))
    with pytest.raises(NotEmptyError):
        with unit_of_work(shop_engine) as session:
            shop_io.import_json(session, tmp_path / "shop.json")


@pytest.mark.parametrize("content, message", [
    ("{not json", "line 1, column 2: not valid JSON"),
    ('{"format": "something-else"}', "not a maakbaar shop file"),
    ('{"format": "maakbaar-shop", "version": 99, "shop": {}}', "version 99 is not supported"),
])
def test_bad_json_files_are_explained(tmp_path, content, message):
    (tmp_path / "x.json").write_text(content)
    with pytest.raises(ImportProblem, match=message):
        shop_io.parse_shop_document(content, "x.json")


def test_csv_orders_import(shop_engine, tmp_path):
    path = write_csv(tmp_path / "orders.csv", [
        "order;customer;due_date;release_date;priority;status;line_no;part;quantity;unit_price",
        "ORD-100;K1;15-12-2026;01-12-2026;4;released;1;P1;25;12,50",
        "ORD-100;K1;15-12-2026;01-12-2026;4;released;2;P1;5;13,75",
        "ORD-101;K1;2026-12-20;;;;1;P1;1;",
    ])
    with unit_of_work(shop_engine) as session:
        counts = tabular.import_file(session, path, today=TODAY)
    assert counts["orders"] == 2 and counts["work_orders"] == 2
    with unit_of_work(shop_engine) as session:
        repos = Repositories(session)
        order = repos.orders.get("ORD-100")
        assert order.due_date == dt.date(2026, 12, 15) and order.priority == 4
        assert [(line.quantity, line.unit_price) for line in order.lines] == [(25, 12.5), (5, 13.75)]
        assert [wo.quantity for wo in repos.work_orders.for_order("ORD-100")] == [25, 5]
        assert repos.orders.get("ORD-101").status.value == "ordered"


def test_csv_with_bad_rows_names_each_and_stores_nothing(shop_engine, tmp_path):
    path = write_csv(tmp_path / "orders.csv", [
        "order,customer,due_date,release_date,part,quantity",
        "ORD-200,K1,2026-12-15,2026-12-01,P1,10",
        "ORD-201,K1,2026-12-15,2026-12-01,P1,-4",
        "ORD-202,K77,2026-12-15,2026-12-01,P1,3",
        "ORD-203,K1,2026-12-01,2026-12-15,P1,3",
        "ORD-204,K1,2026-12-15,2026-12-01,P404,3",
        "ORD-205,K1,morgen,2026-12-01,P1,3",
        "ORD-1,K1,2026-12-15,2026-12-01,P1,3",
    ])
    before = row_counts(shop_engine)
    with pytest.raises(ImportProblem) as error:
        with unit_of_work(shop_engine) as session:
            tabular.import_file(session, path, today=TODAY)
    problems = error.value.english()
    assert "orders row 3: quantity: Input should be greater than 0" in problems
    assert "orders row 4: customer: unknown customer 'K77'" in problems
    assert "orders row 5: due_date: 1 Dec 2026 is before release_date 15 Dec 2026" in problems
    assert "orders row 6: part: unknown part 'P404'" in problems
    assert "orders row 7: due_date: 'morgen' is not a date (use YYYY-MM-DD or DD-MM-YYYY)" in problems
    assert "orders row 8: order 'ORD-1' already exists" in problems
    assert len(problems) == 6
    assert row_counts(shop_engine) == before


def test_csv_parts_routings_and_stock(shop_engine, tmp_path):
    parts = write_csv(tmp_path / "parts.csv", [
        "number,name,material,thickness_mm,length_mm,width_mm,bends,customer",
        "P2,Kap,S235JR,2,400,300,2,K1",
        "P1,Beugel herzien,S235JR,4,100,50,1,",
    ])
    routings = write_csv(tmp_path / "routings.csv", [
        "part;sequence;work_center_type;eligible_machines;setup_min;run_min_per_piece;unattended",
        "P2;10;laser;LAS01;12;0,8;ja",
        "P2;20;subcontract;;;;nee",
    ])
    stock = write_csv(tmp_path / "voorraad.csv", [
        "code,material,thickness_mm,length_mm,width_mm,quantity,heat_number,location",
        "S-1,S235JR,2,1500,3000,12,H123,Rek A1",
    ])
    with unit_of_work(shop_engine) as session:
        assert tabular.import_file(session, parts)["parts"] == 2
    with pytest.raises(ImportProblem, match="routings row 3: step 20: a subcontracted step needs subcontract_lead_days"):
        with unit_of_work(shop_engine) as session:
            tabular.import_file(session, routings)
    routings.write_text(routings.read_text().replace("P2;20;subcontract;;;;nee", "P2;20;subcontract;;;;nee") .replace(
        "run_min_per_piece;unattended", "run_min_per_piece;unattended;subcontract_lead_days").replace(
        "0,8;ja", "0,8;ja;").replace(";;;;nee", ";;;;nee;5"))
    with unit_of_work(shop_engine) as session:
        assert tabular.import_file(session, routings)["routings"] == 1
        assert tabular.import_file(session, stock)["stock"] == 1
    with unit_of_work(shop_engine) as session:
        repos = Repositories(session)
        p2 = repos.parts.get("P2")
        assert [s.work_center_type.value for s in p2.routing] == ["laser", "subcontract"]
        assert p2.routing[0].run_min_per_piece == 0.8 and p2.routing[0].unattended
        assert p2.routing[1].subcontract_lead_days == 5
        p1 = repos.parts.get("P1")
        assert p1.name == "Beugel herzien" and p1.thickness_mm == 4
        assert p1.routing == f.small_shop().parts[0].routing  # updating a part keeps its routing
        sheet = repos.stock.get("S-1")
        assert (sheet.length_mm, sheet.width_mm, sheet.quantity) == (3000, 1500, 12)


def test_routing_on_wrong_machine_type_is_refused(shop_engine, tmp_path):
    path = write_csv(tmp_path / "routings.csv", [
        "part,sequence,work_center_type,eligible_machines",
        "P1,10,press_brake,LAS01",
        "P1,20,welding,MIG77",
    ])
    with pytest.raises(ImportProblem) as error:
        with unit_of_work(shop_engine) as session:
            tabular.import_file(session, path)
    assert error.value.english() == [
        "routings row 2: eligible_machines: machine 'LAS01' belongs to Laser cutting, not to Press brake",
        "routings row 3: eligible_machines: unknown machine 'MIG77'",
    ]


def test_csv_header_problems(tmp_path, shop_engine):
    path = write_csv(tmp_path / "orders.csv", ["order,klant,part,quantity", "A,K1,P1,1"])
    with pytest.raises(ImportProblem) as error:
        with unit_of_work(shop_engine) as session:
            tabular.import_file(session, path)
    assert "orders row 1: columns customer, due_date are missing" in error.value.english()
    assert any("unknown column klant" in p for p in error.value.english())
    unknown = write_csv(tmp_path / "stuff.csv", ["a,b", "1,2"])
    with pytest.raises(ImportProblem, match="cannot tell what this file holds"):
        with unit_of_work(shop_engine) as session:
            tabular.import_file(session, unknown)


def _workbook(path, sheets: dict[str, list[list]]):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_excel_workbook_with_parts_routings_and_orders(shop_engine, tmp_path):
    path = _workbook(tmp_path / "werk.xlsx", {
        "parts": [["number", "name", "material", "thickness_mm"], ["P3", "Plaat", "S235JR", 5]],
        "routings": [["part", "sequence", "work_center_type", "eligible_machines", "setup_min", "run_min_per_piece"],
                     ["P3", 10, "laser", "LAS01", 10, 2.5]],
        "orders": [["order", "customer", "due_date", "part", "quantity", "status"],
                   ["ORD-300", "K1", dt.datetime(2026, 12, 18), "P3", 40, "released"]],
    })
    with unit_of_work(shop_engine) as session:
        counts = tabular.import_file(session, path, today=TODAY)
    assert counts == {"parts": 1, "routings": 1, "stock": 0, "orders": 1, "work_orders": 1, "parts_updated": 0,
                      "stock_updated": 0}
    with unit_of_work(shop_engine) as session:
        work_orders = Repositories(session).work_orders.for_order("ORD-300")
        assert work_orders[0].operations[0].run_min_per_piece == 2.5


def test_excel_bad_row_refuses_whole_workbook(shop_engine, tmp_path):
    path = _workbook(tmp_path / "werk.xlsx", {
        "parts": [["number", "name", "material", "thickness_mm"], ["P4", "Plaat", "S235JR", 5]],
        "orders": [["order", "customer", "due_date", "part", "quantity"],
                   ["ORD-400", "K1", dt.datetime(2026, 12, 18), "P4", 2],
                   ["ORD-401", "K1", dt.datetime(2026, 12, 18), "P4", "tien"]],
    })
    before = row_counts(shop_engine)
    with pytest.raises(ImportProblem) as error:
        with unit_of_work(shop_engine) as session:
            tabular.import_file(session, path, today=TODAY)
    assert error.value.english() == ["orders row 3: quantity: 'tien' is not a number"]
    assert row_counts(shop_engine) == before


def test_not_an_excel_file(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("hello")
    with pytest.raises(ImportProblem, match="not a readable Excel workbook"):
        tabular.read_workbook(path)


def test_excel_export_reimports_into_a_fresh_shop(databases, demo_shop, tmp_path):
    source = databases.migrated()
    with unit_of_work(source) as session:
        shop_io.store_shop(session, demo_shop)
        tabular.export_xlsx(session, tmp_path / "shop.xlsx")
    # a fresh shop with the same master data but no parts, orders or stock
    target = databases.migrated()
    master = demo_shop.model_copy(update={"parts": (), "orders": (), "work_orders": (), "stock": (), "quotes": ()})
    with unit_of_work(target) as session:
        shop_io.store_shop(session, master)
    with unit_of_work(target) as session:
        counts = tabular.import_file(session, tmp_path / "shop.xlsx", today=TODAY)
    assert counts["parts"] == len(demo_shop.parts)
    assert counts["orders"] == len(demo_shop.orders)
    assert counts["stock"] == len(demo_shop.stock)
    with unit_of_work(target) as session:
        repos = Repositories(session)
        for part in demo_shop.parts[:10]:
            assert repos.parts.get(part.number) == part
        for item in demo_shop.stock:
            assert repos.stock.get(item.code) == item
