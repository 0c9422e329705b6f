"""Setting a shop up: start with the demo shop or empty with a first administrator, remove the demo later in one
step without touching the shop's own records, and the checklist of what a first plan still needs.

The demo's records are marked when it is loaded (one setting listing their codes per kind), so removing it later
takes exactly those: a demo record that one of the shop's own records still uses (an own order for a demo part,
an own machine on a demo calendar) is kept and named. Services never commit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from ..domain import Shop
from ..store.db import Session
from ..store.records import FloorRecords, NestRecords, PlanRecords, UserRecords
from ..store.repositories import Repositories
from . import company_service, shop_io, user_service
from .errors import Conflict, InvalidInput

DEMO_MARK = "demo.records"


class SetupRefused(Conflict):
    """A set-up step that does not fit the state of the database (a first administrator when there are users)."""


# ------------------------------------------------------------------ the first start

def has_users(db: Session) -> bool:
    return bool(UserRecords(db).all())


def is_blank(db: Session) -> bool:
    """No records and no users: nobody has started a shop here (an own shop begins with its administrator)."""
    return shop_io.is_empty(db) and not has_users(db)


def is_fresh(db: Session) -> bool:
    """Nobody can log in yet: the first visit offers the demo or an own shop."""
    return not has_users(db)


@dataclass(frozen=True)
class DemoLoaded:
    shop: Shop
    counts: dict[str, int]
    users: list


def load_demo(db: Session, seed: int, start: dt.date, *, replace: bool = False,
              on_item: Callable[[], None] | None = None) -> DemoLoaded:
    """The demo shop stored and marked as the demo (so it can be removed later), with its demo users. Refused
    on a database that holds a shop unless ``replace``, which clears it first."""
    from .demo import build_demo_shop

    if not is_blank(db):
        if not replace:
            raise SetupRefused("the database already holds a shop", code="setup.not_empty")
        shop_io.clear_shop(db)
    shop = build_demo_shop(seed, start)
    counts = shop_io.store_shop(db, shop, on_item=on_item)
    users = user_service.add_demo_users(db, [o.code for o in shop.operators])
    mark_as_demo(db)
    return DemoLoaded(shop, counts, users)


def mark_as_demo(db: Session) -> None:
    """Every record now in the database, and the demo users, belong to the demo (what ``remove_demo`` takes)."""
    marks = {name: repo.keys() for name, repo in Repositories(db).in_store_order()}
    marks["users"] = [username for username, *_ in user_service.DEMO_USERS]
    Repositories(db).settings.set(DEMO_MARK, json.dumps(marks))


def demo_marks(db: Session) -> dict[str, list[str]]:
    text = Repositories(db).settings.get(DEMO_MARK)
    return json.loads(text) if text else {}


def demo_present(db: Session) -> bool:
    """Demo records are left (after a removal: those the shop's own records still use)."""
    return bool(demo_marks(db))


def demo_users_present(db: Session) -> bool:
    """The demo's users can log in (until the demo is removed, which switches them off)."""
    return bool(demo_marks(db).get("users"))


def start_own_shop(db: Session, shop_name: str, username: str, password: str, display_name: str = "",
                   language: str = "nl"):
    """The first administrator of an empty shop, and the shop's name in its company profile. Refused once anyone
    can log in (then the administrator adds users)."""
    if has_users(db):
        raise SetupRefused("the shop has users already: an administrator adds more", code="setup.has_users")
    shop_name = shop_name.strip()
    if not shop_name:
        raise InvalidInput("the shop needs a name", field="shop_name", code="setup.no_name")
    user = user_service.create_user(db, username, password, "admin", display_name, language=language)
    profile, version = company_service.profile(db)
    company_service.save(db, profile.model_copy(update={"name": shop_name}), version)
    return user


# ------------------------------------------------------------------ removing the demo

@dataclass
class DemoRemoval:
    removed: dict[str, int] = field(default_factory=dict)
    kept: dict[str, list[str]] = field(default_factory=dict)  # demo records an own record still uses
    plans: int = 0
    nests: int = 0


def remove_demo(db: Session, by_user: str) -> DemoRemoval:
    """Delete what the demo brought (orders, work orders with their bookings, quotes, parts, stock, customers,
    operators, machines, calendars, materials, its users) and the plans and nests made for its orders. The
    shop's own records stay; a demo record one of them uses is kept and listed. Refused for a demo user: who
    removes the demo must be able to log in after it."""
    marks = demo_marks(db)
    if not marks:
        raise SetupRefused("there is no demo to remove", code="setup.no_demo")
    demo_users = set(marks.get("users", []))
    if by_user in demo_users:
        raise SetupRefused("log in with your own account to remove the demo", code="setup.demo_user")
    users = UserRecords(db)
    if not any(u.role == "admin" and u.active and u.username not in demo_users for u in users.all()):
        raise SetupRefused("make an own administrator first", code="setup.no_own_admin")
    result = DemoRemoval()
    for username in demo_users:  # first, so their operators are free to go; kept (not deleted) for the log
        row = users.by_username(username)
        if row is not None and (row.active or row.operator_code or row.badge):
            user_service.update_user(db, username, active=False, operator_code=None, badge=None)
            user_service.end_sessions(db, row.id)
            result.removed["users"] = result.removed.get("users", 0) + 1
    demo_orders = set(marks.get("orders", []))
    demo_work_orders = set(marks.get("work_orders", []))
    # plans and nests made for the demo's orders, the floor's events on its work orders; the next plan is the
    # shop's own
    result.plans = PlanRecords(db).delete_for_orders(demo_orders)
    result.nests = NestRecords(db).delete_for_orders(demo_orders)
    FloorRecords(db).delete_events_of(demo_work_orders)
    db.flush()
    repos = Repositories(db)
    for name, repo in reversed(repos.in_store_order()):
        present = set(repo.keys())
        for key in marks.get(name, []):
            if key not in present:
                continue
            uses = repo.usage(key)
            if any(uses.values()):
                result.kept.setdefault(name, []).append(key)
                continue
            savepoint = db.begin_nested()
            try:
                repo.delete(key)
                savepoint.commit()
            except IntegrityError:  # an own record refers to it in a way usage() does not list
                savepoint.rollback()
                result.kept.setdefault(name, []).append(key)
                continue
            result.removed[name] = result.removed.get(name, 0) + 1
    repos.settings.set(DEMO_MARK, json.dumps(result.kept))
    return result


# ------------------------------------------------------------------ what a first plan still needs

@dataclass(frozen=True)
class Check:
    """One line of the checklist: ``code`` says what (a message key), ``missing`` lists the records at fault
    (empty: done), ``link`` is where to fix it."""

    code: str
    done: bool
    missing: tuple[str, ...] = ()
    link: str = ""
    count: int = 0


def checklist(db: Session, today: dt.date) -> list[Check]:
    """What is still missing for a plan the shop can believe, in the order a shop sets up: profile, calendars,
    machines, operators and their skills, materials, parts with routings, customers, orders, and a plan."""
    from ..planning.from_shop import PLANNED_STATUSES

    shop = shop_io.load_shop(db)
    profile, _ = company_service.profile(db)
    calendars = {c.code: c for c in shop.calendars}
    machines = [m for m in shop.machines if m.active]
    operators = [o for o in shop.operators if o.active]
    end = dt.datetime.combine(today + dt.timedelta(days=28), dt.time())
    start = dt.datetime.combine(today, dt.time())

    def working(calendar_code: str, extra=()) -> bool:
        calendar = calendars.get(calendar_code)
        return calendar is not None and bool(calendar.working_intervals(start, end, extra_closures=extra))

    checks = [Check("setup.check.profile", bool(profile.name and profile.kvk and profile.address),
                    link="/company")]
    checks.append(Check("setup.check.calendar", bool(calendars), link="/masterdata/calendars/new",
                        count=len(calendars)))
    idle = tuple(m.code for m in machines if not working(m.calendar, m.downtimes))
    checks.append(Check("setup.check.machines", bool(machines) and not idle, idle,
                        "/masterdata/machines/new" if not machines else "/masterdata/machines/{key}",
                        count=len(machines)))
    unskilled = tuple(o.code for o in operators if not o.skills)
    checks.append(Check("setup.check.operators", bool(operators) and not unskilled, unskilled,
                        "/masterdata/operators/new" if not operators else "/masterdata/operators/{key}",
                        count=len(operators)))
    checks.append(Check("setup.check.materials", bool(shop.materials), link="/masterdata/materials/new",
                        count=len(shop.materials)))
    active = {m.code for m in machines}
    skilled = {s.work_center_type for o in operators for s in o.skills}
    no_routing = tuple(p.number for p in shop.parts if not p.routing)
    no_machine = tuple(f"{p.number}/{s.sequence}" for p in shop.parts for s in p.routing
                       if not s.is_subcontracted and not set(s.eligible_machines) & active)
    checks.append(Check("setup.check.parts", bool(shop.parts) and not no_routing and not no_machine,
                        no_routing + no_machine,
                        "/masterdata/parts/new" if not shop.parts else "/masterdata/parts/{key}",
                        count=len(shop.parts)))
    needed = {s.work_center_type for p in shop.parts for s in p.routing
              if not s.is_subcontracted and not s.unattended}
    uncovered = tuple(sorted(t.value for t in needed - skilled))
    checks.append(Check("setup.check.skills", bool(operators) and not uncovered, uncovered,
                        "/masterdata?tab=operators"))
    checks.append(Check("setup.check.customers", bool(shop.customers), link="/masterdata/customers/new",
                        count=len(shop.customers)))
    parts = {p.number: p for p in shop.parts}
    open_orders = [o for o in shop.orders if o.status in PLANNED_STATUSES]
    without = tuple(o.number for o in open_orders
                    if any(line.part in parts and not parts[line.part].routing for line in o.lines))
    checks.append(Check("setup.check.orders", bool(open_orders) and not without, without,
                        "/orders/new" if not open_orders else "/orders/{key}", count=len(open_orders)))
    checks.append(Check("setup.check.plan", PlanRecords(db).current() is not None, link="/planning"))
    return checks


def ready_to_plan(checks: list[Check]) -> bool:
    """A plan can be made: there are calendars, machines, parts and open orders (the rest makes it better)."""
    return all(c.count for c in checks if c.code in ("setup.check.calendar", "setup.check.machines",
                                                      "setup.check.parts", "setup.check.orders"))
