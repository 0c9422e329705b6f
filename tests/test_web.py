"""The orders page and API on the demo shop."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from maakbaar.services import shop_io
from maakbaar.store.db import unit_of_work
from maakbaar.web.app import create_app


@pytest.fixture
def client(databases, demo_shop):
    engine = databases.migrated()
    with unit_of_work(engine) as session:
        shop_io.store_shop(session, demo_shop)
    with TestClient(create_app(engine)) as c:
        yield c


def test_orders_page_in_dutch_by_default(client, demo_shop):
    response = client.get("/orders")
    assert response.status_code == 200
    assert "Openstaande orders" in response.text
    open_orders = [o for o in demo_shop.orders if o.status.is_open]
    assert response.text.count('data-order="') == len(open_orders)
    assert "vrijgegeven" in response.text


def test_language_switch_is_remembered(client):
    response = client.get("/orders?lang=en")
    assert "Open orders" in response.text and "released" in response.text
    assert client.get("/orders").text.count("Open orders") >= 1  # cookie kept


def test_orders_api_sorted_by_due_date(client, demo_shop):
    orders = client.get("/api/orders").json()
    assert len(orders) == sum(o.status.is_open for o in demo_shop.orders)
    due = [o["due_date"] for o in orders]
    assert due == sorted(due)
    assert {"number", "customer_name", "late", "value"} <= set(orders[0])


def test_health_and_openapi(client):
    assert client.get("/api/health").json()["status"] == "ok"
    assert "/api/orders" in client.get("/openapi.json").json()["paths"]
    assert client.get("/").status_code == 200  # redirected to /orders


def test_orders_show_the_planned_completion(databases, demo_shop):
    import datetime as dt

    from maakbaar.services import planning_service

    engine = databases.migrated()
    with unit_of_work(engine) as session:
        shop_io.store_shop(session, demo_shop)
        planning_service.plan_shop(session, dt.datetime(2026, 11, 30, 6, 0), time_limit=0.5)
    with TestClient(create_app(engine)) as c:
        orders = c.get("/api/orders").json()
        planned = [o for o in orders if o["planned_completion"]]
        assert len(planned) == len(orders)
        late = [o for o in orders if o["planned_late"]]
        assert all(o["late_reason"] for o in late)
        page = c.get("/orders").text
        assert "Gepland gereed" in page
        assert page.count("plan te laat") == len(late)
