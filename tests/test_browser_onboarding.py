"""A new shop set up in a real browser from an empty database, through the pages only, as its planner would on
the first day: the welcome page, the first administrator, the company profile, a calendar, three machines from
templates, two operators with skills, a material, a part with a two-step routing, a customer and an order, then
the checklist's plan button, and the order on the planning board. The walk counts its page visits and form
submits and prints them (and writes them to test-artifacts/onboarding.txt)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from maakbaar import clock
from maakbaar.store import migrate
from maakbaar.store.db import make_engine
from maakbaar.web.app import create_app
from tests.test_browser import ARGS, SHOTS, _chromium_or_skip, live

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture
def empty_server(tmp_path):
    os.environ["MAAKBAAR_DATA_DIR"] = str(tmp_path / "data")
    engine = make_engine(f"sqlite:///{tmp_path / 'maakbaar.db'}")
    migrate.upgrade(engine)
    app = create_app(engine, secret="onboarding-test")
    with live(app) as url:
        yield url
    app.state.runner.shutdown()
    engine.dispose()
    os.environ.pop("MAAKBAAR_DATA_DIR", None)


class Walk:
    """The browser with a count of what the user did: pages opened and forms sent."""

    def __init__(self, page, base: str):
        self.page, self.base, self.visits, self.submits = page, base, 0, 0

    def visit(self, path: str) -> None:
        self.visits += 1
        self.page.goto(self.base + path)

    def follow(self, selector: str) -> None:
        """Click a link, as a user goes from the checklist to the form that fixes a line."""
        self.visits += 1
        with self.page.expect_navigation():
            self.page.click(selector)

    def submit(self, selector: str = "#save", expect_errors: bool = False) -> None:
        self.submits += 1
        with self.page.expect_navigation():
            self.page.click(selector)
        errors = self.page.locator("#form-errors, ul.error, p.error[role=alert]")
        if not expect_errors:
            assert errors.count() == 0, errors.all_inner_texts()

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_new_shop_from_an_empty_database_to_its_first_plan(empty_server):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    today = clock.today()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium_or_skip(), headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="nl-NL")
        page = context.new_page()
        page_errors = []
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        page.on("dialog", lambda dialog: dialog.accept())
        walk = Walk(page, empty_server)

        # the first visit: a choice, then the first administrator
        walk.visit("/")
        assert page.url.endswith("/welcome")
        walk.shot("40-welcome")
        page.fill("#own-form input[name=shop_name]", "Metaalbewerking De Vries")
        page.fill("#own-form input[name=display_name]", "Pieter de Vries")
        page.fill("#own-form input[name=username]", "pieter")
        page.fill("#own-form input[name=password]", "staal-en-vonken")
        page.fill("#own-form input[name=password_again]", "staal-en-vonken")
        walk.submit("#start-own")
        assert page.url.endswith("/setup")
        walk.shot("41-checklist-empty")
        assert page.locator("li.todo").count() >= 8

        # the company profile, from its checklist line
        walk.follow("li[data-check='setup.check.profile'] a")
        page.fill("input[name=address]", "Industrieweg 12")
        page.fill("input[name=postcode]", "7602 KR")
        page.fill("input[name=city]", "Almelo")
        page.fill("input[name=kvk]", "12345678")
        walk.submit()

        # a calendar: the usual day shift and this year's holidays are offered; a name and a code are enough
        walk.visit("/setup")
        walk.follow("li[data-check='setup.check.calendar'] a")
        page.fill("input[name=code]", "DAG")
        page.fill("input[name=name]", "Dagdienst")
        page.fill("input[name=shift_0_breaks]", "10:00-10:15, 12:30-13:00")
        walk.submit()

        # three machines from templates
        for template, code in (("fiber-6kw-3015", "LAS1"), ("press-brake-3100-135", "KB1"), ("mig-mag", "MIG1")):
            walk.visit("/masterdata/machines/new")
            walk.follow(f"#templates a[href='?template={template}']")
            page.fill("input[name=code]", code)
            walk.submit()
        walk.shot("42-machines")

        # two operators with skills
        for code, name, skills in (("JAN", "Jan Smit", {"laser": "3", "press_brake": "2"}),
                                   ("EMRE", "Emre Yilmaz", {"press_brake": "3", "welding": "2"})):
            walk.visit("/masterdata/operators/new")
            page.fill("input[name=code]", code)
            page.fill("input[name=name]", name)
            for kind, level in skills.items():
                page.select_option(f"select[name=skill_{kind}]", level)
            walk.submit()

        # a material, typed with decimal commas
        walk.visit("/masterdata/materials/new")
        page.fill("input[name=grade]", "S235JR")
        page.fill("input[name=price_per_kg]", "1,15")
        page.fill("input[name=co2_per_kg]", "1,9")
        walk.submit()

        # a part with a two-step routing: laser, then the press brake
        walk.visit("/masterdata/parts/new")
        page.fill("input[name=number]", "HOEK-40")
        page.fill("input[name=name]", "Hoeksteun 40")
        page.fill("input[name=thickness_mm]", "4")
        page.check("input[name=step_0_m_LAS1]")
        page.fill("input[name=step_0_setup]", "10")
        page.fill("input[name=step_0_run]", "1,2")
        page.check("input[name=step_1_m_KB1]")
        page.fill("input[name=step_1_setup]", "20")
        page.fill("input[name=step_1_run]", "0,75")
        walk.shot("43-part")
        walk.submit()

        # a customer and an order for the part
        walk.visit("/masterdata/customers/new")
        page.fill("input[name=code]", "BOS")
        page.fill("input[name=name]", "Bos Installatietechniek")
        page.fill("input[name=city]", "Hengelo")
        walk.submit()
        walk.visit("/orders/new")
        page.select_option("select[name=customer]", "BOS")
        page.fill("input[name=due_date]", (today + dt.timedelta(days=21)).isoformat())
        page.fill("input[name=part_1]", "HOEK-40")
        page.fill("input[name=quantity_1]", "40")
        walk.submit("#order-form button[type=submit]")
        order = page.url.rsplit("/", 1)[-1]
        assert order and order != "new"

        # the checklist is green where it matters and offers the plan
        walk.visit("/setup")
        walk.shot("44-checklist-ready")
        for code in ("profile", "calendar", "machines", "operators", "materials", "parts", "skills", "customers",
                     "orders"):
            assert page.locator(f"li[data-check='setup.check.{code}']").get_attribute("class") == "done", code
        walk.submit("#plan-now")
        assert page.url.endswith("/planning")
        page.wait_for_selector("#jobs .job[data-status=done], #jobs .job[data-status=failed]", timeout=90_000)
        assert page.locator("#jobs .job").first.get_attribute("data-status") == "done"
        walk.visit("/planning")
        page.wait_for_selector("#board[data-loaded=true]", timeout=20_000)
        bars = page.evaluate("""async () => {
            const board = await maakbaar.api("GET", "/api/plans/current/board?days=42");
            return board.items.filter(i => i.type !== "background").map(i => [i.id, i.group]);
        }""")
        ours = [(key, machine) for key, machine in bars if key.startswith(order)]
        assert {machine for _, machine in ours} == {"LAS1", "KB1"}, bars
        assert page.locator("#board .vis-item", has_text=order).count() >= 1
        walk.shot("45-first-plan")
        summary = f"onboarding: {walk.visits} page visits, {walk.submits} form submits"
        print(summary)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "onboarding.txt").write_text(summary + "\n", encoding="utf-8")
        assert not page_errors, page_errors
        context.close()
        browser.close()
