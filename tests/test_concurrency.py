"""Many terminals at once against a live server: a shift start with two dozen bookings in the same second must
not run the connection pool dry (it did at 20: QueuePool limit reached, 500s, health taking 29 s)."""

from __future__ import annotations

import threading

import httpx

from maakbaar.services.user_service import DEMO_PASSWORD
from tests.test_browser import server  # noqa: F401 - the live server fixture


def _client(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    # the log-in's connection is closed: the burst opens its own. Kept alive, it could be closed by the server
    # (uvicorn's 5 s keep-alive) just as the booking reused it while the other clients were still logging in,
    # and that booking died with 'connection reset by peer' (seen once in CI)
    token = client.post("/api/login", json={"username": "planner", "password": DEMO_PASSWORD},
                        headers={"Connection": "close"}).json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    return client


def test_two_dozen_bookings_at_once_and_the_office_keeps_answering(server):  # noqa: F811
    url = server["url"]
    office = _client(url)
    keys = []
    for work_order in office.get("/api/work-orders").json():
        for operation in work_order["operations"]:
            if work_order["status"] == "released" and operation["status"] == "pending":
                keys.append(f"{work_order['number']}/{operation['sequence']}")
                break
    keys = keys[:24]
    assert len(keys) >= 20
    clients = [_client(url) for _ in keys]
    answers: list[tuple[str, int, str]] = []
    health: list[int] = []
    barrier = threading.Barrier(len(keys) + 1)
    done = threading.Event()

    def book(client: httpx.Client, key: str) -> None:
        barrier.wait()
        response = client.post(f"/api/floor/operations/{key}/start_run", json={"operator": None},
                               headers={"Idempotency-Key": f"burst-{key}"})
        answers.append((key, response.status_code, response.text[:200]))

    def poll() -> None:
        barrier.wait()
        while not done.is_set():
            health.append(office.get("/api/health").status_code)

    threads = [threading.Thread(target=book, args=(c, k)) for c, k in zip(clients, keys)]
    poller = threading.Thread(target=poll)
    poller.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    poller.join(timeout=60)
    assert len(answers) == len(keys)
    assert all(status in (200, 409) for _k, status, _t in answers), [a for a in answers if a[1] not in (200, 409)]
    assert sum(status == 200 for _k, status, _t in answers) >= len(keys) // 2
    assert health and set(health) == {200}
    # every booking that answered 200 is stored once: the operation is started
    for key, status, _text in answers:
        if status == 200:
            number, sequence = key.rsplit("/", 1)
            operations = office.get(f"/api/work-orders/{number}").json()["operations"]
            assert next(o for o in operations if str(o["sequence"]) == sequence)["status"] == "started"
