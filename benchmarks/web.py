"""Web latency: p50/p95 of the planning board data, the order list and the dashboard under 20 concurrent
clients and one writer on loopback (locust, from PyPI), with the demo shop and shops of 500 and 2000 orders, on
SQLite or PostgreSQL. Baseline in the same run: /api/health (log-in check, one query), so the ratio shows what
the pages cost beyond the framework. ``--check RATIO`` fails (exit 1) when a page's p95 is more than RATIO times
the health p95: CI runs a short form with a generous ratio, so a page ten times slower fails the build."""

from __future__ import annotations

import csv
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES = ("planning board data", "order list (page)", "order list (API)", "dashboard (page)", "health (baseline)",
         "change (write)")


POSTGRES_ADMIN = os.environ.get("MAAKBAAR_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def database(folder: Path, backend: str):
    """The URL of an empty database: a file in ``folder``, or a PostgreSQL database made for this run."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'maakbaar.db'}"
        return
    from sqlalchemy import create_engine, text

    name = f"maakbaar_bench_{os.getpid()}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _prepare(url: str, orders: int | None) -> None:
    from maakbaar.services import demo, planning_service, shop_io, user_service
    from maakbaar.store import migrate
    from maakbaar.store.db import make_engine, unit_of_work

    engine = make_engine(url)
    migrate.upgrade(engine)
    start = dt.date.today()
    with unit_of_work(engine) as session:
        shop = demo.build_demo_shop(1, start, order_count=orders)
        shop_io.store_shop(session, shop)
        user_service.add_demo_users(session, [o.code for o in shop.operators])
    with unit_of_work(engine) as session:
        planning_service.plan_shop(session, None, time_limit=5)
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(folder: Path, url: str):
    """A maakbaar server on a free loopback port over the database at ``url``; yields its address."""
    port = _free_port()
    env = {**os.environ, "MAAKBAAR_DATA_DIR": str(folder), "MAAKBAAR_DATABASE_URL": url}
    server_log = open(folder / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "maakbaar.cli.main", "serve", "--port", str(port)], env=env,
                              stdout=server_log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start: " + (folder / "server.log").read_text()[-2000:])
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


WARM_UP = ("/api/plans/current/board?days=14", "/orders", "/api/orders-overview", "/dashboard")


def warm_up(url: str) -> None:
    """Ask each page once before measuring: the first answer of a fresh server is made while its reader waits
    (the CO2 table of every order, the first render), which in a short run is more than a twentieth of the
    samples; the benchmark measures the office at work, not its first minute."""
    import http.cookiejar
    import json

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = urllib.request.Request(f"{url}/api/login", data=json.dumps(
        {"username": "planner", "password": "maakbaar-demo"}).encode(), headers={"Content-Type": "application/json"})
    opener.open(login, timeout=60).read()
    for path in WARM_UP:
        opener.open(f"{url}{path}", timeout=120).read()


def measure(orders: int | None, users: int, seconds: int, backend: str = "sqlite") -> dict[str, dict]:
    with tempfile.TemporaryDirectory() as tmp, database(Path(tmp), backend) as database_url:
        folder = Path(tmp)
        _prepare(database_url, orders)
        with serving(folder, database_url) as url:
            warm_up(url)
            port = int(url.rsplit(":", 1)[1])
            stem = folder / "stats"
            subprocess.run([sys.executable, "-m", "locust", "-f", str(HERE / "web_locustfile.py"), "--headless",
                            "-u", str(users + 1), "-r", str(users + 1), "-t", f"{seconds}s", "--host",
                            f"http://127.0.0.1:{port}", "--csv", str(stem), "--only-summary",
                            "--exit-code-on-error", "0"], check=True, stdout=subprocess.DEVNULL,
                           stderr=open(folder / "locust.log", "w"))
            failures = (folder / f"{stem.name}_failures.csv")
            if failures.exists() and failures.read_text().count("\n") > 1:
                print(failures.read_text()[:2000], file=sys.stderr)
            rows = {}
            with open(f"{stem}_stats.csv") as handle:
                for row in csv.DictReader(handle):
                    rows[row["Name"]] = {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                                         "p50": float(row["50%"]), "p95": float(row["95%"])}
            return rows


def run(sizes: list[int | None], users: int, seconds: int, backends: tuple[str, ...] = ("sqlite",),
        check: float | None = None) -> str:
    lines = ["| database | shop | endpoint | requests | failures | p50 ms | p95 ms | p95 / health p95 |",
             "|---|---|---|---|---|---|---|---|"]
    verdicts, too_slow = [], []
    for backend, size in [(b, s) for b in backends for s in sizes]:
        rows = measure(size, users, seconds, backend)
        base = rows["health (baseline)"]["p95"] or 1.0
        label = "demo" if size is None else f"{size} orders"
        for name in PAGES:
            r = rows.get(name)
            if r is None:
                continue
            line = (f"| {backend} | {label} | {name} | {r['requests']} | {r['failures']} | {r['p50']:.0f} | "
                    f"{r['p95']:.0f} | {r['p95'] / base:.1f} |")
            lines.append(line)
            print(line, flush=True)
            page = name not in ("health (baseline)", "change (write)")
            if size == 500 and page:
                verdicts.append(r["p95"] < 200 and r["p95"] <= 1.5 * base)
            if check is not None and page and (r["p95"] > check * base or r["failures"]):
                too_slow.append(f"{backend} {label} {name}: p95 {r['p95']:.0f} ms = {r['p95'] / base:.1f} x health, "
                                f"{r['failures']} failures")
    target = ("met" if verdicts and all(verdicts) else "not met") if verdicts else "not measured"
    text = "\n".join(lines) + (
        f"\n\n{users} concurrent readers plus one writer changing a customer every 2 s, {seconds} s per shop, one "
        f"server process (uvicorn), {' and '.join(backends)}. Target at 500 orders, every page p95 < 200 ms and "
        f"within 1.5 x the health p95: **{target}**.\n")
    if too_slow:
        print(f"FAILED: pages more than {check} x the health p95 (or failing):\n  " + "\n  ".join(too_slow),
              file=sys.stderr)
        raise SystemExit(1)
    return text
