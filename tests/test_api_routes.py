"""Every API route: the happy path, a validation error, not found, a conflict, and the wrong role (or no log-in).

The record routes (/api/<kind>) are tested the same way for every kind, with a real record of that kind taken
from the demo shop; the other routes one by one.
"""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from maakbaar.store.db import make_engine
from maakbaar.web.api import RESOURCES
from maakbaar.web.app import create_app
from tests.test_cli import _plate_dxf
from tests.test_web import login

KEYS = {"materials": "grade", "calendars": "code", "work-centers": "code", "machines": "code", "operators": "code",
        "customers": "code", "stock": "code", "parts": "number", "orders": "number", "work-orders": "number",
        "quotes": "number"}
# a field each kind validates, with a value it must refuse
INVALID = {"materials": ("density_kg_m3", -1), "calendars": ("shifts", "elke dag"), "work-centers": ("type", "zagen"),
           "machines": ("hourly_rate", -5), "operators": ("skills", [{"work_center_type": "laser", "level": 9}]),
           "customers": ("country", "Nederland"), "stock": ("quantity", -1), "parts": ("thickness_mm", 0),
           "orders": ("priority", 9), "work-orders": ("quantity", 0), "quotes": ("lines", [])}


@pytest.fixture(scope="module")
def app(demo_database, tmp_path_factory):
    folder = tmp_path_factory.mktemp("routes")
    path = folder / "maakbaar.db"
    shutil.copy(demo_database, path)
    engine = make_engine(f"sqlite:///{path}")
    application = create_app(engine, secret="routes")
    yield application
    application.state.runner.shutdown()
    engine.dispose()


@pytest.fixture(scope="module")
def admin(app):
    with TestClient(app) as client:
        login(client, "beheer")
        yield client


@pytest.fixture(scope="module")
def viewer(app):
    with TestClient(app) as client:
        login(client, "kijker")
        yield client


@pytest.fixture(scope="module")
def anonymous(app):
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("kind", sorted(RESOURCES))
def test_record_routes(kind, admin, viewer, anonymous, monkeypatch, tmp_path):
    monkeypatch.setenv("MAAKBAAR_DATA_DIR", str(tmp_path))
    key_field = KEYS[kind]
    listing = admin.get(f"/api/{kind}")
    assert listing.status_code == 200 and listing.json(), kind
    original = listing.json()[0]
    key = original[key_field]
    body = {k: v for k, v in original.items() if k != "version"}
    # happy path: read one, add a copy under a new key, replace it, delete it
    assert admin.get(f"/api/{kind}/{key}").json()[key_field] == key
    copy = dict(body, **{key_field: f"{key}-KOPIE"[:40]})
    if kind == "work-orders":
        copy["operations"] = [dict(op, status="pending", quantity_done=0) for op in copy["operations"]]
    created = admin.post(f"/api/{kind}", json=copy)
    assert created.status_code == 201, (kind, created.text)
    new_key = copy[key_field]
    replaced = admin.put(f"/api/{kind}/{new_key}", json=copy, headers={"If-Match": "1"})
    assert replaced.status_code == 200 and replaced.json()["version"] == 2, (kind, replaced.text)
    # conflict: a stale version, and a duplicate key
    stale = admin.put(f"/api/{kind}/{new_key}", json=copy, headers={"If-Match": "1"})
    assert stale.status_code == 409, kind
    assert admin.post(f"/api/{kind}", json=copy).status_code == 409, kind
    # validation error names the field
    field, value = INVALID[kind]
    invalid = admin.post(f"/api/{kind}", json=dict(copy, **{key_field: "ONGELDIG", field: value}))
    assert invalid.status_code == 422, (kind, invalid.text)
    assert any(field in [str(x) for x in error["loc"]] for error in invalid.json()["detail"]), (kind, invalid.json())
    # not found
    assert admin.get(f"/api/{kind}/BESTAAT-NIET").status_code == 404, kind
    assert admin.put(f"/api/{kind}/BESTAAT-NIET", json=dict(copy, **{key_field: "BESTAAT-NIET"})).status_code == 404
    assert admin.delete(f"/api/{kind}/BESTAAT-NIET").status_code == 404, kind
    # wrong role and no log-in
    assert viewer.get(f"/api/{kind}").status_code == 200
    assert viewer.post(f"/api/{kind}", json=dict(copy, **{key_field: "VIEWER"})).status_code == 403, kind
    assert viewer.put(f"/api/{kind}/{new_key}", json=copy).status_code == 403, kind
    assert viewer.delete(f"/api/{kind}/{new_key}").status_code == 403, kind
    assert anonymous.get(f"/api/{kind}").status_code == 401, kind
    assert admin.delete(f"/api/{kind}/{new_key}").status_code == 204, kind
    assert admin.get(f"/api/{kind}/{new_key}").status_code == 404, kind


def test_special_routes(app, admin, viewer, anonymous, tmp_path, monkeypatch):
    monkeypatch.setenv("MAAKBAAR_DATA_DIR", str(tmp_path))
    order = admin.get("/api/orders-overview").json()[0]["number"]
    ordered = next(o["number"] for o in admin.get("/api/orders-overview").json() if o["status"] == "ordered")
    machine = admin.get("/api/machines").json()[0]["code"]
    plan = admin.get("/api/plans/current").json()
    assert plan["id"] >= 1
    assert 0 <= plan["unavoidable_tardiness_min"] <= plan["tardiness_min"]
    assert all(set(s) == {"machine", "orders", "minutes"} and s["minutes"] > 0 for s in plan["shared_machines"])

    cases = [
        # (method, url, json body, expected for admin, expected for viewer)
        ("GET", "/api/orders-overview", None, 200, 200),
        ("GET", f"/api/orders/{order}/detail", None, 200, 200),
        ("GET", "/api/orders/GEEN/detail", None, 404, 404),
        ("GET", f"/api/orders/{order}/promise", None, 200, 200),
        ("GET", "/api/orders/GEEN/promise", None, 404, 404),
        ("GET", f"/api/orders/{order}/co2", None, 200, 200),
        ("GET", "/api/orders/GEEN/co2", None, 404, 404),
        ("POST", f"/api/orders/{order}/compare", {"legs": [{"mode": "road_truck", "distance_km": 900}]}, 200, 200),
        ("POST", f"/api/orders/{order}/compare", {"legs": [{"mode": "road_truck", "distance_km": -1}]}, 422, 422),
        ("POST", f"/api/orders/{order}/compare", {"grid": "XX-1999"}, 400, 400),
        ("GET", "/api/co2/months", None, 200, 200),
        ("POST", f"/api/orders/{ordered}/release", None, 200, 403),
        ("POST", f"/api/orders/{ordered}/release", None, 400, 403),  # released already: a conflict of state
        ("POST", "/api/orders/GEEN/release", None, 404, 403),
        ("GET", "/api/plans/current", None, 200, 200),
        ("GET", "/api/plans/current/board", None, 200, 200),
        ("GET", "/api/plans/current/board?days=0", None, 422, 422),
        ("POST", "/api/plans", {"time_limit": 0}, 422, 403),
        ("POST", "/api/plans", {"time_limit": 1, "objectives": ["speed"]}, 422, 403),
        ("POST", "/api/plans", {"time_limit": 1, "objectives": ["tardiness", "tardiness"]}, 422, 403),
        ("POST", "/api/plans/current/operations/GEEN/1/move", {"machine": machine, "start": "2026-12-01T08:00"},
         404, 403),
        ("POST", "/api/plans/current/operations/GEEN/1/move", {"machine": machine}, 422, 403),
        ("POST", "/api/machines/GEEN/downtimes", {"start": "2026-12-01T08:00", "end": "2026-12-01T12:00"}, 404, 403),
        ("POST", f"/api/machines/{machine}/downtimes", {"start": "2026-12-01T08:00", "end": "2026-12-01T06:00"},
         422, 403),
        ("POST", f"/api/machines/{machine}/downtimes", {"start": "2026-12-03T08:00", "end": "2026-12-03T09:00"},
         201, 403),
        ("GET", "/api/jobs", None, 200, 200),
        ("GET", "/api/jobs/99999", None, 404, 404),
        ("GET", "/api/nests", None, 200, 200),
        ("GET", "/api/nests/99999", None, 404, 404),
        ("POST", "/api/nests", {"time_limit": -1}, 422, 403),
        ("GET", "/api/users", None, 200, 403),
        ("POST", "/api/users", {"username": "nieuw", "password": "kort", "role": "viewer"}, 422, 403),
        ("POST", "/api/users", {"username": "nieuw", "password": "lang-genoeg", "role": "baas"}, 400, 403),
        ("POST", "/api/users", {"username": "nieuw", "password": "lang-genoeg", "role": "viewer"}, 201, 403),
        ("POST", "/api/users", {"username": "nieuw", "password": "lang-genoeg", "role": "viewer"}, 400, 403),
        ("PATCH", "/api/users/nieuw", {"role": "planner"}, 200, 403),
        ("PATCH", "/api/users/nieuw?version=1", {"role": "viewer"}, 409, 403),
        ("PATCH", "/api/users/niemand", {"role": "planner"}, 404, 403),
        ("POST", "/api/quotes/GEEN/order", None, 404, 403),
        ("GET", "/api/health", None, 200, 200),
    ]
    for method, url, body, for_admin, for_viewer in cases:
        response = admin.request(method, url, json=body)
        assert response.status_code == for_admin, (method, url, response.status_code, response.text[:300])
    for method, url, body, for_admin, for_viewer in cases:
        if for_viewer == 403:
            response = viewer.request(method, url, json=body)
            assert response.status_code == 403, (method, url, response.status_code)
            if url != "/api/health":
                assert anonymous.request(method, url, json=body).status_code == 401, (method, url)

    # the job routes: a plan started by the admin ends done, and its result is stored
    job = admin.post("/api/plans", json={"time_limit": 1}).json()["job"]
    app.state.runner.wait(job, timeout=120)
    assert admin.get(f"/api/jobs/{job}").json()["status"] == "done"
    job = admin.post("/api/plans", json={"time_limit": 1, "mode": "full",
                                         "objectives": ["tardiness", "late_jobs", "setup", "flow_time"]}).json()["job"]
    app.state.runner.wait(job, timeout=120)
    assert admin.get(f"/api/jobs/{job}").json()["status"] == "done"

    # quoting routes: multipart, with a validation error and the wrong role
    plate = _plate_dxf(tmp_path / "plaat.dxf")
    form = {"material": "S235JR", "thickness_mm": "3", "quantities": "1,10"}
    files = [("files", ("plaat.dxf", plate.read_bytes(), "application/dxf"))]
    answer = admin.post("/api/quotes/calculate", files=files, data=form)
    assert answer.status_code == 200 and answer.json()["parts"]
    assert admin.post("/api/quotes/calculate", files=files, data=dict(form, thickness_mm="dik")).status_code == 422
    assert admin.post("/api/quotes/calculate", files=files, data=dict(form, material="GOUD")).status_code == 400
    assert viewer.post("/api/quotes/calculate", files=files, data=form).status_code == 403
    save = {"upload": answer.json()["upload"], "customer": "K1001", **form}
    assert admin.post("/api/quotes/from-upload", data=dict(save, customer="GEEN")).status_code == 400
    assert admin.post("/api/quotes/from-upload", data=dict(save, upload="0" * 32)).status_code == 404  # gone
    assert admin.post("/api/quotes/from-upload", data=dict(save, upload="bestaat-niet")).status_code == 400  # no token
    assert viewer.post("/api/quotes/from-upload", data=save).status_code == 403
    saved = admin.post("/api/quotes/from-upload", data=save)
    assert saved.status_code == 201
    assert admin.post(f"/api/quotes/{saved.json()['quote']}/order").status_code == 201
