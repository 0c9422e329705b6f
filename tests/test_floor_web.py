"""The shop floor through HTTP: badge log-in, queue, bookings with idempotency keys, events, post-calculation,
the printed work order; and an operator at a tablet in Chromium."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.test_web import app, login  # noqa: F401 - the app fixture


def _released_op(client: TestClient) -> tuple[str, str]:
    """An operation whose work order is released and whose previous step is done (or that is the first)."""
    for work_order in client.get("/api/work-orders").json():
        if work_order["status"] != "released":
            continue
        operations = work_order["operations"]
        first = operations[0]
        if first["status"] == "pending" and first["work_center_type"] == "laser":
            return f"{work_order['number']}/{first['sequence']}", work_order["number"]
    raise AssertionError("no released laser work order in the demo shop")


def test_badge_login_queue_and_bookings_through_the_api(app):  # noqa: F811
    with TestClient(app) as operator, TestClient(app) as viewer:
        assert operator.post("/api/floor/login", json={"badge": "1001", "pin": "0000"}).status_code == 401
        token = operator.post("/api/floor/login", json={"badge": "1001", "pin": "1234"}).json()["csrf_token"]
        operator.headers["X-CSRF-Token"] = token
        op_key, work_order = _released_op(operator)
        queue = operator.get("/api/floor/queue/LASER").json()
        assert op_key in [i["op_key"] for i in queue]
        assert operator.get("/api/floor/queue/NOPE").status_code == 404
        url = f"/api/floor/operations/{op_key}"
        assert operator.post(f"{url}/start_run").status_code == 422  # no Idempotency-Key
        assert operator.post(f"{url}/dance", headers={"Idempotency-Key": "x1"}).status_code == 404
        assert operator.post("/api/floor/operations/WO-NOPE-1/10/start_run",
                             headers={"Idempotency-Key": "x2"}).status_code == 404
        started = operator.post(f"{url}/start_run", headers={"Idempotency-Key": "k-start"})
        assert started.status_code == 200 and started.json()["status"] == "started"
        again = operator.post(f"{url}/start_run", headers={"Idempotency-Key": "k-start"})
        assert again.status_code == 200 and again.json()["repeated"] is True
        twice = operator.post(f"{url}/start_run", headers={"Idempotency-Key": "k-start-2"})
        assert twice.status_code == 409 and "already on run" in twice.json()["detail"]
        bad = operator.post(f"{url}/finish", json={"good": -3}, headers={"Idempotency-Key": "k-bad"})
        assert bad.status_code == 422
        done = operator.post(f"{url}/finish", json={"good": 2, "scrap": 1}, headers={"Idempotency-Key": "k-fin"})
        assert done.status_code == 200 and done.json()["quantity_done"] == 2 and done.json()["remake"]
        login(viewer, "kijker")
        assert viewer.post(f"{url}/start_run", headers={"Idempotency-Key": "k-v"}).status_code == 403
        events = viewer.get("/api/floor/events").json()
        assert [e["action"] for e in events[:2]] == ["finish", "start_run"]
        order = viewer.get(f"/api/work-orders/{work_order}").json()["order"]
        post = viewer.get(f"/api/orders/{order}/postcalc")
        assert post.status_code == 200
        figures = next(f for f in post.json()["operations"] if f["operation"] == op_key)
        assert figures["good"] == 2 and figures["scrap"] == 1
        assert viewer.get("/api/orders/NOPE/postcalc").status_code == 404
        assert viewer.get("/api/postcalc", params={"start": "2026-12-02", "end": "2026-12-01"}).status_code == 422
        assert viewer.post("/api/postcalc/corrections/apply",
                           json={"work_center_type": "laser", "factor": 1.1}).status_code == 403


def test_terminal_pages_and_the_printed_work_order(app):  # noqa: F811
    with TestClient(app) as client:
        page = client.get("/terminal")
        assert "PIN" in page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        wrong = client.post("/terminal/login", data={"badge": "1001", "pin": "9999", "csrf_token": token})
        assert wrong.status_code == 401
        ok = client.post("/terminal/login", data={"badge": "1001", "pin": "1234", "csrf_token": token},
                         follow_redirects=False)
        assert ok.status_code == 303
        queue = client.get("/terminal?wc=LASER")
        assert 'class="queue"' in queue.text
        op_key = re.search(r'href="/terminal/card/([^"]+)"', queue.text).group(1)
        card = client.get(f"/terminal/card/{op_key}")
        assert card.status_code == 200 and "Start productie" in card.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', card.text).group(1)
        key = re.search(r'name="idempotency_key" value="([^"]+-start_run)"', card.text).group(1)
        booked = client.post(f"/terminal/book/{op_key}", data={"csrf_token": csrf, "idempotency_key": key,
                                                              "action": "start_run"})
        assert booked.status_code == 200 and "Productie gestart" in booked.text
        repeat = client.post(f"/terminal/book/{op_key}", data={"csrf_token": csrf, "idempotency_key": key,
                                                              "action": "start_run"})
        assert repeat.status_code == 200  # the same button press again: stored once, same answer
        number = op_key.rsplit("/", 1)[0]
        pdf = client.get(f"/work-orders/{number}.pdf")
        assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
        text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
        assert number in text and "Bewerkingen" in text
        assert client.get(f"/terminal/wo/{number}", follow_redirects=False).headers["location"].startswith(
            f"/terminal/card/{number}/")


def test_post_calculation_pages(app):  # noqa: F811
    with TestClient(app) as client:
        login(client, "planner")
        op_key, work_order = _released_op(client)
        for k, (action, body) in enumerate((("start_run", {}), ("finish", {"good": 1}))):
            response = client.post(f"/api/floor/operations/{op_key}/{action}", json=body,
                                   headers={"Idempotency-Key": f"pc-{k}"})
            assert response.status_code == 200, response.text
        order = client.get(f"/api/work-orders/{work_order}").json()["order"]
        page = client.get("/postcalc", params={"order": order})
        assert page.status_code == 200 and op_key in page.text and "Resultaat" in page.text
        assert client.get(f"/orders/{order}").text.count(f"/work-orders/{work_order}.pdf") >= 1
        applied = client.post("/postcalc/apply", data={"work_center_type": "laser", "machine": "LAS01",
                                                       "factor": "1.1"}, follow_redirects=False)
        assert applied.status_code == 303 and "applied=" in applied.headers["location"]
