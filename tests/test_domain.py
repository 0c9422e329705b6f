"""Domain validation: each invalid case gives a clear error naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from maakbaar.i18n import say
from maakbaar.domain import (
    Break,
    Closure,
    Holiday,
    Machine,
    Operator,
    OrderLine,
    Quote,
    QuoteLine,
    QuantityBreak,
    Shift,
    Skill,
    StockItem,
    WorkOrder,
    WorkOrderOperation,
    validation_reasons,
)
from tests import factories as f

T = dt.time


def messages(error: ValidationError) -> str:
    return "\n".join(say(r, "en") for r in validation_reasons(error.value if hasattr(error, "value") else error))


def test_valid_small_shop_passes():
    shop = f.small_shop()
    assert shop.parts[0].routing[0].eligible_machines == ("LAS01",)


def test_negative_quantity_names_the_field():
    with pytest.raises(ValidationError) as error:
        OrderLine(line_no=1, part="P1", quantity=-5)
    text = messages(error)
    assert text.startswith("quantity:")
    assert "greater than 0" in text


def test_zero_quantity_is_refused_too():
    with pytest.raises(ValidationError, match="quantity"):
        OrderLine(line_no=1, part="P1", quantity=0)


def test_due_date_before_release_date():
    with pytest.raises(ValidationError) as error:
        f.order(release_date=dt.date(2026, 11, 10), due_date=dt.date(2026, 11, 5))
    text = messages(error)
    assert "due_date: 5 Nov 2026 is before release_date 10 Nov 2026" in text


def test_line_due_date_before_release_date():
    with pytest.raises(ValidationError, match=r"lines\[1\].due_date"):
        f.order(lines=(OrderLine(line_no=1, part="P1", quantity=1, due_date=dt.date(2026, 11, 1)),))


def test_unknown_material_in_shop():
    with pytest.raises(ValidationError) as error:
        f.small_shop(parts=(f.part(material="S999"),))
    assert "parts[P1].material: unknown material 'S999'" in messages(error)


def test_unknown_material_in_stock():
    item = StockItem(code="X", material="ALU9", thickness_mm=2, length_mm=100, width_mm=50, quantity=1)
    with pytest.raises(ValidationError, match=r"stock\[X\].material: unknown material 'ALU9'"):
        f.small_shop(stock=(item,))


def test_routing_step_without_eligible_machine():
    with pytest.raises(ValidationError) as error:
        f.step(eligible_machines=())
    assert "eligible_machines: step 10 (Laser cutting) has no eligible machine" in messages(error)


def test_routing_step_with_unknown_machine_in_shop():
    with pytest.raises(ValidationError, match=r"parts\[P1\].routing\[10\].eligible_machines: unknown machine 'LAS99'"):
        f.small_shop(parts=(f.part(routing=(f.step(eligible_machines=("LAS99",)),)),))


def test_routing_step_on_machine_of_wrong_type():
    with pytest.raises(ValidationError, match="machine 'LAS01' belongs to Laser cutting, not to Press brake"):
        f.small_shop(parts=(f.part(routing=(f.step(work_center_type="press_brake"),)),))


def test_subcontract_needs_lead_time_not_machines():
    with pytest.raises(ValidationError, match="subcontract_lead_days"):
        f.step(work_center_type="subcontract", eligible_machines=())
    ok = f.step(work_center_type="subcontract", eligible_machines=(), subcontract_lead_days=5)
    assert ok.is_subcontracted


def test_routing_sequence_must_increase():
    with pytest.raises(ValidationError, match="sequence 10 does not follow 20"):
        f.part(routing=(f.step(sequence=20), f.step(sequence=10)))


def test_calendar_with_overlapping_shifts():
    shifts = (Shift(weekday=0, start=T(6), end=T(14, 30)), Shift(weekday=0, start=T(14), end=T(22)))
    with pytest.raises(ValidationError) as error:
        f.calendar(shifts=shifts)
    text = messages(error)
    assert text.startswith("shifts:")
    assert "shifts[0] (Monday 06:00-14:30) overlaps shifts[1] (Monday 14:00-22:00)" in text


def test_night_shift_overlapping_next_morning():
    shifts = (Shift(weekday=0, start=T(22), end=T(6)), Shift(weekday=1, start=T(5), end=T(13)))
    with pytest.raises(ValidationError, match="overlaps"):
        f.calendar(shifts=shifts)


def test_sunday_night_shift_overlapping_monday_morning():
    shifts = (Shift(weekday=6, start=T(22), end=T(6)), Shift(weekday=0, start=T(5), end=T(13)))
    with pytest.raises(ValidationError, match="overlaps"):
        f.calendar(shifts=shifts)


def test_adjacent_shifts_are_fine():
    cal = f.calendar(shifts=(Shift(weekday=0, start=T(6), end=T(14)), Shift(weekday=0, start=T(14), end=T(22))))
    assert cal.weekly_hours == 16


def test_break_outside_its_shift():
    with pytest.raises(ValidationError, match=r"breaks\[0\] 17:00-17:30 lies outside the shift 07:00-16:00"):
        Shift(weekday=0, start=T(7), end=T(16), breaks=(Break(start=T(17), end=T(17, 30)),))


def test_duplicate_holiday():
    day = dt.date(2026, 12, 25)
    with pytest.raises(ValidationError, match="listed twice"):
        f.calendar(holidays=(Holiday(date=day), Holiday(date=day)))


def test_closure_end_before_start():
    with pytest.raises(ValidationError, match="end .* must be after start"):
        Closure(start=dt.datetime(2026, 12, 1, 12), end=dt.datetime(2026, 12, 1, 8))


def test_working_intervals_by_hand():
    # Monday 2026-11-30: 07:00-16:00 with breaks 10:00-10:15 and 12:30-13:00 -> 8h15 of work
    shift = dict(start=T(7), end=T(16), breaks=(Break(start=T(10), end=T(10, 15)), Break(start=T(12, 30), end=T(13))))
    cal = f.calendar(
        shifts=tuple(Shift(weekday=d, **shift) for d in range(5)),
        holidays=(Holiday(date=dt.date(2026, 12, 1), name="test"),),
        closures=(Closure(start=dt.datetime(2026, 12, 2, 14), end=dt.datetime(2026, 12, 3, 9)),),
    )
    intervals = cal.working_intervals(dt.datetime(2026, 11, 30), dt.datetime(2026, 12, 4))
    assert intervals[:3] == [
        (dt.datetime(2026, 11, 30, 7), dt.datetime(2026, 11, 30, 10)),
        (dt.datetime(2026, 11, 30, 10, 15), dt.datetime(2026, 11, 30, 12, 30)),
        (dt.datetime(2026, 11, 30, 13), dt.datetime(2026, 11, 30, 16)),
    ]
    minutes = sum((b - a).total_seconds() / 60 for a, b in intervals)
    # Mon 495; Tue a holiday; Wed until the closure at 14:00 (7-10, 10:15-12:30, 13-14);
    # Thu from the closure's end at 09:00 (9-10, 10:15-12:30, 13-16)
    assert minutes == 495 + 0 + (180 + 135 + 60) + (60 + 135 + 180)
    assert cal.weekly_hours == pytest.approx(5 * 8.25)


def test_working_intervals_night_shift_crosses_midnight():
    cal = f.calendar(shifts=(Shift(weekday=0, start=T(22), end=T(6)),))
    intervals = cal.working_intervals(dt.datetime(2026, 11, 30), dt.datetime(2026, 12, 2))
    assert intervals == [(dt.datetime(2026, 11, 30, 22), dt.datetime(2026, 12, 1, 6))]


def test_stock_outline_must_fit_its_size():
    with pytest.raises(ValidationError, match="outline: extends beyond 500 x 400"):
        StockItem(code="R1", material="S235JR", thickness_mm=3, kind="remnant", length_mm=500, width_mm=400,
                  outline=((0, 0), (600, 0), (600, 400), (0, 400)), quantity=1)


def test_stock_negative_quantity():
    with pytest.raises(ValidationError, match="quantity"):
        StockItem(code="S1", material="S235JR", thickness_mm=3, length_mm=3000, width_mm=1500, quantity=-1)


def test_l_shaped_remnant_area():
    item = StockItem(code="R1", material="S235JR", thickness_mm=3, kind="remnant", length_mm=1000, width_mm=600,
                     outline=((0, 0), (1000, 0), (1000, 300), (500, 300), (500, 600), (0, 600)), quantity=1)
    assert item.area_mm2 == 1000 * 300 + 500 * 300


def test_operator_skill_level_range_and_duplicates():
    with pytest.raises(ValidationError, match="level"):
        Skill(work_center_type="welding", level=4)
    with pytest.raises(ValidationError, match="listed twice"):
        Operator(code="OP1", name="Jan", calendar="DAG",
                 skills=(Skill(work_center_type="welding", level=2), Skill(work_center_type="welding", level=3)))


def test_unknown_work_center_type():
    with pytest.raises(ValidationError, match="work_center_type"):
        f.step(work_center_type="teleporter")


def test_machine_unknown_calendar_and_negative_rate():
    with pytest.raises(ValidationError, match="hourly_rate"):
        Machine(code="M", name="M", work_center="LASER", hourly_rate=-1, power_kw=1, calendar="DAG")
    machine = Machine(code="M2", name="M", work_center="LASER", hourly_rate=1, power_kw=1, calendar="NACHT")
    with pytest.raises(ValidationError, match=r"machines\[M2\].calendar: unknown calendar 'NACHT'"):
        f.small_shop(machines=(*f.small_shop().machines, machine))


def test_duplicate_codes_in_shop():
    with pytest.raises(ValidationError, match="parts: 'P1' appears twice"):
        f.small_shop(parts=(f.part(), f.part()))


def test_order_with_unknown_customer_and_part():
    with pytest.raises(ValidationError) as error:
        f.small_shop(orders=(f.order(customer="K9", lines=(OrderLine(line_no=1, part="P9", quantity=1),)),))
    text = messages(error)
    assert "orders[ORD-1].customer: unknown customer 'K9'" in text
    assert "orders[ORD-1].lines[1].part: unknown part 'P9'" in text


def test_work_order_assigned_machine_must_be_eligible():
    op = WorkOrderOperation.from_routing_step(f.step())
    with pytest.raises(ValidationError, match="assigned_machine: KB01 is not among the eligible machines"):
        WorkOrderOperation.model_validate({**op.model_dump(), "assigned_machine": "KB01"})


def test_work_order_done_more_than_quantity():
    op = WorkOrderOperation.from_routing_step(f.step()).model_dump() | {"quantity_done": 11}
    with pytest.raises(ValidationError, match="quantity_done: 11 is more than the work order quantity 10"):
        WorkOrder(number="WO1", order="ORD-1", line_no=1, part="P1", quantity=10, release_date=dt.date(2026, 11, 1),
                  due_date=dt.date(2026, 11, 9), operations=(op,))


def test_quote_breaks_ascending_and_dates():
    with pytest.raises(ValidationError, match="distinct and ascending"):
        QuoteLine(line_no=1, part="P1", breaks=(QuantityBreak(quantity=10, unit_price=5),
                                                QuantityBreak(quantity=1, unit_price=9)))
    line = QuoteLine(line_no=1, part="P1", breaks=(QuantityBreak(quantity=1, unit_price=9),))
    with pytest.raises(ValidationError, match="valid_until"):
        Quote(number="Q1", customer="K1", quote_date=dt.date(2026, 11, 10), valid_until=dt.date(2026, 11, 1),
              lines=(line,))


def test_models_are_immutable():
    part = f.part()
    with pytest.raises(ValidationError):
        part.thickness_mm = 5


def test_unknown_field_is_an_error_not_ignored():
    with pytest.raises(ValidationError, match="thicknes_mm"):
        f.part(thicknes_mm=4)
