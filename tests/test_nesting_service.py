"""Nesting the open orders from the database: stock out, remnants back in and used first; nothing nested twice."""

from __future__ import annotations

import pytest

from tests.factories import material, order, part, small_shop
from maakbaar.i18n import say
from maakbaar.domain import OrderLine, StockItem
from maakbaar.nesting.checker import check_layout
from maakbaar.services import nesting_service, shop_io
from maakbaar.store.repositories import Repositories


def _shop(stock, orders, parts=None):
    return small_shop(stock=tuple(stock), orders=tuple(orders),
                      parts=tuple(parts or (part(number="P1", length_mm=1000, width_mm=700, net_area_mm2=700_000),
                                            part(number="P2", length_mm=300, width_mm=200, net_area_mm2=60_000))),
                      materials=(material(),))


SHEET = StockItem(code="PL-3000", material="S235JR", thickness_mm=3, length_mm=3000, width_mm=1500, quantity=2)


def test_nest_takes_sheets_out_of_stock_and_returns_the_remnant(session):
    shop_io.store_shop(session, _shop([SHEET], [order(lines=(OrderLine(line_no=1, part="P1", quantity=2),))]))
    run = nesting_service.nest_open_orders(session, "S235JR", 3.0, time_limit=2)
    assert len(run.nest_ids) == 1 and not run.unplaced
    row = nesting_service.nest_row(session, run.nest_ids[0])
    assert [(s.stock_code, s.part_count) for s in row.sheets] == [("PL-3000", 2)]
    sheet = row.sheets[0]
    assert sheet.cost == pytest.approx(3000 * 1500 * 3 * 1e-9 * 7850 * 1.3, abs=0.01)
    # the drawn layout is valid, and the offcut is the sheet beyond the cut
    layout, parts, spec, cut = nesting_service.layout_of(row, 0)
    assert not check_layout(layout, parts, {spec.code: spec}, row.spacing_mm, row.margin_mm)
    assert sheet.offcut is not None and cut == (sheet.offcut["axis"], sheet.offcut["cut_at"])
    stock = {s.code: s for s in Repositories(session).stock.list()}
    assert stock["PL-3000"].quantity == 1
    remnant = stock[sheet.offcut["code"]]
    assert remnant.kind.value == "remnant" and remnant.quantity == 1
    along = 3000 if sheet.offcut["axis"] == "x" else 1500
    across = 1500 if sheet.offcut["axis"] == "x" else 3000
    expected = sorted((round(along - sheet.offcut["cut_at"], 1), across), reverse=True)
    assert [remnant.length_mm, remnant.width_mm] == expected
    assert remnant.price_per_sheet == pytest.approx(sheet.cost * remnant.length_mm * remnant.width_mm / 4.5e6,
                                                    abs=0.02)
    [line] = row.lines
    assert (line.order_number, line.line_no, line.quantity) == ("ORD-1", 1, 2)
    assert line.material_cost == pytest.approx(sheet.cost - remnant.price_per_sheet, abs=0.05)

    # the next job goes on the remnant first, and the lines already nested are not nested again
    repos = Repositories(session)
    repos.orders.add(order(number="ORD-2", lines=(OrderLine(line_no=1, part="P2", quantity=3),)))
    run2 = nesting_service.nest_open_orders(session, "S235JR", 3.0, time_limit=2)
    row2 = nesting_service.nest_row(session, run2.nest_ids[0])
    assert [s.stock_code for s in row2.sheets] == [remnant.code]
    assert [(ln.order_number, ln.quantity) for ln in row2.lines] == [("ORD-2", 3)]
    assert repos.stock.get(remnant.code).quantity == 0
    with pytest.raises(nesting_service.NestingServiceError, match="no open order lines"):
        nesting_service.nest_open_orders(session, "S235JR", 3.0, time_limit=1)


def test_nest_says_what_to_order_when_stock_runs_out(session):
    small = StockItem(code="PL-1", material="S235JR", thickness_mm=3, length_mm=3000, width_mm=1500, quantity=1)
    shop_io.store_shop(session, _shop([small], [order(lines=(OrderLine(line_no=1, part="P1", quantity=9),))]))
    run = nesting_service.nest_open_orders(session, "S235JR", 3.0, time_limit=3)
    row = nesting_service.nest_row(session, run.nest_ids[0])
    assert sum(s.part_count for s in row.sheets) == 9 and not run.unplaced
    bought = [s for s in row.sheets if s.stock_code.startswith(nesting_service.BUY_PREFIX)]
    plural = "sheet" if len(bought) == 1 else "sheets"
    assert bought and any(f"order {len(bought)} {plural} of 3000x1500 mm" in str(n) for n in run.notes)
    assert any(f"bestel {len(bought)} plaat" in say(n, "nl") for n in run.notes)
    assert Repositories(session).stock.get("PL-1").quantity == 0


def test_parts_without_a_blank_are_named_and_the_rest_nested(session):
    parts = (part(number="P1", length_mm=1000, width_mm=700, net_area_mm2=700_000),
             part(number="P0", length_mm=0, width_mm=0, net_area_mm2=0))
    lines = (OrderLine(line_no=1, part="P1", quantity=1), OrderLine(line_no=2, part="P0", quantity=1))
    shop_io.store_shop(session, _shop([SHEET], [order(lines=lines)], parts))
    run = nesting_service.nest_open_orders(session, "S235JR", 3.0, time_limit=2)
    assert [(name, str(why)) for name, why in run.unplaced] == [("ORD-1/2", "part P0 has no flat blank size or readable DXF")]
    assert nesting_service.nest_row(session, run.nest_ids[0]).sheets[0].part_count == 1
