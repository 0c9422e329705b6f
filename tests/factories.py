"""Small, valid shop values for tests; override any field by keyword."""

from __future__ import annotations

import datetime as dt

from maakbaar.domain import (
    Calendar,
    Customer,
    Machine,
    Material,
    Order,
    OrderLine,
    Part,
    RoutingStep,
    Shift,
    Shop,
    WorkCenter,
)

T = dt.time


def material(**over) -> Material:
    values = dict(grade="S235JR", family="steel", density_kg_m3=7850, price_per_kg=1.3,
                  price_date=dt.date(2025, 6, 1), price_source="test", co2_per_kg=1.92, co2_source="test")
    return Material(**(values | over))


def calendar(**over) -> Calendar:
    values = dict(code="DAG", name="Dagdienst",
                  shifts=tuple(Shift(weekday=d, start=T(7), end=T(16)) for d in range(5)))
    return Calendar(**(values | over))


def step(**over) -> RoutingStep:
    values = dict(sequence=10, work_center_type="laser", eligible_machines=("LAS01",), setup_min=10,
                  run_min_per_piece=1.5)
    return RoutingStep(**(values | over))


def part(**over) -> Part:
    values = dict(number="P1", name="Beugel", material="S235JR", thickness_mm=3, length_mm=100, width_mm=50,
                  net_area_mm2=4000, routing=(step(),))
    return Part(**(values | over))


def order(**over) -> Order:
    values = dict(number="ORD-1", customer="K1", order_date=dt.date(2026, 11, 2), release_date=dt.date(2026, 11, 3),
                  due_date=dt.date(2026, 11, 20), lines=(OrderLine(line_no=1, part="P1", quantity=10),))
    return Order(**(values | over))


def small_shop(**over) -> Shop:
    values = dict(
        materials=(material(),), calendars=(calendar(),),
        work_centers=(WorkCenter(code="LASER", name="Laser", type="laser"),),
        machines=(Machine(code="LAS01", name="Laser", work_center="LASER", hourly_rate=110, power_kw=22,
                          calendar="DAG"),),
        customers=(Customer(code="K1", name="Klant"),), parts=(part(),), orders=(order(),),
    )
    return Shop(**(values | over))
