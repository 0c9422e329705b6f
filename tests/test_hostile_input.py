"""Hostile and careless input at the web's edges: paths that try to leave the data folder, dates and numbers
outside what a shop plans with, ids past what the database stores, text with control characters, a CSV in a
Central European code page, a reused idempotency key, a booking for nobody, guessed passwords and PINs, and
sessions that must end. Each of these answered 500, wrote outside the data folder or let a guesser go on."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from maakbaar import clock
from maakbaar.web import security
from tests.test_cli import _plate_dxf
from tests.test_web import PASSWORD, app, login  # noqa: F401 - the app fixture
from tests.conftest import DEMO_START


@pytest.fixture(autouse=True)
def _fresh_limits():
    security.addresses._failures.clear()
    saved = clock.state()
    yield
    security.addresses._failures.clear()
    clock.restore(saved)


def _dxf(tmp_path: Path) -> bytes:
    path = tmp_path / "plaat.dxf"
    _plate_dxf(path)
    return path.read_bytes()


def test_no_upload_path_leaves_the_data_folder(app, tmp_path, monkeypatch):  # noqa: F811
    data = Path(app.state.engine.url.database).parent / "data"
    outside = tmp_path / "buiten"
    with TestClient(app) as client:
        login(client, "calculator")
        form = {"material": "S235JR", "thickness_mm": "3", "quantities": "1,10"}
        dxf = _dxf(tmp_path)
        for token in ("../../buiten", str(outside), "..%2f..%2fbuiten", "a/../../b", "0" * 31 + "/", "."):
            answer = client.post("/api/quotes/calculate", data=dict(form, upload=token),
                                 files=[("files", ("plaat.dxf", dxf, "application/dxf"))])
            assert answer.status_code == 400, (token, answer.status_code)
            page = client.post("/quote/calculate", data=dict(form, upload=token, csrf_token=client.headers[
                "X-CSRF-Token"]), files=[("files", ("plaat.dxf", dxf, "application/dxf"))])
            assert page.status_code == 400, (token, page.status_code)
            saved = client.post("/api/quotes/from-upload", data=dict(form, upload=token, customer="K1001"))
            assert saved.status_code == 400, (token, saved.status_code)
            saved_page = client.post("/quote/save", data=dict(form, upload=token, customer="K1001",
                                                              csrf_token=client.headers["X-CSRF-Token"]))
            assert saved_page.status_code == 400, (token, saved_page.status_code)
        assert not outside.exists()
        # a file name with a path in it is stored inside a fresh upload folder, under a name the server made
        answer = client.post("/api/quotes/calculate", data=form,
                             files=[("files", ("..\\..\\C:/tekeningen/../beugel 1.DXF", dxf, "application/dxf"))])
        assert answer.status_code == 200, answer.text
        folder = data / "uploads" / answer.json()["upload"]
        assert [p.name for p in folder.iterdir()] == ["beugel_1.dxf"]
        assert all(p.resolve().is_relative_to(data.resolve()) for p in data.rglob("*"))
        # the import's confirmation takes only the server's token
        login(client, "planner")
        csrf = client.headers["X-CSRF-Token"]
        for token in ("../../maakbaar", "0" * 32 + ".csv", str(outside)):
            refused = client.post("/masterdata/import/confirm", data={"token": token, "csrf_token": csrf})
            assert refused.status_code in (400, 404), (token, refused.status_code)
        preview = client.post("/masterdata/import", data={"csrf_token": csrf}, files={
            "file": ("../../../orders.csv", b"order;customer;due_date;part;quantity\n", "text/csv")})
        assert preview.status_code == 200, preview.text
        assert all(p.parent == data / "imports" and len(p.stem) == 32 for p in (data / "imports").iterdir()
                   if p.suffix == ".csv")


def test_dates_numbers_ids_and_text_outside_the_shops_range_are_422_not_500(app):  # noqa: F811
    base = {"number": "ORD-HOSTILE", "customer": "K1001", "order_date": str(DEMO_START),
            "release_date": str(DEMO_START), "due_date": str(DEMO_START + dt.timedelta(days=20)),
            "lines": [{"line_no": 1, "part": "P20001", "quantity": 5}]}
    with TestClient(app) as client:
        login(client, "planner")
        for change in ({"due_date": "9999-12-31"}, {"order_date": "0001-01-01"},
                       {"customer_reference": "PO\x00123"},
                       {"lines": [{"line_no": 1, "part": "P20001", "quantity": 10**20}]},
                       {"lines": [{"line_no": 1, "part": "P20001", "quantity": 5, "unit_price": 1e308 * 10}]}):
            body = json.dumps(dict(base, **change))  # Python writes inf as Infinity, which the server parses
            answer = client.post("/api/orders", content=body, headers={"Content-Type": "application/json"})
            assert answer.status_code == 422, (change, answer.status_code, answer.text[:200])
        assert "9999-12-31 is not a date to plan with" in client.post(
            "/api/orders", json=dict(base, due_date="9999-12-31")).text
        for url in ("/api/nests/18446744073709551616", "/api/jobs/9223372036854775808", "/nests/99999999999",
                    "/api/nests/-1"):
            assert client.get(url).status_code == 422, url
        # an order due at the end of the window plans with the rest
        assert client.post("/api/orders", json=dict(base, due_date="2100-12-31")).status_code == 201


def test_a_csv_in_a_central_european_code_page_and_a_no_end_date_row(app, tmp_path):  # noqa: F811
    due = (DEMO_START + dt.timedelta(days=30)).strftime("%d-%m-%Y")
    text = ("order;customer;customer_reference;due_date;part;quantity\n"
            f"ORD-CP1;K1001;Ťažná Łódź;{due};P20001;4\n")
    with TestClient(app) as client:
        login(client, "planner")
        csrf = client.headers["X-CSRF-Token"]
        preview = client.post("/masterdata/import", data={"csrf_token": csrf},
                              files={"file": ("orders.csv", text.encode("cp1250"), "text/csv")})
        assert preview.status_code == 200, preview.text
        token = preview.text.split('name="token" value="')[1].split('"')[0]
        stored = client.post("/masterdata/import/confirm", data={"token": token, "csrf_token": csrf})
        assert stored.status_code == 200
        assert client.get("/api/orders/ORD-CP1").json()["customer_reference"] == "Ťažná Łódź"
        no_end = client.post("/masterdata/import", data={"csrf_token": csrf}, files={
            "file": ("orders.csv", b"order;customer;due_date;part;quantity\nORD-X;K1001;9999-12-31;P20001;4\n",
                     "text/csv")})
        assert no_end.status_code == 422 and "orders rij 2" in no_end.text and "9999-12-31 is geen datum" in no_end.text


def test_an_idempotency_key_is_bound_to_its_booking_and_nobody_cannot_book(app):  # noqa: F811
    with TestClient(app) as client:
        login(client, "planner")
        keys = [f"{w['number']}/{w['operations'][0]['sequence']}" for w in client.get("/api/work-orders").json()
                if w["status"] == "released" and w["operations"][0]["status"] == "pending"][:2]
        first = client.post(f"/api/floor/operations/{keys[0]}/start_run", headers={"Idempotency-Key": "k-1"})
        assert first.status_code == 200
        other = client.post(f"/api/floor/operations/{keys[1]}/start_run", headers={"Idempotency-Key": "k-1"})
        assert other.status_code == 409 and "new key" in other.text
        nobody = client.post(f"/api/floor/operations/{keys[1]}/start_run", json={"operator": "NIEMAND"},
                             headers={"Idempotency-Key": "k-2"})
        assert nobody.status_code == 404 and "NIEMAND" in nobody.text
        machine = client.post(f"/api/floor/operations/{keys[1]}/start_run", json={"machine": "GEEN"},
                              headers={"Idempotency-Key": "k-3"})
        assert machine.status_code == 404


def test_guessing_a_password_makes_the_account_wait_then_locks_it_until_an_admin_lifts_it(app):  # noqa: F811
    start = clock.now()
    with TestClient(app) as guesser, TestClient(app) as admin:
        for attempt in range(5):
            assert guesser.post("/api/login", json={"username": "calculator", "password": "raden"}).status_code == 401
        # the right password is not even checked while the account waits
        waiting = guesser.post("/api/login", json={"username": "calculator", "password": PASSWORD})
        assert waiting.status_code == 429 and "try again in 1 min" in waiting.text
        assert int(waiting.headers["Retry-After"]) == 60
        # five more wrong ones, each after the wait: then only an admin can lift it
        for attempt in range(5):
            clock.set_now(start + dt.timedelta(hours=attempt + 1))
            security.addresses._failures.clear()
            assert guesser.post("/api/login", json={"username": "calculator", "password": "raden"}).status_code == 401
        clock.set_now(start + dt.timedelta(days=30))
        locked = guesser.post("/api/login", json={"username": "calculator", "password": PASSWORD})
        assert locked.status_code == 429 and "administrator" in locked.text
        login(admin, "beheer")
        users = {u["username"]: u for u in admin.get("/api/users").json()}
        assert users["calculator"]["locked"] is True
        assert admin.patch("/api/users/calculator", json={"unlock": True}).status_code == 200
        assert guesser.post("/api/login", json={"username": "calculator", "password": PASSWORD}).status_code == 200


def test_guessing_pins_waits_too_and_so_does_one_address_trying_many_users(app):  # noqa: F811
    with TestClient(app) as tablet:
        for attempt in range(5):
            assert tablet.post("/api/floor/login", json={"badge": "1001", "pin": f"{attempt:04d}"}).status_code == 401
        assert tablet.post("/api/floor/login", json={"badge": "1001", "pin": "1234"}).status_code == 429
        security.addresses._failures.clear()
        for attempt in range(20):  # many names from one address: the address waits
            assert tablet.post("/api/login", json={"username": f"naam{attempt}", "password": "x"}).status_code == 401
        answer = tablet.post("/api/login", json={"username": "planner", "password": PASSWORD})
        assert answer.status_code == 429 and "this device" in answer.text


def test_log_out_and_a_new_password_end_the_session_even_for_a_copied_cookie(app):  # noqa: F811
    with TestClient(app) as client, TestClient(app) as thief, TestClient(app) as admin:
        login(client, "kijker")
        thief.cookies.update(client.cookies)
        assert thief.get("/api/me").status_code == 200
        client.post("/api/logout")
        assert thief.get("/api/me").status_code == 401
        login(client, "kijker")
        thief.cookies.clear()
        thief.cookies.update(client.cookies)
        assert thief.get("/api/me").status_code == 200
        login(admin, "beheer")
        assert admin.patch("/api/users/kijker", json={"password": "nieuw-wachtwoord"}).status_code == 200
        assert thief.get("/api/me").status_code == 401 and client.get("/api/me").status_code == 401
        assert client.post("/api/login", json={"username": "kijker", "password": "nieuw-wachtwoord"}).status_code == 200


def test_a_shop_file_nested_ten_thousand_deep_is_a_problem_not_a_recursion_error():
    from maakbaar.services.errors import ImportProblem
    from maakbaar.services.shop_io import parse_shop_document

    deep = '{"format": "maakbaar-shop", "version": 1, "shop": ' + "[" * 10_000 + "]" * 10_000 + "}"
    with pytest.raises(ImportProblem) as caught:
        parse_shop_document(deep)
    assert caught.value.problems


def test_old_uploads_nobody_saved_and_unconfirmed_imports_are_cleared(session, tmp_path):
    import os
    import time

    from maakbaar.services import shop_io
    from maakbaar.services.housekeeping import clean_data_folder
    from tests import factories as f

    kept, old, new = "a" * 32, "b" * 32, "c" * 32
    for name in (kept, old, new):
        (tmp_path / "uploads" / name).mkdir(parents=True)
        (tmp_path / "uploads" / name / "plaat.dxf").write_text("0\nEOF\n")
    (tmp_path / "uploads" / "eigen-map").mkdir()  # not a name the server made: never touched
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports" / f"{'d' * 32}.csv").write_text("x")
    shop = f.small_shop()
    part = shop.parts[0].model_copy(update={"geometry_ref": str(tmp_path / "uploads" / kept / "plaat.dxf")})
    shop_io.store_shop(session, shop.model_copy(update={"parts": (part, *shop.parts[1:])}))
    week_ago = time.time() - 8 * 86400
    for path in (tmp_path / "uploads" / kept, tmp_path / "uploads" / old, tmp_path / "uploads" / "eigen-map",
                 tmp_path / "imports" / f"{'d' * 32}.csv"):
        os.utime(path, (week_ago, week_ago))
    removed = clean_data_folder(session, tmp_path)
    assert removed == {"uploads": 1, "imports": 1}
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == sorted([kept, new, "eigen-map"])


def test_the_api_documentation_needs_no_internet_and_lookup_bugs_are_not_404(app):  # noqa: F811
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/docs").text
        assert "/vendor/swagger-ui-bundle.js" in page and "/vendor/swagger-ui.css" in page
        assert "cdn" not in page.lower() and "https://" not in page
        assert client.get("/vendor/swagger-ui-bundle.js").status_code == 200
        # a KeyError inside a route is a fault (500), not 'not found'
        from maakbaar.services import cache
        from maakbaar.web import board

        login(client, "planner")
        original = board.board_data
        try:
            board.board_data = lambda *a, **k: {}["geen"]
            cache.clear()  # the board's data is cached per data version
            answer = client.get("/api/plans/current/board", params={"days": 13})
            assert answer.status_code == 500
        finally:
            board.board_data = original


def test_a_bad_thickness_names_the_thickness_not_an_internal_field(app, tmp_path):  # noqa: F811
    with TestClient(app) as client:
        login(client, "calculator")
        dxf = _dxf(tmp_path)
        for thickness in ("0", "-3", "1e9", "nan", "inf"):
            answer = client.post("/api/quotes/calculate", data={"material": "S235JR", "thickness_mm": thickness},
                                 files=[("files", ("plaat.dxf", dxf, "application/dxf"))])
            assert answer.status_code == 422, (thickness, answer.status_code)
            fields = [e["loc"][-1] for e in answer.json()["detail"]]
            assert fields == ["thickness_mm"], (thickness, answer.text[:300])
            assert "run_min_per_piece" not in answer.text
