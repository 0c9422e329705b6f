"""What the owner and the planner look at first: late and at-risk orders, delivery reliability of the last
weeks, the load per work center for the next two weeks, the bottleneck, and CO2 per month. Each is computed
once per change of the data (``cache``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace

from sqlalchemy.orm import Session

from .. import clock
from ..store.repositories import Repositories
from ..store.records import PlanRecords
from . import co2_service, order_service, planning_service
from . import cache
from .cache import data_version

# what each read model shows, by the topics of ``cache.data_version``: a change elsewhere leaves it as it is
ORDER_TOPICS = ("orders", "customers", "plan")
CO2_TOPICS = ("orders", "parts", "machines", "materials", "nests")
LOAD_TOPICS = ("plan", "machines", "calendars")


def order_overview_entry(db: Session, include_closed: bool = False, today: dt.date | None = None) -> cache.Entry:
    """The order overview as a cache entry (its ``stamp`` keys what is derived from it, such as a rendered
    table): computed once per change of orders, customers or the plan; every page and the API share it."""
    today = today or clock.today()
    return cache.cached_entry("orders", (include_closed, today), data_version(db, *ORDER_TOPICS), 600,
                              lambda s: order_service.order_overview(s, include_closed=include_closed, today=today),
                              db, revise=_revise_customer_names)


def _revise_customer_names(previous: cache.Entry, version: tuple, db: Session):
    """When only customers changed since the last overview, only their names can differ: read the names (one
    small query) and replace those rows; a change the list does not show (a phone number) leaves it as it was,
    and with it the rendered table and the dashboard. Anything else changed: None (made anew)."""
    customers = 1 + ORDER_TOPICS.index("customers")  # data_version puts the database first
    others_equal = all(a == b for k, (a, b) in enumerate(zip(previous.version, version)) if k != customers)
    if not others_equal or previous.version[customers] == version[customers]:
        return None
    names = Repositories(db).customers.names()
    rows = previous.value
    if all(names.get(o.customer_code) == o.customer_name for o in rows):
        return rows
    return [o if names.get(o.customer_code, o.customer_name) == o.customer_name
            else replace(o, customer_name=names[o.customer_code]) for o in rows]


def order_overview(db: Session, include_closed: bool = False, today: dt.date | None = None) -> list:
    """The order overview, computed once per change of the data (every page and the API share it)."""
    return order_overview_entry(db, include_closed, today).value


def co2_months_entry(db: Session) -> cache.Entry:
    """CO2 per month, made again when orders, parts, machines, materials or nests change (or after 5 minutes)."""
    return cache.cached_entry("co2", (), data_version(db, *CO2_TOPICS), 300, co2_service.footprint_per_month, db)


def co2_months(db: Session) -> list:
    return co2_months_entry(db).value



def reliability(db: Session, today: dt.date, weeks: int = 8) -> list[dict]:
    """Per ISO week (by delivery date): orders delivered, of which on time (delivered on or before due)."""
    start = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))
    rows = Repositories(db).orders.due_dates_delivered_since(start)
    out = []
    for k in range(weeks):
        monday = start + dt.timedelta(days=7 * k)
        sunday = monday + dt.timedelta(days=6)
        week = [(d, due) for d, due in rows if monday <= d <= sunday]
        on_time = sum(1 for d, due in week if d <= due)
        out.append({"week": f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}", "monday": monday,
                    "delivered": len(week), "on_time": on_time,
                    "share": on_time / len(week) if week else None})
    return out


def load(db: Session, days: int = 14) -> dict:
    """Planned work per work center per day against its machines' working time that day."""
    plan = planning_service.current_plan_row(db)
    repos = Repositories(db)
    start = (plan.origin if plan else clock.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + dt.timedelta(days=days)
    calendars = {c.code: c for c in repos.calendars.list()}
    machines = [m for m in repos.machines.list() if m.active]
    centers = {w.code: w for w in repos.work_centers.list()}
    capacity: dict[str, list[float]] = defaultdict(lambda: [0.0] * days)
    working: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    for machine in machines:
        calendar = calendars.get(machine.calendar)
        if calendar is None:
            continue
        working[machine.code] = calendar.working_intervals(start, end, machine.downtimes)
        for a, b in working[machine.code]:
            _spread(capacity[machine.work_center], start, a, b, days)
    planned: dict[str, list[float]] = defaultdict(lambda: [0.0] * days)
    if plan is not None:
        rows = PlanRecords(db).spans_on_machines(plan.id, start, end)
        center_of = {m.code: m.work_center for m in machines}
        for a, b, code in rows:
            if code not in center_of:
                continue
            # only the working time inside the bar counts (a bar may span a break or a night it pauses over)
            for wa, wb in working.get(code, []):
                if wb <= a:
                    continue
                if wa >= b:
                    break
                _spread(planned[center_of[code]], start, max(a, wa), min(b, wb), days)
    table = []
    for code, center in centers.items():
        cap = capacity.get(code)
        if not cap or not any(cap):
            continue
        used = planned.get(code, [0.0] * days)
        table.append({"code": code, "name": center.name,
                      "days": [{"load": (u / c) if c else None, "hours": u / 60} for u, c in zip(used, cap)],
                      "total": sum(used) / sum(cap) if sum(cap) else 0.0})
    table.sort(key=lambda r: -r["total"])
    return {"start": start, "dates": [start + dt.timedelta(days=k) for k in range(days)], "rows": table,
            "bottleneck": table[0] if table and table[0]["total"] > 0 else None}


def _spread(slots: list[float], origin: dt.datetime, a: dt.datetime, b: dt.datetime, days: int) -> None:
    """Add the minutes of [a, b) to the day slots they fall in."""
    cursor = max(a, origin)
    stop = min(b, origin + dt.timedelta(days=days))
    while cursor < stop:
        day = (cursor - origin).days
        day_end = origin + dt.timedelta(days=day + 1)
        piece = min(stop, day_end)
        slots[day] += (piece - cursor).total_seconds() / 60
        cursor = piece


def dashboard(db: Session, today: dt.date | None = None) -> dict:
    """The dashboard from its parts, each kept until what it shows changes (``cache``)."""
    return dashboard_entry(db, today).value


def dashboard_entry(db: Session, today: dt.date | None = None) -> cache.Entry:
    """``dashboard`` as a cache entry (its stamp keys the rendered page); put together again only when one of
    its parts was made again."""
    today = today or clock.today()
    parts = {
        "orders": order_overview_entry(db, today=today),
        "reliability": cache.cached_entry("reliability", (today,), data_version(db, "orders"), 600,
                                          lambda s: reliability(s, today), db),
        "load": cache.cached_entry("load", (today,), data_version(db, *LOAD_TOPICS), 600, load, db),
        "co2": co2_months_entry(db),
    }
    stamps = tuple(entry.stamp for entry in parts.values())
    return cache.cached_entry("dashboard", (today,), stamps, 600, lambda: _dashboard(
        {name: entry.value for name, entry in parts.items()}))


def _dashboard(parts: dict) -> dict:
    orders = parts["orders"]
    late = [o for o in orders if o.late or o.planned_late]
    late_numbers = {o.number for o in late}
    at_risk = [o for o in orders if o.number not in late_numbers and (o.days_left <= 3 or (
        o.planned_completion is not None and (dt.datetime.combine(o.due_date, dt.time(16)) - o.planned_completion)
        < dt.timedelta(hours=24)))]
    return {"orders": len(orders), "late": late, "at_risk": at_risk, "reliability": parts["reliability"],
            "load": parts["load"], "co2": parts["co2"]}
