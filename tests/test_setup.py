"""The first start and the set-up: an empty database greets its first visitor with the demo or an own shop (a
first administrator, nobody else can take that place later), the checklist names what a first plan still needs,
and the demo goes in one step without touching the shop's own records (a demo record they use is kept and named).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from maakbaar.domain import Calendar, Closure, Customer, Machine, Order, OrderLine, Part, RoutingStep, Shift
from maakbaar.planning.from_shop import PLANNED_STATUSES
from maakbaar.services import company_service, setup_service, user_service
from maakbaar.services.errors import Conflict
from maakbaar.store import migrate
from maakbaar.store.db import make_engine
from maakbaar.store.repositories import Repositories
from maakbaar.web.app import create_app
from tests.test_masterdata_web import errors_of
from tests.test_web import PASSWORD, app, login  # noqa: F401,F811  (the demo-shop app fixture)

TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def empty_app(tmp_path, monkeypatch):
    monkeypatch.setenv("MAAKBAAR_DATA_DIR", str(tmp_path / "data"))
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    migrate.upgrade(engine)
    application = create_app(engine, secret="test-secret")
    yield application
    application.state.runner.shutdown()
    engine.dispose()


def page_csrf(page: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def checks_of(page: str) -> dict[str, str]:
    """Each checklist line's code and whether it is done or still to do."""
    return {code: state for state, code in re.findall(r'<li class="(done|todo)" data-check="([^"]+)"', page)}


def test_an_empty_database_greets_its_first_visitor_with_a_choice(empty_app):
    with TestClient(empty_app) as client:
        first = client.get("/")
        assert first.url.path == "/welcome"
        assert "Begin met de demowerkplaats" in first.text and "Mijn eigen werkplaats inrichten" in first.text
        assert client.get("/login").url.path == "/welcome"
        assert client.get("/planning").url.path == "/welcome"  # any page: there is nobody to log in as yet
        # a post without the page's token is refused
        assert client.post("/welcome/own", data={"shop_name": "X"}).status_code == 403


def test_an_own_shop_starts_with_its_first_administrator(empty_app):
    with TestClient(empty_app) as client:
        token = page_csrf(client.get("/welcome").text)
        form = {"csrf_token": token, "shop_name": "Van Dijk Metaal", "display_name": "Anna van Dijk",
                "username": "anna", "password": "lang-genoeg-1", "password_again": "lang-genoeg-2"}
        differ = client.post("/welcome/own", data=form)
        assert differ.status_code == 422
        assert errors_of(differ.text) == ["De twee wachtwoorden verschillen."]
        assert 'value="Van Dijk Metaal"' in differ.text  # what was typed stays
        short = client.post("/welcome/own", data=form | {"password": "kort", "password_again": "kort"})
        assert short.status_code == 422 and "8" in errors_of(short.text)[0]
        made = client.post("/welcome/own", data=form | {"password_again": "lang-genoeg-1"}, follow_redirects=False)
        assert made.status_code == 303 and made.headers["location"] == "/setup"
        checklist = client.get("/setup")
        assert checklist.status_code == 200 and "Anna van Dijk" in checklist.text  # logged in as her
        states = checks_of(checklist.text)
        assert states["setup.check.plan"] == "todo" and states["setup.check.machines"] == "todo"
        assert "Nu plannen" not in checklist.text  # nothing to plan yet
        assert "Demo verwijderen" not in checklist.text  # there is no demo
        # the company profile carries the name; the welcome is gone for good
        assert 'value="Van Dijk Metaal"' in client.get("/company").text
    with TestClient(empty_app) as other:
        assert other.get("/welcome").url.path == "/login"
        token = page_csrf(other.get("/login").text)
        again = other.post("/welcome/own", data={"csrf_token": token, "shop_name": "Overname", "username": "mallory",
                                                 "password": "x" * 10, "password_again": "x" * 10},
                           follow_redirects=False)
        assert again.status_code == 303 and again.headers["location"] == "/login"
        assert other.post("/api/login", json={"username": "mallory", "password": "x" * 10}).status_code == 401
        # the demo cannot be loaded over an own shop either
        demo = other.post("/welcome/demo", data={"csrf_token": token}, follow_redirects=False)
        assert demo.headers["location"] == "/login"
        assert other.post("/api/login", json={"username": "planner", "password": PASSWORD}).status_code == 401


def test_the_demo_from_the_welcome_page(empty_app):
    with TestClient(empty_app) as client:
        token = page_csrf(client.get("/welcome").text)
        loaded = client.post("/welcome/demo", data={"csrf_token": token}, follow_redirects=False)
        assert loaded.status_code == 303 and loaded.headers["location"] == "/login?demo=1"
        login_page = client.get("/login?demo=1").text
        assert "De demowerkplaats staat klaar" in login_page and "<code>planner</code>" in login_page
        login(client, "planner")
        runner = empty_app.state.runner  # loading the demo also started its first plan
        assert len(runner.futures) == 1
        runner.wait(max(runner.futures), timeout=120)
        states = checks_of(client.get("/setup").text)
        assert states["setup.check.machines"] == "done" and states["setup.check.orders"] == "done"
        assert states["setup.check.plan"] == "done"
        assert client.get("/api/plans/current").status_code == 200


# ------------------------------------------------------------------ removing the demo

def own_records(db) -> None:
    """What a shop adds beside the demo: an own calendar, machine, customer, part and order, with the part on a
    demo material, the machine on the demo's day calendar, and the order for the own part."""
    repos = Repositories(db)
    repos.calendars.add(Calendar(code="EIGEN", name="Eigen rooster", shifts=tuple(
        Shift(weekday=d, start=dt.time(6), end=dt.time(14)) for d in range(5))))
    demo_calendar = repos.machines.get("LAS01").calendar
    repos.machines.add(Machine(code="KANT-EIGEN", name="Eigen kantbank", work_center=repos.machines.get("LAS01")
                               .work_center, hourly_rate=80, power_kw=3, calendar=demo_calendar))
    repos.customers.add(Customer(code="EIGEN-KLANT", name="Eigen klant BV"))
    material = repos.materials.keys()[0]
    repos.parts.add(Part(number="EIGEN-1", name="Eigen beugel", material=material, thickness_mm=3,
                         routing=(RoutingStep(sequence=10, work_center_type="laser", eligible_machines=("KANT-EIGEN",),
                                              run_min_per_piece=2),)))
    repos.orders.add(Order(number="EIGEN-ORDER", customer="EIGEN-KLANT", order_date=TODAY, release_date=TODAY,
                           due_date=TODAY + dt.timedelta(days=14), lines=(OrderLine(line_no=1, part="EIGEN-1",
                                                                                    quantity=5),)))
    return demo_calendar, material


def test_removing_the_demo_keeps_the_shops_own_records(session):
    loaded = setup_service.load_demo(session, 3, TODAY)
    demo_orders = {o.number for o in loaded.shop.orders}
    demo_calendar, material = own_records(session)
    with pytest.raises(Conflict) as refused:  # a demo user would lock himself out
        setup_service.remove_demo(session, "planner")
    assert refused.value.code == "setup.demo_user"
    with pytest.raises(Conflict) as refused:  # and nobody else could log in after it
        setup_service.remove_demo(session, "anna")
    assert refused.value.code == "setup.no_own_admin"
    user_service.create_user(session, "anna", "lang-genoeg-1", "admin")
    result = setup_service.remove_demo(session, "anna")
    repos = Repositories(session)
    assert set(repos.orders.keys()) == {"EIGEN-ORDER"}
    assert set(repos.parts.keys()) == {"EIGEN-1"} and set(repos.customers.keys()) == {"EIGEN-KLANT"}
    assert set(repos.machines.keys()) == {"KANT-EIGEN"} and repos.operators.keys() == []
    assert set(repos.calendars.keys()) == {"EIGEN", demo_calendar}  # the own machine works to it
    assert repos.materials.keys() == [material] and repos.quotes.keys() == [] and repos.stock.keys() == []
    assert result.kept == {"materials": [material], "calendars": [demo_calendar], "work_centers": [
        repos.machines.get("KANT-EIGEN").work_center]}
    assert result.removed["orders"] == len(demo_orders) and result.removed["users"] == len(user_service.DEMO_USERS)
    assert user_service.authenticate(session, "planner", user_service.DEMO_PASSWORD) is None
    assert user_service.authenticate(session, "anna", "lang-genoeg-1") is not None
    # what is left of the demo is what the shop's own records use; removing again takes nothing more
    assert setup_service.demo_marks(session) == result.kept
    assert setup_service.demo_present(session) and not setup_service.demo_users_present(session)
    again = setup_service.remove_demo(session, "anna")
    assert again.removed == {} and again.kept == result.kept


def test_the_demo_is_removed_from_the_set_up_page(app):  # noqa: F811
    with TestClient(app) as client:
        login(client, "beheer")
        page = client.get("/setup").text
        assert "Demo verwijderen" in page
        refused = client.post("/setup/remove-demo", data={"csrf_token": client.headers["X-CSRF-Token"]})
        assert refused.status_code == 409 and "eigen account" in refused.text
        assert client.post("/api/users", json={"username": "eigenaar", "password": "lang-genoeg-1",
                                               "role": "admin"}).status_code in (200, 201)
    with TestClient(app) as owner:
        login(owner, "eigenaar", "lang-genoeg-1")
        done = owner.post("/setup/remove-demo", data={"csrf_token": owner.headers["X-CSRF-Token"]},
                          follow_redirects=False)
        assert done.status_code == 303
        after = owner.get(done.headers["location"]).text
        assert "Demo verwijderd" in after and "Demo verwijderen" not in after
        assert owner.get("/api/orders").json() == [] or not owner.get("/api/orders").json().get("items")
        states = checks_of(after)
        assert states["setup.check.machines"] == "todo" and states["setup.check.plan"] == "todo"
        login_page = owner.get("/login").text
        assert "<code>planner</code>" not in login_page  # the demo users are no longer offered
    with TestClient(app) as viewer:
        response = viewer.post("/api/login", json={"username": "kijker", "password": PASSWORD})
        assert response.status_code == 401


def test_a_viewer_sees_the_checklist_but_cannot_plan_or_remove(app):  # noqa: F811
    with TestClient(app) as client:
        login(client, "kijker")
        page = client.get("/setup").text
        assert 'data-check="setup.check.plan"' in page
        assert "Nu plannen" not in page and "Demo verwijderen" not in page
        token = client.headers["X-CSRF-Token"]
        assert client.post("/setup/remove-demo", data={"csrf_token": token}).status_code == 403
        assert client.post("/setup/plan", data={"csrf_token": token}).status_code == 403


def test_the_checklist_names_what_a_plan_lacks(session):
    loaded = setup_service.load_demo(session, 3, TODAY)
    repos = Repositories(session)
    checks = {c.code: c for c in setup_service.checklist(session, TODAY)}
    assert checks["setup.check.machines"].done and checks["setup.check.parts"].done
    assert not checks["setup.check.profile"].done  # the demo has no KvK number
    # a machine that cannot work, an operator without skills, a part without steps on an open order
    machine = repos.machines.get("LAS01")
    repos.machines.replace(machine.model_copy(update={"downtimes": (Closure(
        start=dt.datetime.combine(TODAY, dt.time()), end=dt.datetime.combine(TODAY + dt.timedelta(days=40), dt.time()),
        reason="revisie"),)}))
    operator = loaded.shop.operators[0]
    repos.operators.replace(operator.model_copy(update={"skills": ()}))
    order = next(o for o in loaded.shop.orders if o.status in PLANNED_STATUSES)
    part = repos.parts.get(order.lines[0].part)
    repos.parts.replace(part.model_copy(update={"routing": ()}))
    checks = {c.code: c for c in setup_service.checklist(session, TODAY)}
    assert checks["setup.check.machines"].missing == ("LAS01",)
    assert operator.code in checks["setup.check.operators"].missing
    assert part.number in checks["setup.check.parts"].missing
    assert order.number in checks["setup.check.orders"].missing
    company_service.save(session, company_service.profile(session)[0].model_copy(update={
        "kvk": "12345678", "address": "Industrieweg 1"}), None)
    assert {c.code: c for c in setup_service.checklist(session, TODAY)}["setup.check.profile"].done
