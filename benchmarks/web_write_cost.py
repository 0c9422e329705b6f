"""The work one write causes in the office pages: after a change (a customer's phone number, or its name), the
writer's own next reads wait for fresh answers (read your writes), so their time is the recomputation. Medians
of 8 writes on a shop of ``--orders`` orders (SQLite), in process through the test client (which adds its own
~7 ms per request: compare with the health row). Run: .venv/bin/python benchmarks/web_write_cost.py"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

PAGES = ("/orders", "/api/orders-overview", "/dashboard", "/api/plans/current/board?days=14", "/api/health")


def measure(url: str, field: str, writes: int = 8) -> dict[str, float]:
    from fastapi.testclient import TestClient

    from maakbaar.services import cache
    from maakbaar.store.db import make_engine
    from maakbaar.web.app import create_app

    engine = make_engine(url)
    app = create_app(engine, run_jobs=False, secret="benchmark")
    times: dict[str, list[float]] = {page: [] for page in PAGES}
    with TestClient(app) as client:
        answer = client.post("/api/login", json={"username": "planner", "password": "maakbaar-demo"})
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        for page in PAGES:
            client.get(page)
        for k in range(writes):
            customer = client.get("/api/customers/K1001").json()
            customer[field] = f"0{k:09d}" if field == "phone" else f"Klant {k}"
            version = customer.pop("version")
            client.put("/api/customers/K1001", json=customer, headers={"If-Match": str(version)}).raise_for_status()
            for page in PAGES:
                started = time.perf_counter()
                client.get(page).raise_for_status()
                times[page].append((time.perf_counter() - started) * 1000)
            cache.wait_for_refreshes()
    engine.dispose()
    return {page: statistics.median(values) for page, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=500)
    args = parser.parse_args()
    from benchmarks.web import _prepare

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/maakbaar.db"
        _prepare(url, args.orders)
        print("| after the writer changed | " + " | ".join(PAGES) + " |")
        print("|---" * (len(PAGES) + 1) + "|")
        for field in ("phone", "name"):
            medians = measure(url, field)
            print(f"| a customer's {field} | " + " | ".join(f"{medians[p]:.0f} ms" for p in PAGES) + " |")


if __name__ == "__main__":
    main()
