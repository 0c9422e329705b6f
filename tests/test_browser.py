"""The web app in a real browser: Playwright driving Debian's Chromium, headless, against a live server.

Log in; quote a DXF and turn it into an order; replan and find the new order on the planning board; drag an
operation and see the conflict warning; mark a machine down and see its operations move. A screenshot of every
step goes to test-artifacts/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from maakbaar import clock
from maakbaar.services.user_service import DEMO_PASSWORD
from maakbaar.store.db import make_engine
from maakbaar.web.app import create_app
from tests.test_cli import _plate_dxf

CHROMIUM = os.environ.get("MAAKBAAR_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chromium_or_skip() -> str:
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    reason = f"Debian's chromium is not installed at {CHROMIUM} (.ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def live(app) -> Iterator[str]:
    """Serve ``app`` on a free local port in a thread until the block ends; gives its URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    web = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    for _ in range(200):
        if web.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        web.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(demo_database, tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    path = folder / "maakbaar.db"
    shutil.copy(demo_database, path)
    os.environ["MAAKBAAR_DATA_DIR"] = str(folder / "data")
    engine = make_engine(f"sqlite:///{path}")
    app = create_app(engine, secret="browser-test")
    with live(app) as url:
        yield {"url": url, "app": app, "folder": folder}
    engine.dispose()
    os.environ.pop("MAAKBAAR_DATA_DIR", None)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium_or_skip()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="nl-NL")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.base = server["url"]
    yield page
    context.close()
    assert not errors, errors


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def log_in(page, username: str = "planner") -> None:
    page.goto(page.base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    shot(page, "01-login")
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard")


def api(page, method: str, url: str, body=None):
    return page.evaluate("([m, u, b]) => maakbaar.api(m, u, b === null ? undefined : b)", [method, url, body])


def wait_for_job(page, timeout: float = 90_000) -> None:
    page.wait_for_selector("#jobs .job[data-status=done], #jobs .job[data-status=failed]", timeout=timeout)
    assert page.locator("#jobs .job").first.get_attribute("data-status") == "done", page.locator("#jobs").inner_text()


def test_log_in_and_see_the_dashboard(page):
    log_in(page)
    assert page.locator("h1").inner_text() == "Overzicht"
    assert page.locator("table.heat tbody tr").count() >= 5
    shot(page, "02-dashboard")
    page.goto(page.base + "/orders")
    page.select_option("select[name=late]", "yes")
    page.wait_for_timeout(600)
    rows = page.locator("#orders tbody tr")
    assert rows.count() >= 1
    shot(page, "03-orders")
    page.goto(page.base + "/masterdata?tab=operators")
    assert page.locator("#skills tbody tr").count() >= 5
    shot(page, "04-skills")


def test_quote_from_a_dxf_becomes_an_order_that_the_board_shows(page, server, tmp_path):
    log_in(page, "planner")
    plate = _plate_dxf(tmp_path / "montageplaat.dxf")
    page.goto(page.base + "/quote")
    page.set_input_files("#dxf-files", str(plate))
    page.fill("input[name=quantities]", "5,25,100")
    page.click("#quote-form button[type=submit]")
    page.wait_for_selector(".quoted-part", timeout=30_000)
    assert page.locator(".quoted-part table.breakdown tbody tr").count() == 3
    assert "montageplaat.dxf" in page.locator(".quoted-part h3").inner_text()
    shot(page, "05-quote")
    page.click("#save-quote button")
    page.wait_for_url("**/quotes/OFF-*")
    shot(page, "06-quote-saved")
    page.click("#make-order")
    page.wait_for_url("**/orders/ORD-*")
    number = page.url.rsplit("/", 1)[1]
    page.click("#release")
    page.wait_for_selector(".status.released")
    shot(page, "07-order")
    # replan, with progress on the page, then find the new order's operations on the board
    page.goto(page.base + "/planning")
    page.wait_for_selector("#board[data-loaded=true]", timeout=20_000)
    # the planner says minutes late count most (stored for the shop at once), then replans
    with page.expect_response(lambda r: r.url.endswith("/planning/objectives")) as saved:
        page.select_option("#objectives", "tardiness,late_jobs,setup,flow_time")
    assert saved.value.status == 204
    page.fill("#replan-form input[name=time_limit]", "2")
    page.click("#replan")
    page.wait_for_selector("#jobs .job")
    wait_for_job(page)
    assert api(page, "GET", "/api/settings/planning")["objectives"][0] == "tardiness"
    page.wait_for_function(f"window.maakbaarBoard && maakbaarBoard.items.get().some(i => i.order === '{number}')",
                           timeout=20_000)
    first = page.evaluate(f"maakbaarBoard.items.get().filter(i => i.order === '{number}')"
                          ".sort((a, b) => a.start < b.start ? -1 : 1)[0].id")
    page.evaluate(f"maakbaarBoard.timeline.focus('{first}', {{animation: false}})")
    page.wait_for_timeout(500)
    bar = page.locator(".vis-item.vis-range", has_text=number).first
    assert bar.is_visible()
    shot(page, "08-planning-board")


def test_drag_an_operation_and_see_the_conflict(page):
    log_in(page, "planner")
    page.goto(page.base + "/planning")
    page.wait_for_selector("#board[data-loaded=true]", timeout=20_000)
    # the board opens at midnight of the first planned day, so that day has its label on the axis; when the
    # first work is late in the evening, two hours before it
    first_day, labels = page.evaluate("""async () => {
        const board = await maakbaar.api("GET", "/api/plans/current/board?days=21");
        return [new Date(board.first).getDate(),
                [...document.querySelectorAll("#board .vis-time-axis .vis-text.vis-minor")].map(e => e.innerText)];
    }""")
    assert any(label.split()[-1] == str(first_day) for label in labels if label.strip()), (first_day, labels)
    starts = page.evaluate("""() => [[2026, 10, 30, 5], [2026, 10, 30, 1], [2026, 10, 30, 22]].map(([y, m, d, h]) => {
        const s = maakbaarBoard.windowStart(new Date(y, m, d, h, 30));
        return [s.getDate(), s.getHours(), s.getMinutes()];
    })""")
    assert starts == [[30, 0, 0], [29, 23, 30], [30, 20, 30]]  # 01:30: the 30th begins inside the window
    # two released operations back to back on one machine, both still to do
    pair = page.evaluate("""async () => {
        const board = await maakbaar.api("GET", "/api/plans/current/board?days=21");
        const bars = board.items.filter(i => i.type !== "background" && !i.id.startsWith("setup:") && i.id.startsWith("WO-"))
            .sort((a, b) => a.start < b.start ? -1 : 1);
        for (const a of bars) {
            const b = bars.find(x => x.group === a.group && x.start > a.start);
            if (!b) continue;
            const [wa, sa] = [a.id.slice(0, a.id.lastIndexOf("/")), a.id.slice(a.id.lastIndexOf("/") + 1)];
            const wo = await maakbaar.api("GET", "/api/work-orders/" + encodeURIComponent(wa));
            if (wo.operations.find(o => String(o.sequence) === sa).status === "pending") return [a, b];
        }
        return null;
    }""")
    assert pair, "no two pending operations on one machine"
    a, b = pair
    page.evaluate(f"maakbaarBoard.timeline.setWindow(new Date(new Date('{a['start']}').getTime() - 3600000), "
                  f"new Date(new Date('{b['start']}').getTime() + 6 * 3600000), {{animation: false}})")
    page.wait_for_timeout(600)
    source = page.locator(f".vis-item.vis-range[data-id='{a['id']}']") if page.locator(
        f".vis-item.vis-range[data-id='{a['id']}']").count() else None
    # vis-timeline does not put ids on elements: find the bar by its label and position
    box = page.evaluate(f"""() => {{
        const tl = maakbaarBoard.timeline;
        const item = tl.itemSet.items['{a['id']}'];
        const r = item.dom.box.getBoundingClientRect();
        return {{x: r.left + Math.min(8, r.width / 2), y: r.top + r.height / 2}};
    }}""")
    target_x = page.evaluate(f"""() => {{
        const tl = maakbaarBoard.timeline;
        const item = tl.itemSet.items['{b['id']}'];
        const r = item.dom.box.getBoundingClientRect();
        return r.left + Math.min(8, r.width / 2);
    }}""")
    assert source is None or source.count() >= 0
    page.mouse.move(box["x"], box["y"])
    page.mouse.down()
    steps = 12
    for k in range(1, steps + 1):
        page.mouse.move(box["x"] + (target_x - box["x"]) * k / steps, box["y"])
        page.wait_for_timeout(30)
    page.mouse.up()
    page.wait_for_selector("#conflicts:not([hidden])", timeout=20_000)
    text = page.locator("#conflicts").inner_text()
    assert "Verplaatst" in text and a["id"] in text
    assert "Conflicten" in text, text
    assert "overlappen op" in text or "omsteltijd" in text or "werktijd" in text, text
    assert "bad" in page.locator("#conflicts").get_attribute("class")
    shot(page, "09-drag-conflict")


def test_machine_down_moves_its_operations(page):
    log_in(page, "planner")
    page.goto(page.base + "/planning")
    page.wait_for_selector("#board[data-loaded=true]", timeout=20_000)
    board = api(page, "GET", "/api/plans/current/board?days=21")
    bars = sorted((i for i in board["items"] if i.get("type") != "background" and not i["id"].startswith("setup:")
                   and i["group"] == "LAS01"), key=lambda i: i["start"])
    first = dt.datetime.fromisoformat(bars[0]["start"])
    start, end = first - dt.timedelta(hours=1), first + dt.timedelta(hours=16)
    hit = [b["id"] for b in bars if dt.datetime.fromisoformat(b["start"]) < end
           and dt.datetime.fromisoformat(b["end"]) > start]
    assert hit
    page.click("#machine-down")
    page.select_option("#down-form select[name=machine]", "LAS01")
    page.fill("#down-form input[name=start]", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#down-form input[name=end]", end.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#down-form input[name=reason]", "bronafstelling")
    shot(page, "10-machine-down")
    page.click("#down-save")
    page.wait_for_selector("#jobs .job")
    wait_for_job(page)
    page.wait_for_timeout(800)
    after = {i["id"]: i for i in api(page, "GET", "/api/plans/current/board?days=21")["items"]}
    assert any(i.get("className") == "down" and i["group"] == "LAS01" for i in after.values())
    for key in hit:
        moved = after.get(key)
        if moved is None or moved["group"] != "LAS01":
            continue  # planned elsewhere or left out: not in the down window either way
        s, e = dt.datetime.fromisoformat(moved["start"]), dt.datetime.fromisoformat(moved["end"])
        started = api(page, "GET", "/api/work-orders/" + key.rsplit("/", 1)[0]) if key.startswith("WO-") else None
        status = next((o["status"] for o in started["operations"] if str(o["sequence"]) == key.rsplit("/", 1)[1]),
                      "pending") if started else "pending"
        if status == "pending":
            assert e <= start or s >= end, (key, moved["start"], moved["end"])
    page.evaluate(f"maakbaarBoard.timeline.setWindow(new Date('{start.isoformat()}'), "
                  f"new Date('{(end + dt.timedelta(hours=8)).isoformat()}'), {{animation: false}})")
    page.wait_for_timeout(500)
    shot(page, "11-after-breakdown")


def test_nesting_and_co2_pages(page):
    log_in(page, "planner")
    page.goto(page.base + "/nests")
    page.locator(".nest-button").first.click()
    page.wait_for_selector("#jobs .job[data-status=done]", timeout=90_000)
    page.locator("#jobs .job a").first.click()
    page.wait_for_selector(".sheet img")
    page.wait_for_function("Array.from(document.querySelectorAll('.sheet img')).every(i => i.complete && i.naturalWidth > 0)")
    shot(page, "12-nest")
    page.goto(page.base + "/co2")
    page.select_option("select[name=order]", index=1)
    page.wait_for_selector("#footprint")
    assert page.locator("#footprint tbody tr").count() >= 3
    shot(page, "13-co2")


def test_operator_at_a_tablet_starts_and_finishes_a_job_and_the_office_sees_it(browser, server):
    tablet = browser.new_context(viewport={"width": 1024, "height": 768}, locale="nl-NL", has_touch=True)
    page = tablet.new_page()
    page.goto(server["url"] + "/terminal")
    page.fill("input[name=badge]", "1001")
    page.fill("input[name=pin]", "1234")
    shot(page, "14-terminal-login")
    page.click("#badge-form button")
    page.select_option("select[name=wc]", "LASER")
    page.wait_for_selector(".queue-item")
    shot(page, "15-terminal-queue")
    first = page.locator(".queue li.pending .queue-item").first
    op_key = first.get_attribute("href").split("/terminal/card/")[1]
    number = op_key.rsplit("/", 1)[0]
    first.click()
    page.wait_for_selector("#start_run")
    box = page.locator("#start_run").bounding_box()
    assert box["height"] >= 48 and box["width"] >= 120  # a target a gloved finger hits
    page.click("#start_run")
    page.wait_for_selector("#message")
    assert "Productie gestart" in page.locator("#message").inner_text()
    quantity = int(page.locator("#progress").inner_text().split("/")[1])
    page.fill("#finish-form input[name=good]", str(quantity))
    shot(page, "16-terminal-card")
    page.click("#finish")
    page.wait_for_selector("#message")
    assert page.locator("#progress").inner_text().replace(" ", "") == f"{quantity}/{quantity}"
    assert page.locator("#op-status").inner_text() == "gereed"
    tablet.close()
    office = browser.new_context(viewport={"width": 1440, "height": 900}, locale="nl-NL")
    desk = office.new_page()
    desk.base = server["url"]
    log_in(desk, "planner")
    order = api(desk, "GET", f"/api/work-orders/{number}")["order"]
    desk.goto(server["url"] + f"/orders/{order}")
    row = desk.locator("#operations tbody tr", has_text=number).filter(has_text=op_key.rsplit("/", 1)[1]).first
    assert "gereed" in desk.locator("#operations").inner_text()
    assert desk.locator(".status").first.inner_text() in ("in productie", "gereed")
    shot(desk, "17-office-sees-progress")
    assert row.count() == 1
    office.close()


def _table_counts(path) -> dict[str, int]:
    import sqlite3

    with sqlite3.connect(path) as connection:
        names = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def test_import_a_good_a_bad_and_the_same_good_file_from_the_page(page, server, tmp_path):
    """Upload, preview (what is added and updated; every bad row with its number and reason), confirm. A bad
    file changes no table; the same good file a second time is refused (its orders exist) and changes nothing."""
    log_in(page, "planner")
    parts = api(page, "GET", "/api/parts")
    part = next(p["number"] for p in parts if p["routing"])
    customer = api(page, "GET", "/api/customers")[0]["code"]
    due = (clock.today() + dt.timedelta(days=30)).strftime("%d-%m-%Y")
    good = tmp_path / "orders-week.csv"
    good.write_text("order;customer;due_date;part;quantity;unit_price\n"
                    f"IMP-1;{customer};{due};{part};25;12,50\nIMP-2;{customer};{due};{part};5;12,50\n",
                    encoding="cp1252")
    bad = tmp_path / "orders-fout.csv"
    bad.write_text("order;customer;due_date;part;quantity\n"
                   f"IMP-3;{customer};{due};{part};10\nIMP-4;NIEMAND;{due};{part};10\nIMP-5;{customer};morgen;{part};x\n",
                   encoding="utf-8")
    database = server["folder"] / "maakbaar.db"
    page.goto(page.base + "/masterdata")
    page.set_input_files("form[action='/masterdata/import'] input[type=file]", str(good))
    page.click("form[action='/masterdata/import'] button")
    page.wait_for_selector("#import-preview")
    shot(page, "20-import-preview")
    assert page.locator("#import-counts tr[data-kind=orders] td").nth(1).inner_text() == "2"
    assert "IMP-1" not in [o["number"] for o in api(page, "GET", "/api/orders")]  # a preview stores nothing
    page.click("#import-confirm button")
    page.wait_for_selector("#import-stored")
    assert page.locator("#import-counts tr[data-kind=orders] td").nth(1).inner_text() == "2"
    shot(page, "21-import-stored")
    assert {"IMP-1", "IMP-2"} <= {o["number"] for o in api(page, "GET", "/api/orders")}

    before = _table_counts(database)
    page.goto(page.base + "/masterdata")
    page.set_input_files("form[action='/masterdata/import'] input[type=file]", str(bad))
    page.click("form[action='/masterdata/import'] button")
    page.wait_for_selector("#import-refused")
    problems = page.locator("#import-problems tbody tr").all_inner_texts()
    shot(page, "22-import-refused")
    assert any("orders rij 3" in p and "klant 'NIEMAND' bestaat niet" in p for p in problems), problems
    assert any("orders rij 4" in p and "'morgen' is geen datum" in p for p in problems), problems
    assert page.locator("#import-confirm").count() == 0
    assert _table_counts(database) == before

    page.goto(page.base + "/masterdata")
    page.set_input_files("form[action='/masterdata/import'] input[type=file]", str(good))
    page.click("form[action='/masterdata/import'] button")
    page.wait_for_selector("#import-refused")
    problems = page.locator("#import-problems tbody tr").all_inner_texts()
    assert any("orders rij 2: order 'IMP-1' bestaat al" in p for p in problems), problems
    assert _table_counts(database) == before


def test_a_pinned_operation_whose_step_before_breaks_down_is_released_not_the_replan(page):
    """Pin an operation (as a drag does), then the machine of the step before it breaks down for two days: the
    replan finishes, nothing is planned on the broken machine in its down time, the pin that became impossible
    is named above the board, and a pin can be released from the board."""
    log_in(page, "planner")
    page.goto(page.base + "/planning")
    page.wait_for_selector("#board[data-loaded=true]", timeout=20_000)
    pair = page.evaluate("""async () => {
        const board = await maakbaar.api("GET", "/api/plans/current/board?days=21");
        const bars = board.items.filter(i => i.type !== "background" && !i.id.startsWith("setup:") && i.id.startsWith("WO-"));
        const byKey = Object.fromEntries(bars.map(b => [b.id, b]));
        const sorted = bars.slice().sort((a, b) => a.start < b.start ? -1 : 1);
        // machines with work under way are left out: their breakdown would also stop that work
        const all = await maakbaar.api("GET", "/api/work-orders");
        const busy = new Set(all.flatMap(w => w.operations.filter(o => o.status === "started" || o.status === "paused")
            .map(o => o.assigned_machine)));
        for (const b of sorted) {
            const wo = b.id.slice(0, b.id.lastIndexOf("/"));
            const seq = Number(b.id.slice(b.id.lastIndexOf("/") + 1));
            const detail = await maakbaar.api("GET", "/api/work-orders/" + encodeURIComponent(wo));
            const pending = detail.operations.filter(o => o.status === "pending").sort((x, y) => x.sequence - y.sequence);
            const ops = pending.map(o => o.sequence);
            const i = ops.indexOf(seq);
            if (i < 1) continue;
            const before = byKey[wo + "/" + ops[i - 1]];
            // the step before can run on its machine only, so its breakdown cannot be planned around
            if (before && before.group !== b.group && !before.group.startsWith("UIT") && !busy.has(before.group)
                && pending[i - 1].eligible_machines.length === 1) return [before, b];
        }
        return null;
    }""")
    assert pair, "no pending operation whose step before is on another machine"
    before, pinned = pair
    moved = api(page, "POST", f"/api/plans/current/operations/{pinned['id']}/move",
                {"machine": pinned["group"], "start": pinned["start"][:16]})
    assert moved["start"] == pinned["start"][:16]
    # the step before's machine (its only one) breaks down from the plan's start until a day after the pin's: the
    # step before can neither run earlier than planned nor end before the pin
    start = dt.datetime.fromisoformat(api(page, "GET", "/api/plans/current")["origin"]).replace(second=0)
    end = max(start + dt.timedelta(days=2), dt.datetime.fromisoformat(pinned["start"]) + dt.timedelta(days=1))
    page.reload()
    page.wait_for_selector("#board[data-loaded=true]", timeout=20_000)
    page.click("#machine-down")
    page.select_option("#down-form select[name=machine]", before["group"])
    page.fill("#down-form input[name=start]", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#down-form input[name=end]", end.strftime("%Y-%m-%dT%H:%M"))
    page.click("#down-save")
    page.wait_for_selector("#jobs .job")
    wait_for_job(page)
    page.wait_for_selector("#dropped-pins", timeout=20_000)
    shot(page, "23-pin-released")
    assert pinned["id"] in page.locator("#dropped-pins").inner_text()
    assert "vorige stap" in page.locator("#dropped-pins").inner_text()
    after = api(page, "GET", "/api/plans/current/board?days=21")["items"]
    for item in after:
        if item.get("type") == "background" or item["group"] != before["group"] or item["id"].startswith("setup:"):
            continue
        s, e = dt.datetime.fromisoformat(item["start"]), dt.datetime.fromisoformat(item["end"])
        if e <= start or s >= end:
            continue
        # a bar that meets the down time began before it and pauses over it (the plan checker holds that no
        # minute of work lies inside); only an operation that may pause can do that
        assert s < start and e > end, (item["id"], item["start"], item["end"])
        number, sequence = item["id"].rsplit("/", 1)
        operations = api(page, "GET", f"/api/work-orders/{number}")["operations"]
        assert next(o for o in operations if str(o["sequence"]) == sequence)["may_pause"], item["id"]
    new = {i["id"]: i for i in after}
    assert new[pinned["id"]]["pinned"] is False
    assert new[pinned["id"]]["start"] >= new[before["id"]]["end"]
    # pin another bar and release it from the board's detail panel
    def pending(item) -> bool:
        number, sequence = item["id"].rsplit("/", 1)
        operations = api(page, "GET", f"/api/work-orders/{number}")["operations"]
        return next(o for o in operations if str(o["sequence"]) == sequence)["status"] == "pending"

    other = next(i for i in sorted(after, key=lambda i: i["start"]) if i.get("type") != "background"
                 and i["id"].startswith("WO-") and i["id"] != pinned["id"] and i["start"] > before["start"]
                 and pending(i))
    api(page, "POST", f"/api/plans/current/operations/{other['id']}/move",
        {"machine": other["group"], "start": other["start"][:16]})
    page.reload()
    page.wait_for_selector("#board[data-loaded=true]", timeout=20_000)
    page.evaluate(f"maakbaarBoard.timeline.setWindow(new Date(new Date('{other['start']}').getTime() - 3600000), "
                  f"new Date(new Date('{other['end']}').getTime() + 3600000), {{animation: false}})")
    page.wait_for_timeout(600)
    box = page.evaluate(f"""() => {{
        const r = maakbaarBoard.timeline.itemSet.items['{other['id']}'].dom.box.getBoundingClientRect();
        return {{x: r.left + r.width / 2, y: r.top + r.height / 2}};
    }}""")
    page.mouse.click(box["x"], box["y"])
    page.wait_for_selector("#unpin")
    shot(page, "24-unpin")
    page.click("#unpin")
    page.wait_for_selector("#conflicts.ok")
    assert other["id"] in page.locator("#conflicts").inner_text()
    board = {i["id"]: i for i in api(page, "GET", "/api/plans/current/board?days=21")["items"]}
    assert board[other["id"]]["pinned"] is False
