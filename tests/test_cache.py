"""The office pages' cache: an answer per data version, the last answer while a fresh one is made (for readers
who did not cause the change), a writer always sees his own write, and a change of one topic leaves the read
models of other topics alone."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from maakbaar.services import cache
from maakbaar.store.db import unit_of_work
from tests.test_web import app, login  # noqa: F401  (app: the demo shop's web app, a fixture)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


class Counter:
    def __init__(self, delay: float = 0.0):
        self.calls, self.delay = 0, delay

    def __call__(self):
        self.calls += 1
        time.sleep(self.delay)
        return f"answer {self.calls}"


def test_one_answer_per_version_and_the_last_one_while_a_fresh_one_is_made():
    compute = Counter(delay=0.2)
    assert cache.cached("t", (), 1, 60, compute) == "answer 1"  # the first answer: the reader waits
    assert cache.cached("t", (), 1, 60, compute) == "answer 1" and compute.calls == 1
    started = time.monotonic()
    assert cache.cached("t", (), 2, 60, compute) == "answer 1"  # the data moved on: the last answer at once
    assert time.monotonic() - started < 0.1
    assert cache.cached("t", (), 2, 60, compute) == "answer 1"  # still being made: not asked twice
    cache.wait_for_refreshes()
    assert compute.calls == 2
    assert cache.cached("t", (), 2, 60, compute) == "answer 2"
    assert cache.cached("t", ("other",), 2, 60, compute) == "answer 3"  # other parameters: their own answer


def test_a_reader_who_wrote_waits_for_an_answer_made_after_his_write():
    compute = Counter()
    cache.cached("t", (), 1, 60, compute)
    cache._committed(None)  # a commit in this process (the reader's own write)
    with cache.reader_has_seen(cache.generation()):
        assert cache.cached("t", (), 2, 60, compute) == "answer 2"
    assert compute.calls == 2


def test_derived_answers_wait_and_expired_answers_are_made_again():
    compute = Counter()
    assert cache.cached("d", (), "stamp-1", 60, compute, wait=True) == "answer 1"
    assert cache.cached("d", (), "stamp-2", 60, compute, wait=True) == "answer 2"  # never the old one
    assert cache.cached("e", (), 1, 0.0, compute) == "answer 3"
    assert cache.cached("e", (), 1, 0.0, compute) == "answer 3"  # expired: the last answer, a fresh one made
    cache.wait_for_refreshes()
    assert compute.calls == 4


def test_readers_arriving_together_share_one_computation():
    compute = Counter(delay=0.3)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(cache.cached("s", (), 1, 60, compute)))
               for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["answer 1"] * 6 and compute.calls == 1


def test_a_failed_background_refresh_keeps_the_last_answer_and_the_next_reader_sees_the_error():
    cache.cached("f", (), 1, 60, lambda: "good")

    def broken():
        raise RuntimeError("the database went away")

    assert cache.cached("f", (), 2, 60, broken) == "good"
    cache.wait_for_refreshes()
    cache._committed(None)
    with cache.reader_has_seen(cache.generation()), pytest.raises(RuntimeError, match="went away"):
        cache.cached("f", (), 2, 60, broken)


def test_a_changed_customer_leaves_the_board_and_the_load_alone(app):  # noqa: F811
    from maakbaar.services.dashboard_service import CO2_TOPICS, LOAD_TOPICS, ORDER_TOPICS
    from maakbaar.web.board import TOPICS as BOARD_TOPICS

    engine = app.state.engine
    with unit_of_work(engine) as session:
        before = {name: cache.data_version(session, *topics) for name, topics in (
            ("board", BOARD_TOPICS), ("load", LOAD_TOPICS), ("co2", CO2_TOPICS), ("orders", ORDER_TOPICS))}
    with TestClient(app) as client:
        login(client, "planner")
        customer = client.get("/api/customers/K1001").json()
        version = customer.pop("version")
        assert client.put("/api/customers/K1001", json=dict(customer, phone="0201234567"),
                          headers={"If-Match": str(version)}).status_code == 200
    with unit_of_work(engine) as session:
        after = {name: cache.data_version(session, *topics) for name, topics in (
            ("board", BOARD_TOPICS), ("load", LOAD_TOPICS), ("co2", CO2_TOPICS), ("orders", ORDER_TOPICS))}
    assert after["board"] == before["board"] and after["load"] == before["load"] and after["co2"] == before["co2"]
    assert after["orders"] != before["orders"]  # the order list shows customers' names


def test_the_planner_sees_his_move_at_once_and_a_colleague_gets_the_last_board_meanwhile(app):  # noqa: F811
    with TestClient(app) as planner, TestClient(app) as colleague:
        login(planner, "planner")
        login(colleague, "kijker")
        board = colleague.get("/api/plans/current/board", params={"days": 21}).json()
        bars = [i for i in board["items"] if i["id"].startswith("WO-") and not i.get("pinned")]

        def pending(item) -> bool:
            number, sequence = item["id"].rsplit("/", 1)
            operations = planner.get(f"/api/work-orders/{number}").json()["operations"]
            return next(o for o in operations if str(o["sequence"]) == sequence)["status"] == "pending"

        bar = next(i for i in bars if pending(i))
        assert planner.get("/api/plans/current/board", params={"days": 21}).json() == board  # the same answer
        moved = planner.post(f"/api/plans/current/operations/{bar['id']}/move",
                             json={"machine": bar["group"], "start": bar["start"]})
        assert moved.status_code == 200, moved.text
        # the colleague did not write: the board he had, while a fresh one is made in the background
        stale = colleague.get("/api/plans/current/board", params={"days": 21}).json()
        assert next(i for i in stale["items"] if i["id"] == bar["id"])["pinned"] is False
        # the planner moved it: he sees it pinned now, not a moment later
        mine = planner.get("/api/plans/current/board", params={"days": 21}).json()
        assert next(i for i in mine["items"] if i["id"] == bar["id"])["pinned"] is True
        cache.wait_for_refreshes()
        fresh = colleague.get("/api/plans/current/board", params={"days": 21}).json()
        assert next(i for i in fresh["items"] if i["id"] == bar["id"])["pinned"] is True


def test_revise_keeps_the_stamp_when_the_change_does_not_show_and_makes_anew_when_it_gives_up():
    compute = Counter()
    first = cache.cached_entry("r", (), 1, 60, compute)

    def unchanged(previous, version, session):
        return previous.value

    kept = cache.cached_entry("r", (), 2, 60, compute, wait=True, revise=unchanged)
    assert kept.stamp == first.stamp and kept.version == 2 and compute.calls == 1
    patched = cache.cached_entry("r", (), 3, 60, compute, wait=True, revise=lambda p, v, s: p.value + " patched")
    assert patched.value == "answer 1 patched" and patched.stamp != first.stamp and compute.calls == 1
    anew = cache.cached_entry("r", (), 4, 60, compute, wait=True, revise=lambda p, v, s: None)
    assert anew.value == "answer 2" and compute.calls == 2


def test_per_item_makes_only_the_items_it_has_not_seen():
    made = []

    def make(item):
        made.append(item)
        return f"<tr>{item}</tr>"

    assert cache.per_item("rows", ["a", "b", "c"], make) == ["<tr>a</tr>", "<tr>b</tr>", "<tr>c</tr>"]
    assert cache.per_item("rows", ["a", "B", "c"], make) == ["<tr>a</tr>", "<tr>B</tr>", "<tr>c</tr>"]
    assert made == ["a", "b", "c", "B"]


def _change_customer(client, **changes):
    customer = client.get("/api/customers/K1001").json()
    version = customer.pop("version")
    answer = client.put("/api/customers/K1001", json=dict(customer, **changes), headers={"If-Match": str(version)})
    assert answer.status_code == 200, answer.text


def test_a_customer_change_the_order_list_does_not_show_leaves_the_list_and_the_dashboard_as_they_were(app):  # noqa: F811
    from maakbaar.services import dashboard_service

    engine = app.state.engine
    with TestClient(app) as client:
        login(client, "planner")
        client.get("/orders"), client.get("/dashboard")
        with unit_of_work(engine) as session:
            overview, board = dashboard_service.order_overview_entry(session), dashboard_service.dashboard_entry(session)
        _change_customer(client, phone="0201234567")
        assert client.get("/orders").status_code == 200
        with unit_of_work(engine) as session:
            after = dashboard_service.order_overview_entry(session)
            assert after.version != overview.version  # asked again for the new data ...
            assert after.stamp == overview.stamp and after.value is overview.value  # ... and found unchanged
            assert dashboard_service.dashboard_entry(session).stamp == board.stamp


def test_a_renamed_customer_shows_on_its_rows_at_once_and_the_other_rows_are_not_made_again(app):  # noqa: F811
    from maakbaar.services import dashboard_service

    engine = app.state.engine
    with TestClient(app) as client:
        login(client, "planner")
        assert client.get("/api/orders-overview").status_code == 200
        with unit_of_work(engine) as session:
            before = dashboard_service.order_overview_entry(session).value
        _change_customer(client, name="Hollandse Hekwerken Nieuw B.V.")
        rows = client.get("/api/orders-overview").json()
        page = client.get("/orders").text
        with unit_of_work(engine) as session:
            after = dashboard_service.order_overview_entry(session).value
    theirs = {o["number"] for o in rows if o["customer_code"] == "K1001"}
    assert theirs and all(o["customer_name"] == "Hollandse Hekwerken Nieuw B.V." for o in rows
                          if o["number"] in theirs)
    assert "Hollandse Hekwerken Nieuw B.V." in page
    old = {o.number: o for o in before}
    for o in after:  # the other customers' rows are the very same objects: their rendered rows are reused
        assert (o is old[o.number]) == (o.customer_code != "K1001")


def test_an_order_changed_together_with_a_customer_is_made_anew(app):  # noqa: F811
    with TestClient(app) as client:
        login(client, "planner")
        rows = client.get("/api/orders-overview").json()
        order = next(o for o in rows if o["customer_code"] == "K1001")
        _change_customer(client, phone="0207654321")
        stored = client.get(f"/api/orders/{order['number']}").json()
        version = stored.pop("version")
        priority = 5 if stored["priority"] != 5 else 1
        answer = client.put(f"/api/orders/{order['number']}", json=dict(stored, priority=priority),
                            headers={"If-Match": str(version)})
        assert answer.status_code == 200, answer.text
        again = {o["number"]: o for o in client.get("/api/orders-overview").json()}
        assert again[order["number"]]["priority"] == priority


def test_a_deactivated_user_is_refused_at_his_next_request(app):  # noqa: F811
    with TestClient(app) as admin, TestClient(app) as planner:
        login(admin, "beheer")
        login(planner, "planner")
        assert planner.get("/api/orders-overview").status_code == 200
        version = next(u for u in admin.get("/api/users").json() if u["username"] == "planner")["version"]
        answer = admin.patch("/api/users/planner", json={"active": False}, headers={"If-Match": str(version)})
        assert answer.status_code == 200, answer.text
        assert planner.get("/api/orders-overview").status_code == 401


def test_a_user_deactivated_by_another_process_is_refused_within_a_second(app):  # noqa: F811
    from sqlalchemy import text

    with TestClient(app) as planner:
        login(planner, "planner")
        assert planner.get("/api/orders-overview").status_code == 200
        # a plain connection's commit, as the CLI's in another process: this process does not hear of it
        with app.state.engine.connect() as connection:
            connection.execute(text("UPDATE users SET active = :no WHERE username = 'planner'"), {"no": False})
            connection.commit()
        time.sleep(1.05)
        assert planner.get("/api/orders-overview").status_code == 401
