"""The layers hold: web and CLI only translate (no SQLAlchemy, no tables), engines know nothing of the outside,
and one use case gives the same stored result whichever door it came through (page, API, CLI)."""

from __future__ import annotations

import ast
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from maakbaar.cli.main import app as cli
from maakbaar.store.db import make_engine, unit_of_work
from maakbaar.store.repositories import Repositories
from maakbaar.web.app import create_app
from tests.conftest import DEMO_START
from tests.test_cli import _plate_dxf
from tests.test_web import login

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "maakbaar"
ENGINES = ("geometry", "costing", "nesting", "planning", "co2", "floor", "domain", "documents")


def _imports(path: Path, package: Path = PACKAGE) -> set[str]:
    """Every module a file imports, relative imports resolved against the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = path.relative_to(package.parent).with_suffix("").parts
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:len(here) - node.level]
                module = ".".join(base + ((node.module,) if node.module else ()))
                names = {f"{module}.{alias.name}" for alias in node.names}
                found |= {module} | names
            else:
                found.add(node.module or "")
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _offenders(folder: str, forbidden, package: Path = PACKAGE) -> list[str]:
    out = []
    for path in sorted((package / folder).rglob("*.py")):
        for module in sorted(_imports(path, package)):
            if forbidden(module):
                out.append(f"{path.relative_to(package)} imports {module}")
    return out


@pytest.mark.parametrize("layer", ["web", "cli"])
def test_web_and_cli_never_touch_the_database_directly(layer):
    def forbidden(module: str) -> bool:
        return module == "sqlalchemy" or module.startswith("sqlalchemy.") or module.startswith("maakbaar.store.tables")

    assert _offenders(layer, forbidden) == []


# what a service may take from SQLAlchemy: the session and engine it is handed, commit hooks, error classes
SERVICE_SQLALCHEMY = {"sqlalchemy", "sqlalchemy.orm", "sqlalchemy.orm.Session", "sqlalchemy.Engine",
                      "sqlalchemy.event", "sqlalchemy.exc", "sqlalchemy.exc.IntegrityError",
                      "sqlalchemy.exc.OperationalError", "sqlalchemy.exc.SQLAlchemyError"}


def test_services_leave_every_query_to_the_repositories():
    """Plans, nests, jobs, floor records and users have repositories (``store.records``) as master data has
    (``store.repositories``): no service imports a table or builds a query."""
    def forbidden(module: str) -> bool:
        if module.startswith("maakbaar.store.tables"):
            return True
        return module.startswith("sqlalchemy") and module not in SERVICE_SQLALCHEMY

    assert _offenders("services", forbidden) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_know_nothing_of_store_services_web_or_cli(engine):
    def forbidden(module: str) -> bool:
        return any(module == f"maakbaar.{outer}" or module.startswith(f"maakbaar.{outer}.")
                   for outer in ("store", "services", "web", "cli")) or module.startswith("sqlalchemy")

    assert _offenders(engine, forbidden) == []


def test_the_boundary_check_sees_an_offence(tmp_path):
    """The check above would catch a query in a web module (it is not blind to relative imports)."""
    package = tmp_path / "maakbaar"
    (package / "web").mkdir(parents=True)
    (package / "web" / "_offence_probe.py").write_text(
        "from ..store.tables import OrderRow\nfrom sqlalchemy import select\n", encoding="utf-8")
    found = _offenders("web", lambda m: m.startswith("sqlalchemy") or m.startswith("maakbaar.store.tables"),
                       package)
    assert found == ["web/_offence_probe.py imports maakbaar.store.tables",
                     "web/_offence_probe.py imports maakbaar.store.tables.OrderRow",
                     "web/_offence_probe.py imports sqlalchemy",
                     "web/_offence_probe.py imports sqlalchemy.select"]


# ---------------------------------------------------------------------------- one use case, three doors
@pytest.fixture
def shop(demo_database, tmp_path, monkeypatch):
    """The demo shop in a file both the web app and the CLI open."""
    path = tmp_path / "maakbaar.db"
    shutil.copy(demo_database, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("MAAKBAAR_DATABASE_URL", url)
    monkeypatch.setenv("MAAKBAAR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MAAKBAAR_LANG", "en")  # the CLI's English is compared with the API's
    engine = make_engine(url)
    application = create_app(engine, secret="doors")
    with TestClient(application) as client:
        login(client, "beheer")
        yield application, client, tmp_path
    application.state.runner.shutdown()
    engine.dispose()


def _cli(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _stored_quote(engine, number: str) -> dict:
    with unit_of_work(engine) as session:
        repos = Repositories(session)
        quote = repos.quotes.get(number)
        parts = [repos.parts.get(line.part) for line in quote.lines]
        assert all(Path(p.geometry_ref).is_file() for p in parts)  # every door keeps the drawing for nesting
        return {"quote": quote.model_dump(exclude={"number"}) | {
                    "lines": [line.model_dump(exclude={"part"}) for line in quote.lines]},
                "parts": [p.model_dump(exclude={"number", "geometry_ref"}) for p in parts]}


def test_a_quote_saved_through_the_page_the_api_and_the_cli_is_stored_alike(shop):
    application, client, folder = shop
    drawing = _plate_dxf(folder / "plaat.dxf")
    form = {"material": "S235JR", "thickness_mm": "3", "quantities": "1, 10;50", "finish": "powder",
            "weld_length_mm": "120"}
    # the page: calculate, then save the upload for a customer
    with drawing.open("rb") as handle:
        page = client.post("/quote/calculate", data=form, files=[("files", ("C:\\tekening\\plaat.DXF", handle))])
    assert page.status_code == 200, page.text
    upload = re.search(r'name="upload" value="([0-9a-f]{32})"', page.text).group(1)
    saved = client.post("/quote/save", data=dict(form, upload=upload, customer="K1001"), follow_redirects=False)
    assert saved.status_code == 303, saved.text
    from_page = saved.headers["location"].rsplit("/", 1)[-1]
    # the API
    with drawing.open("rb") as handle:
        answer = client.post("/api/quotes/calculate", data=form, files=[("files", ("plaat.dxf", handle))]).json()
    from_api = client.post("/api/quotes/from-upload", data=dict(form, upload=answer["upload"], customer="K1001"))
    assert from_api.status_code == 201, from_api.text
    from_api = from_api.json()["quote"]
    # the CLI
    said = _cli("quote", str(drawing), "--material", "S235JR", "--thickness", "3", "--qty", "1,10,50",
                "--finish", "powder", "--weld-mm", "120", "--save", "K1001")
    from_cli = re.search(r"Quote (OFF-\d+) stored", said).group(1)
    assert len({from_page, from_api, from_cli}) == 3
    engine = application.state.engine
    stored = [_stored_quote(engine, n) for n in (from_page, from_api, from_cli)]
    assert stored[0] == stored[1] == stored[2]  # lead times included: the promise does not depend on the clock
    breaks = stored[0]["quote"]["lines"][0]["breaks"]
    assert [b["quantity"] for b in breaks] == [1, 10, 50]
    assert breaks[0]["unit_price"] > breaks[-1]["unit_price"] > 0
    days = [b["lead_time_days"] for b in breaks]
    assert days == sorted(days) and days[0] >= 1  # never later for fewer pieces
    # the page showed the same days before saving
    assert days == [b["lead_time_days"] for b in answer["parts"][0]["breaks"]]


def _stored_order(engine, number: str) -> dict:
    with unit_of_work(engine) as session:
        return Repositories(session).orders.get(number).model_dump(exclude={"number"})


def test_an_order_made_through_the_page_the_api_and_the_cli_is_stored_alike(shop):
    application, client, _ = shop
    due = DEMO_START + dt.timedelta(days=30)
    with unit_of_work(application.state.engine) as session:
        parts = Repositories(session).parts.numbers_with_routing()[:2]
    page = client.post("/orders/new", data={
        "customer": "K1002", "reference": "PO 4711", "due_date": due.isoformat(), "priority": "4",
        "notes": "spoed", "part_1": parts[0], "quantity_1": "25", "part_2": parts[1], "quantity_2": "4"},
        follow_redirects=False)
    assert page.status_code == 303, page.text
    from_page = page.headers["location"].rsplit("/", 1)[-1]
    api = client.post("/api/orders", json={
        "customer": "K1002", "customer_reference": "PO 4711", "due_date": due.isoformat(), "priority": 4,
        "notes": "spoed", "lines": [{"part": parts[0], "quantity": 25}, {"part": parts[1], "quantity": 4}]})
    assert api.status_code == 201, api.text
    from_api = api.json()["number"]
    said = _cli("order", "new", "K1002", "--due", due.isoformat(), "--line", f"{parts[0]}:25", "--line",
                f"{parts[1]}:4", "--reference", "PO 4711", "--priority", "4", "--notes", "spoed")
    from_cli = re.search(r"Order (ORD-\d+) stored", said).group(1)
    numbers = [from_page, from_api, from_cli]
    year = f"ORD-{DEMO_START:%y}"
    assert all(n.startswith(year) for n in numbers)
    assert [int(n[len(year):]) for n in numbers] == sorted(int(n[len(year):]) for n in numbers)  # numbered in turn
    assert len(set(numbers)) == 3
    stored = [_stored_order(application.state.engine, n) for n in numbers]
    assert stored[0] == stored[1] == stored[2]
    assert stored[0]["order_date"] == stored[0]["release_date"] == DEMO_START
    assert [(ln["part"], ln["quantity"], ln["line_no"]) for ln in stored[0]["lines"]] == [(parts[0], 25, 1),
                                                                                           (parts[1], 4, 2)]
    # a refused order stores nothing, at every door
    before = len(client.get("/api/orders").json())
    assert client.post("/orders/new", data={"customer": "K1002", "due_date": due.isoformat(), "part_1": "GEEN",
                                            "quantity_1": "1"}).status_code == 422
    assert client.post("/api/orders", json={"customer": "K1002", "due_date": due.isoformat(),
                                            "lines": [{"part": "GEEN", "quantity": 1}]}).status_code == 404
    refused = CliRunner().invoke(cli, ["order", "new", "K1002", "--due", due.isoformat(), "--line", "GEEN:1"])
    assert refused.exit_code == 3 and "unknown part 'GEEN'" in refused.output
    assert len(client.get("/api/orders").json()) == before


def test_a_quote_becomes_the_same_order_with_the_chosen_quantity_at_every_door(shop):
    application, client, folder = shop
    drawing = _plate_dxf(folder / "plaat.dxf")
    said = _cli("quote", str(drawing), "--material", "S235JR", "--thickness", "3", "--qty", "1,10,50",
                "--save", "K1001")
    quotes = []
    for _ in range(3):  # three equal quotes, one for each door
        said = _cli("quote", str(drawing), "--material", "S235JR", "--thickness", "3", "--qty", "1,10,50",
                    "--save", "K1001")
        quotes.append(re.search(r"Quote (OFF-\d+) stored", said).group(1))
    page = client.post(f"/quotes/{quotes[0]}/order", data={"quantity_1": "30"}, follow_redirects=False)
    assert page.status_code == 303, page.text
    api = client.post(f"/api/quotes/{quotes[1]}/order", json={"quantities": {"1": 30}})
    assert api.status_code == 201, api.text
    said = _cli("order", "from-quote", quotes[2], "--qty", "1:30")
    numbers = [page.headers["location"].rsplit("/", 1)[-1], api.json()["order"],
               re.search(r"Order (ORD-\d+) stored", said).group(1)]
    from maakbaar.services.quoting import working_days_between

    stored = [_stored_order(application.state.engine, n) for n in numbers]
    for order, quote in zip(stored, quotes):
        assert order.pop("customer_reference") == f"offerte {quote}"
        with unit_of_work(application.state.engine) as session:
            chosen = next(b for b in Repositories(session).quotes.get(quote).lines[0].breaks if b.quantity == 10)
        # due after the lead time of the break the quantity falls in (each quote has its own promise)
        assert working_days_between(order["order_date"], order.pop("due_date")) == chosen.lead_time_days
        assert order["lines"][0].pop("part").startswith(quote)
    assert stored[0] == stored[1] == stored[2]
    with unit_of_work(application.state.engine) as session:
        breaks = Repositories(session).quotes.get(quotes[0]).lines[0].breaks
    # 30 pieces are priced at the 10-piece break (the largest not above 30)
    assert stored[0]["lines"][0]["quantity"] == 30
    assert stored[0]["lines"][0]["unit_price"] == next(b.unit_price for b in breaks if b.quantity == 10)
    assert client.post(f"/api/quotes/{quotes[0]}/order", json={"quantities": {"1": 0}}).status_code == 400


def test_moving_an_operation_brings_the_plans_late_flags_up_to_date(shop):
    application, client, _ = shop
    from maakbaar.services import planning_service

    with unit_of_work(application.state.engine) as session:
        plan = planning_service.current_plan_row(session)
        late_before = plan.late_jobs
    board = client.get("/api/plans/current/board", params={"days": 21}).json()
    bars = [i for i in board["items"] if i.get("type") != "background" and not i["id"].startswith("setup:")
            and i["id"].startswith("WO-") and not i["late"]]
    assert bars, "the demo plan has released operations of orders on time"
    for bar in bars:
        work_order = client.get(f"/api/work-orders/{bar['id'].rsplit('/', 1)[0]}").json()
        last = max(o["sequence"] for o in work_order["operations"])
        if str(last) == bar["id"].rsplit("/", 1)[1] and all(
                o["status"] == "pending" for o in work_order["operations"] if o["sequence"] == last):
            break
    else:
        pytest.fail("no last operation of an on-time order is pending")
    # the last step of an order on time, pushed five weeks on: that order is now late, and the plan says so
    far = (dt.datetime.fromisoformat(bar["start"]) + dt.timedelta(weeks=5)).isoformat()
    moved = client.post(f"/api/plans/current/operations/{bar['id']}/move", json={"machine": bar["group"],
                                                                                 "start": far})
    assert moved.status_code == 200, moved.text
    assert moved.json()["order_late"] is True
    current = client.get("/api/plans/current").json()
    assert current["late_jobs"] > late_before
    board = client.get("/api/plans/current/board", params={"days": 60}).json()
    assert next(i for i in board["items"] if i["id"] == bar["id"])["late"] is True
    overview = client.get("/api/orders-overview").json()
    assert next(o for o in overview if o["number"] == bar["order"])["planned_late"] is True


def _orders_csv(path: Path, number: str, parts: list[str], due: dt.date) -> Path:
    """An orders sheet as an office types it: semicolons, Dutch dates, a decimal comma."""
    path.write_text("order;customer;customer_reference;due_date;priority;line_no;part;quantity;unit_price\n"
                    f"{number};K1002;inkoop 77;{due:%d-%m-%Y};4;1;{parts[0]};12;18,40\n"
                    f"{number};K1002;inkoop 77;{due:%d-%m-%Y};4;2;{parts[1]};3;\n", encoding="utf-8")
    return path


def test_an_import_through_the_page_the_api_and_the_cli_is_stored_alike(shop):
    application, client, folder = shop
    due = DEMO_START + dt.timedelta(days=40)
    with unit_of_work(application.state.engine) as session:
        parts = Repositories(session).parts.numbers_with_routing()[:2]
    numbers = ["ORD-IMP-PAGE", "ORD-IMP-API", "ORD-IMP-CLI"]
    files = [_orders_csv(folder / f"orders-{n[-3:].lower()}.csv", n, parts, due) for n in numbers]
    # the page: preview, then confirm
    with files[0].open("rb") as handle:
        preview = client.post("/masterdata/import", files={"file": ("orders.csv", handle, "text/csv")})
    assert preview.status_code == 200, preview.text
    token = re.search(r'name="token" value="([0-9a-f]{32})"', preview.text).group(1)
    assert client.post("/masterdata/import/confirm", data={"token": token}).status_code == 200
    # the API: the preview stores nothing, the confirmation stores it once
    with files[1].open("rb") as handle:
        preview = client.post("/api/imports", files={"file": ("orders.csv", handle, "text/csv")})
    assert preview.status_code == 200, preview.text
    assert preview.json()["counts"]["orders"] == 1 and preview.json()["stored"] is False
    assert client.get(f"/api/orders/{numbers[1]}").status_code == 404
    token = preview.json()["token"]
    confirmed = client.post(f"/api/imports/{token}/confirm")
    assert confirmed.status_code == 201 and confirmed.json()["counts"] == preview.json()["counts"]
    assert client.post(f"/api/imports/{token}/confirm").status_code == 404  # once only
    # the CLI
    said = " ".join(_cli("import", str(files[2]), "--kind", "orders").split())
    assert "1 order" in said
    stored = [_stored_order(application.state.engine, n) for n in numbers]
    assert stored[0] == stored[1] == stored[2]
    assert [(ln["part"], ln["quantity"], ln["unit_price"]) for ln in stored[0]["lines"]] == [
        (parts[0], 12, 18.4), (parts[1], 3, None)]
    assert stored[0]["due_date"] == due and stored[0]["customer_reference"] == "inkoop 77"
    # a refused sheet stores nothing at any door, and each door names the row
    bad = folder / "orders.csv"
    bad.write_text("order;customer;due_date;part;quantity\nORD-IMP-BAD;K1002;31-02-2027;GEEN;1\n", encoding="utf-8")
    with bad.open("rb") as handle:
        page = client.post("/masterdata/import", files={"file": ("orders.csv", handle, "text/csv")})
    assert page.status_code == 422 and "rij 2" in page.text
    with bad.open("rb") as handle:
        api = client.post("/api/imports", files={"file": ("orders.csv", handle, "text/csv")})
    assert api.status_code == 422 and any("row 2" in p for p in api.json()["detail"])
    refused = CliRunner().invoke(cli, ["import", str(bad)])
    assert refused.exit_code == 1 and "row 2" in " ".join(refused.output.split())
    assert client.get("/api/orders/ORD-IMP-BAD").status_code == 404
    with (folder / "notes.txt").open("wb") as handle:
        handle.write(b"order;customer\n")
    with (folder / "notes.txt").open("rb") as handle:
        wrong_kind = client.post("/api/imports", files={"file": ("notes.txt", handle, "text/plain")})
    assert wrong_kind.status_code == 422
    assert wrong_kind.json()["detail"][0]["loc"] == ["body", "file"]
    assert ".txt file cannot be imported" in wrong_kind.json()["detail"][0]["msg"]


def _entries(engine, op_key: str) -> list[tuple]:
    from maakbaar.store.records import FloorRecords

    with unit_of_work(engine) as session:
        return [(e.operator_code, e.machine_code, e.activity, e.ended_at is not None, e.good_qty, e.scrap_qty,
                 e.end_reason) for e in FloorRecords(session).entries_for([op_key])]


def test_bookings_through_the_terminal_the_api_and_the_cli_are_stored_alike(shop):
    application, client, _ = shop
    engine = application.state.engine
    operator_code = next(u["operator_code"] for u in client.get("/api/users").json() if u["username"] == "operator")
    keys = []
    for work_order in client.get("/api/work-orders").json():
        first = work_order["operations"][0]
        if work_order["status"] == "released" and first["status"] == "pending" and \
                first["work_center_type"] == "laser" and work_order["quantity"] >= 3:
            keys.append(f"{work_order['number']}/{first['sequence']}")
    assert len(keys) >= 3, "the demo shop has three released laser work orders waiting"
    page_key, api_key, cli_key = keys[:3]
    # the terminal: the operator logs in with badge and PIN and books for himself
    with TestClient(application) as terminal:
        login_page = terminal.get("/terminal")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login_page.text).group(1)
        assert terminal.post("/terminal/login", data={"badge": "1001", "pin": "1234", "csrf_token": token},
                             follow_redirects=False).status_code == 303
        card = terminal.get(f"/terminal/card/{page_key}")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', card.text).group(1)
        for n, (action, good) in enumerate((("start_run", 0), ("finish", 2))):
            booked = terminal.post(f"/terminal/book/{page_key}", data={
                "csrf_token": csrf, "idempotency_key": f"page-{n}", "action": action, "good": str(good)})
            assert booked.status_code == 200 and 'class="error"' not in booked.text, booked.text
    # the API: a planner books for the operator
    for n, (action, body) in enumerate((("start_run", {}), ("finish", {"good": 2}))):
        booked = client.post(f"/api/floor/operations/{api_key}/{action}", json=dict(body, operator=operator_code),
                             headers={"Idempotency-Key": f"api-{n}"})
        assert booked.status_code == 200, booked.text
    # the CLI: the same, from the office
    _cli("floor", "book", cli_key, "start_run", "--operator", operator_code)
    said = _cli("floor", "book", cli_key, "finish", "--operator", operator_code, "--good", "2", "--key", "cli-1")
    assert "2 of" in said
    again = _cli("floor", "book", cli_key, "finish", "--operator", operator_code, "--good", "2", "--key", "cli-1")
    assert "booked before" in " ".join(again.split())  # the same key books once
    stored = []
    for key in (page_key, api_key, cli_key):
        work_order = client.get(f"/api/work-orders/{key.rsplit('/', 1)[0]}").json()
        operation = work_order["operations"][0]
        stored.append(((operation["status"], operation["quantity_done"], work_order["status"]),
                       [entry[:1] + entry[2:] for entry in _entries(engine, key)]))
    assert stored[0] == stored[1] == stored[2]
    assert stored[0][0][1] == 2 and stored[0][1] == [(operator_code, "run", True, 2, 0, stored[0][1][0][-1])]
    # a refused booking is refused alike, with the same reason: finishing what nobody started
    untouched = keys[3] if len(keys) > 3 else None
    assert untouched is not None, "a fourth released laser work order is waiting"
    api = client.post(f"/api/floor/operations/{untouched}/finish", json={"good": 1, "operator": operator_code},
                      headers={"Idempotency-Key": "api-refused"})
    assert api.status_code == 409
    refused = CliRunner().invoke(cli, ["floor", "book", untouched, "finish", "--operator", operator_code,
                                       "--good", "1"])
    assert refused.exit_code == 4
    assert " ".join(api.json()["detail"].split()) in " ".join(refused.output.split())
    assert _entries(engine, untouched) == []
    # the queue from the office shows what the terminal shows
    queue = _cli("floor", "queue", "LASER")
    terminal_queue = client.get("/api/floor/queue/LASER").json()
    assert [line.split()[0] for line in queue.splitlines()] == [i["op_key"] for i in terminal_queue]
    assert CliRunner().invoke(cli, ["floor", "queue", "GEEN"]).exit_code == 3
