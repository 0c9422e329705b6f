"""Shift start: many terminals book at once while the office reads. A live server on loopback with the demo shop;
``bookings`` operators each start one released operation in the same second (one log-in each), ``readers`` office
screens read the dashboard and the order list meanwhile, and /api/health is polled throughout. Baseline in the
same run: /api/health with nobody else on the server. Reported: answers by status (a 500 or a timeout is a
failure), p50/p95 of bookings, reads and health, and health's p95 under load against idle."""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from benchmarks.web import _prepare, serving
from maakbaar.services.user_service import DEMO_PASSWORD


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _client(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    answer = client.post("/api/login", json={"username": "planner", "password": DEMO_PASSWORD})
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


def measure(bookings: int, readers: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        database_url = f"sqlite:///{folder / 'maakbaar.db'}"
        _prepare(database_url, None)
        with serving(folder, database_url) as url:
            office = _client(url)
            idle = []
            for _ in range(50):
                began = time.perf_counter()
                office.get("/api/health")
                idle.append((time.perf_counter() - began) * 1000)
            keys = []
            for work_order in office.get("/api/work-orders").json():
                pending = [o for o in work_order["operations"] if o["status"] == "pending"]
                if work_order["status"] == "released" and pending:
                    keys.append(f"{work_order['number']}/{pending[0]['sequence']}")
            keys = (keys * (bookings // max(1, len(keys)) + 1))[:bookings]  # more bookings than work: some 409
            clients = [_client(url) for _ in keys]
            screens = [_client(url) for _ in range(readers)]
            results: dict[str, list] = {"booking": [], "read": [], "health": []}
            statuses: dict[int | str, int] = {}
            lock = threading.Lock()
            start = threading.Barrier(len(keys) + readers + 1)
            done = threading.Event()

            def timed(kind: str, call) -> None:
                began = time.perf_counter()
                try:
                    status = call().status_code
                except httpx.HTTPError as error:
                    status = error.__class__.__name__
                with lock:
                    results[kind].append((time.perf_counter() - began) * 1000)
                    if kind == "booking":
                        statuses[status] = statuses.get(status, 0) + 1
                    elif status != 200:
                        statuses[f"{kind} {status}"] = statuses.get(f"{kind} {status}", 0) + 1

            def book(client, index, key):
                start.wait()
                timed("booking", lambda: client.post(f"/api/floor/operations/{key}/start_run",
                                                     headers={"Idempotency-Key": f"bench-{index}"}))

            def read(client):
                start.wait()
                while not done.is_set():
                    timed("read", lambda: client.get("/dashboard"))
                    timed("read", lambda: client.get("/api/orders-overview"))

            def poll():
                start.wait()
                while not done.is_set():
                    timed("health", lambda: office.get("/api/health"))
                    time.sleep(0.05)

            threads = [threading.Thread(target=book, args=(c, i, k)) for i, (c, k) in enumerate(zip(clients, keys))]
            threads += [threading.Thread(target=read, args=(c,)) for c in screens]
            threads.append(threading.Thread(target=poll))
            for thread in threads:
                thread.start()
            began = time.perf_counter()
            for thread in threads[:len(keys)]:
                thread.join(timeout=300)
            burst = time.perf_counter() - began
            done.set()
            for thread in threads[len(keys):]:
                thread.join(timeout=120)
            return {"idle": idle, "burst_s": burst, "statuses": statuses, **results}


def run(bookings: int, readers: int) -> str:
    r = measure(bookings, readers)
    idle95 = _p(r["idle"], 0.95)
    lines = [f"{bookings} bookings at once (one log-in each), {readers} office screens reading the dashboard and the "
             f"order list, /api/health polled throughout; demo shop, SQLite, one server process.", "",
             "| what | requests | p50 ms | p95 ms | max ms | p95 / idle health p95 |", "|---|---|---|---|---|---|"]
    for name, values in (("health, idle (baseline)", r["idle"]), ("booking", r["booking"]), ("office read", r["read"]),
                         ("health, during the burst", r["health"])):
        lines.append(f"| {name} | {len(values)} | {statistics.median(values):.0f} | {_p(values, 0.95):.0f} | "
                     f"{max(values):.0f} | {_p(values, 0.95) / idle95:.1f} |")
    failures = {k: v for k, v in r["statuses"].items() if k not in (200, 409)}
    lines += ["", f"Bookings answered: {dict(sorted((str(k), v) for k, v in r['statuses'].items()))}; all "
              f"{bookings} done in {r['burst_s']:.1f} s. Failures (500, timeouts, non-200 reads): "
              f"{failures or 'none'}."]
    return "\n".join(lines)
