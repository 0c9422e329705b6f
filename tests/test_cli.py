"""The CLI end to end in a temporary folder: init, db, demo, orders, export, import, serve."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from typer.testing import CliRunner

from maakbaar.cli.main import app

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MAAKBAAR_DATABASE_URL", raising=False)
    monkeypatch.delenv("MAAKBAAR_DATA_DIR", raising=False)
    monkeypatch.setenv("MAAKBAAR_LANG", "en")  # these tests read the English; test_the_cli_speaks_dutch the default
    return tmp_path


def run(*args: str):
    result = runner.invoke(app, list(args))
    return result


def test_every_command_explains_itself():
    for command in (["init"], ["db", "upgrade"], ["db", "downgrade"], ["db", "current"], ["demo"], ["import"],
                    ["export"], ["serve"], ["orders"]):
        result = run(*command, "--help")
        assert result.exit_code == 0, command
        assert "Usage" in result.output and len(result.output) > 200, command


def test_full_cycle_in_a_temporary_folder(workdir):
    result = run("orders")
    assert result.exit_code == 1
    assert "maakbaar db upgrade" in result.output

    result = run("init")
    assert result.exit_code == 0, result.output
    assert (workdir / "data" / "maakbaar.db").exists()

    from maakbaar.store.migrate import head_revision

    result = run("db", "current")
    assert f"current:  {head_revision()}" in result.output

    result = run("demo", "--seed", "2", "--start", "2026-11-30")
    assert result.exit_code == 0, result.output
    assert "Demo shop 'Demo Metaal BV'" in result.output

    result = run("demo", "--seed", "2")
    assert result.exit_code == 1 and "--replace" in result.output
    result = run("demo", "--if-empty")
    assert result.exit_code == 0 and "not loaded" in result.output

    result = run("orders")
    assert result.exit_code == 0 and "ORD-26" in result.output

    assert run("export", "shop.json").exit_code == 0
    document = json.loads((workdir / "shop.json").read_text())
    assert document["shop"]["name"] == "Demo Metaal BV"
    assert run("export", "shop.xlsx").exit_code == 0
    assert run("export", "schema.json", "--schema").exit_code == 0
    assert "properties" in json.loads((workdir / "schema.json").read_text())

    # import the exported shop into a second database named by --database-url
    other = f"sqlite:///{workdir / 'other.db'}"
    assert run("--database-url", other, "db", "upgrade").exit_code == 0
    result = run("--database-url", other, "import", "shop.json")
    assert result.exit_code == 0, result.output
    assert run("--database-url", other, "export", "again.json").exit_code == 0
    assert (workdir / "again.json").read_text() == (workdir / "shop.json").read_text()

    # a bad CSV: refused with row numbers, exit code 1
    (workdir / "orders.csv").write_text("order,customer,due_date,part,quantity\nX-1,NOBODY,2026-12-01,P20001,3\n")
    result = run("import", "orders.csv")
    assert result.exit_code == 1
    assert "row 2: customer: unknown customer 'NOBODY'" in result.output
    assert "nothing was imported" in result.output

    result = run("import", "missing.csv")
    assert result.exit_code == 1 and "no such file" in result.output

    assert run("db", "downgrade", "base").exit_code == 0
    assert "current:  empty" in run("db", "current").output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_on_http(workdir):
    assert run("init").exit_code == 0
    assert run("demo", "--seed", "1").exit_code == 0
    port = _free_port()
    env = {**os.environ, "MAAKBAAR_DATA_DIR": str(workdir / "data")}
    process = subprocess.Popen([sys.executable, "-m", "maakbaar.cli.main", "serve", "--port", str(port)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        import http.cookiejar

        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        body = ""
        for _ in range(100):
            try:
                with opener.open(f"http://127.0.0.1:{port}/orders", timeout=2) as response:  # redirected to log in
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert 'name="password"' in body and "Inloggen" in body
        login = urllib.request.Request(f"http://127.0.0.1:{port}/api/login", method="POST",
                                       data=json.dumps({"username": "planner", "password": "maakbaar-demo"}).encode(),
                                       headers={"Content-Type": "application/json"})
        with opener.open(login, timeout=5) as response:
            assert json.loads(response.read())["role"] == "planner"
        with opener.open(f"http://127.0.0.1:{port}/orders", timeout=5) as response:
            body = response.read().decode()
        assert body.count('data-order="ORD-') >= 60
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_plan_and_promise_commands(workdir):
    assert run("init").exit_code == 0
    assert run("demo", "--seed", "1", "--start", "2026-11-30").exit_code == 0
    result = run("plan", "--time-limit", "1", "--start", "2026-11-30T06:00")
    assert result.exit_code == 0, result.output
    assert "Plan 1 stored" in result.output and "Bottleneck" in result.output
    text = " ".join(result.output.split())
    said = re.search(r"(\d+) of these cannot be on time in any plan .* weighted by priority: ([\d,]+), of which no "
                     r"plan avoids ([\d,]+)\.", text)
    assert said, text
    late_table = int(re.search(r"Late orders \((\d+)\)", text).group(1))
    unavoidable, total, floor = int(said.group(1)), int(said.group(2).replace(",", "")), int(said.group(3).replace(",", ""))
    assert 0 < unavoidable <= late_table and 0 < floor <= total
    # the plan's standing, led by the first criterion and held against the bound
    standing = re.search(r"Late \(weighted by priority\): (\d+), at least (\d+) unavoidable · ([\d,]+) min late, at "
                         r"least ([\d,]+)", text)
    assert standing, text
    assert int(standing.group(2)) <= int(standing.group(1))
    assert int(standing.group(3).replace(",", "")) == total and int(standing.group(4).replace(",", "")) == floor
    # and the machine those orders must share (the demo's laser), with what it costs them at least
    shared = re.search(r"(\w+) is the only machine for some steps and does them one after the other: in any plan "
                       r"that costs at least ([\d,]+) more weighted minutes late \(((?:ORD-\d+, )*ORD-\d+) late in "
                       r"the best order there\)", text)
    assert shared, text
    late_numbers = set(re.findall(r"(ORD-\d+)[\s│|]+[\d.]+ [dhm] ", text))
    assert set(shared.group(3).split(", ")) <= late_numbers and len(shared.group(3).split(", ")) >= 2
    assert 0 < int(shared.group(2).replace(",", "")) <= floor
    result = run("promise", "ORD-260001")
    assert result.exit_code == 0, result.output
    assert "ORD-260001: can be ready on" in result.output
    result = run("promise", "NOPE")
    assert result.exit_code == 3 and "unknown order 'NOPE'" in result.output


def test_plan_objectives_option(workdir):
    assert run("init").exit_code == 0
    assert run("demo", "--seed", "1", "--start", "2026-11-30").exit_code == 0
    result = run("plan", "--time-limit", "1", "--start", "2026-11-30T06:00", "--objectives", "tardiness,speed")
    assert result.exit_code == 2 and "unknown: speed" in result.output
    result = run("plan", "--time-limit", "1", "--start", "2026-11-30T06:00", "--objectives", "tardiness,tardiness")
    assert result.exit_code == 2
    result = run("plan", "--time-limit", "1", "--start", "2026-11-30T06:00",
                 "--objectives", "tardiness,late_jobs,setup,flow_time")
    assert result.exit_code == 0, result.output
    assert "Plan 1 stored" in result.output
    assert "Objectives in order: tardiness, late_jobs, setup, flow_time" in result.output
    # one run's order is not the shop's: the next plan is made in the default order again
    result = run("plan", "--time-limit", "1", "--start", "2026-11-30T06:00")
    assert "Objectives in order: late_jobs, tardiness, setup, flow_time" in result.output
    # --as-default makes it the shop's order for every later plan
    assert run("plan", "--as-default").exit_code == 2
    result = run("plan", "--time-limit", "1", "--start", "2026-11-30T06:00", "--objectives", "tardiness,setup",
                 "--as-default")
    assert result.exit_code == 0, result.output
    result = run("plan", "--time-limit", "1", "--start", "2026-11-30T06:00")
    assert result.exit_code == 0 and "Objectives in order: tardiness, setup" in result.output


def _plate_dxf(path):
    import ezdxf

    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 4
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (100, 0), (100, 50), (0, 50)], close=True)
    for cx in (15, 85):
        for cy in (12, 38):
            msp.add_circle((cx, cy), 5)
    doc.saveas(path)
    return path


def test_quote_command(workdir):
    import math

    assert run("init").exit_code == 0
    assert run("demo", "--seed", "1", "--start", "2026-11-30").exit_code == 0
    plate = _plate_dxf(workdir / "plaat.dxf")
    result = run("quote", str(plate), "--material", "S235JR", "--thickness", "3", "--qty", "1,10,50", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    [part] = data["parts"]
    assert part["geometry"]["cut_length_mm"] == round(300 + 4 * math.pi * 10, 3)
    assert part["geometry"]["pierces"] == 5
    assert [b["quantity"] for b in part["breaks"]] == [1, 10, 50]
    (workdir / "kapot.dxf").write_text("not a drawing")
    result = run("quote", str(plate), str(workdir / "kapot.dxf"), "--material", "S235JR", "--thickness", "3",
                 "--summary", "quotes.csv", "--save", "K1001")
    assert result.exit_code == 0, result.output
    assert "Price per piece" in result.output and "Quote OFF-" in result.output
    assert "kapot.dxf: this is not a DXF file" in result.output
    assert (workdir / "quotes.csv").read_text().count("plaat.dxf") == 3
    result = run("quote", str(plate), "--material", "S235JR", "--thickness", "3", "--qty", "5,25",
                 "--save", "K1002", "--document", "offerte.html", "--lang", "en")
    assert result.exit_code == 0, result.output
    html = (workdir / "offerte.html").read_text()
    assert "Quotation" in html and "Demo Metaal BV" in html and "<svg" in html and "working days" in html
    prices = json.loads(run("quote", str(plate), "--material", "S235JR", "--thickness", "3", "--qty", "5,25",
                            "--json").output)["parts"][0]["breaks"]
    assert f"€{prices[1]['unit_price']:,.2f}" in html
    result = run("quote", str(plate), "--material", "S235JR", "--thickness", "3", "--qty", "5",
                 "--document", "angebot.html", "--lang", "de")
    assert result.exit_code == 0, result.output
    assert "Angebot" in (workdir / "angebot.html").read_text() and "Stückpreis" in (workdir / "angebot.html").read_text()
    result = run("quote", str(plate), "--material", "S235JR", "--thickness", "3", "--qty", "5",
                 "--document", "x.html", "--lang", "fr")
    assert result.exit_code == 1 and "'fr' is not a language for documents" in result.output
    result = run("quote", str(workdir / "kapot.dxf"), "--material", "S235JR", "--thickness", "3")
    assert result.exit_code == 1
    result = run("quote", str(plate), "--material", "UNOBTAINIUM", "--thickness", "3")
    assert result.exit_code == 1 and "unknown material 'UNOBTAINIUM'" in result.output
    result = run("quote", str(plate), "--material", "S235JR", "--thickness", "40")
    assert result.exit_code == 1 and "beyond the laser's capability" in result.output


def test_nest_command(workdir):
    plate = _plate_dxf(workdir / "plaat.dxf")
    (workdir / "kapot.dxf").write_text("not a drawing")
    result = run("nest", f"{plate}:40", str(workdir / "kapot.dxf"), "--sheet", "1000x500", "--out", "vellen",
                 "--time-limit", "2")
    assert result.exit_code == 0, result.output
    assert "overall utilisation" in result.output
    assert "kapot.dxf: this is not a DXF file" in result.output
    svgs = sorted((workdir / "vellen").glob("*.svg"))
    assert svgs and all(s.read_text().startswith("<svg") for s in svgs)
    assert sum(s.read_text().count("<path") - 1 for s in svgs) == 40  # every plate drawn once
    assert len(list((workdir / "vellen").glob("*.png"))) == len(svgs) == len(list((workdir / "vellen").glob("*.dxf")))
    result = run("nest", f"{plate}:tien")
    assert result.exit_code == 1 and "whole number" in result.output
    folder = workdir / "map"
    folder.mkdir()
    _plate_dxf(folder / "a.dxf")
    _plate_dxf(folder / "b.dxf")
    result = run("nest", f"{folder}:3", "--sheet", "1000x500", "--time-limit", "1", "--out", "map-vellen")
    assert result.exit_code == 0, result.output
    svgs = list((workdir / "map-vellen").glob("*.svg"))
    assert sum(s.read_text().count("<path") - 1 for s in svgs) == 6  # two files, three of each


def test_nest_open_orders_of_the_demo_shop(workdir):
    assert run("init").exit_code == 0
    assert run("demo", "--seed", "3", "--start", "2026-11-30").exit_code == 0
    result = run("nest", "--material", "S235JR", "--thickness", "3", "--time-limit", "3", "--out", "nest")
    assert result.exit_code == 0, result.output
    assert "Nest 1: S235JR 3 mm" in result.output and "utilisation" in result.output
    assert list((workdir / "nest").glob("nest1-01-*.dxf"))
    again = run("nest", "--material", "S235JR", "--thickness", "3", "--time-limit", "1")
    assert again.exit_code == 1 and "no open order lines of S235JR 3 mm" in again.output


def test_co2_and_compare_commands(workdir):
    assert run("init").exit_code == 0
    assert run("demo", "--seed", "3", "--start", "2026-11-30").exit_code == 0
    from maakbaar.services.shop_io import load_shop
    from maakbaar.store.db import make_engine, unit_of_work

    with unit_of_work(make_engine()) as session:
        number = load_shop(session).orders[0].number
    result = run("co2", number, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["co2_kg"] == pytest.approx(sum(c["kg_co2"] for c in data["components"]))
    assert set(data["by_component"]) >= {"material", "scrap", "process", "transport"}
    months = run("co2")
    assert months.exit_code == 0 and "CO2 per month" in months.output
    result = run("compare", "--order", number, "--country", "CN", "--leg", "sea_container:19500",
                 "--leg", "road_truck:200", "--pdf", "vergelijking.pdf", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.split("Report written")[0])
    assert data["difference_kg"] > 0 and (workdir / "vergelijking.pdf").read_bytes()[:5] == b"%PDF-"
    result = run("compare", "--scenario", "sluisdeuren", "--lang", "en", "--pdf", "lock.pdf")
    assert result.exit_code == 0 and "Highest local price that still wins" in result.output
    bad = run("compare", "--order", number, "--leg", "road_truck:ver")
    assert bad.exit_code == 1 and "MODE:KM" in bad.output
    bad = run("co2", number, "--grid", "XX-1999")
    assert bad.exit_code == 1 and "'XX-1999' is not in grid_kg_co2_per_kwh" in bad.output


ENGLISH_IN_DUTCH = ("stored", "Error", "Late orders", "Not planned", "Objectives", "Bottleneck", "written", "loaded",
                    "Database ready", "Every order", "without making", "Demo users", "line(s)", "sheet(s)")


def test_the_cli_speaks_dutch(workdir, monkeypatch):
    """Without --lang or MAAKBAAR_LANG the CLI writes Dutch (numbers, dates and refusals included); --lang en
    switches it."""
    monkeypatch.delenv("MAAKBAAR_LANG", raising=False)
    refused = run("orders")
    assert refused.exit_code == 1 and "Fout:" in refused.output and "maakbaar-schema" in refused.output
    outputs = [refused.output]
    for command in (["init"], ["demo", "--seed", "3"], ["orders"], ["plan", "--time-limit", "2"],
                    ["order", "new", "K1001", "--due", "2030-01-07", "--line", "GEEN:1"]):
        result = run(*command)
        outputs.append(result.output)
        assert result.exit_code in (0, 3), (command, result.output)
    text = " ".join(" ".join(outputs).split())
    assert "Database klaar op" in text and "Demowerkplaats" in text and "opgeslagen" in text
    assert "artikel 'GEEN' bestaat niet" in text
    assert re.search(r"Planning \d+ opgeslagen: [\d.]+ bewerkingen", text), text[-2000:]
    assert re.search(r"Orders te laat \(\d+\)", text)
    found = [word for word in ENGLISH_IN_DUTCH if word in text]
    assert not found, found
    english = run("--lang", "en", "orders")
    assert english.exit_code == 0 and "Due" in english.output


def test_the_help_is_dutch_unless_english_is_asked(workdir, monkeypatch):
    """Typer reads the help texts when the program starts, so each language is a fresh process."""
    monkeypatch.delenv("MAAKBAAR_LANG", raising=False)
    command = [sys.executable, "-m", "maakbaar.cli.main"]
    dutch = subprocess.run([*command, "plan", "--help"], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "COLUMNS": "200"})
    assert dutch.returncode == 0, dutch.stderr
    assert "Seconden om de planning te verbeteren" in dutch.stdout and "Opties" in dutch.stdout
    assert "Seconds to spend" not in dutch.stdout
    english = subprocess.run([*command, "--lang", "en", "plan", "--help"], capture_output=True, text=True,
                             timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert "Seconds to spend improving the plan" in english.stdout and "Options" in english.stdout


def test_the_demo_is_removed_from_the_command_line_keeping_an_own_administrator(workdir):
    assert run("init").exit_code == 0
    assert run("demo", "--seed", "2", "--start", "2026-11-30").exit_code == 0
    refused = run("remove-demo")  # nobody could log in after it
    assert refused.exit_code != 0 and "administrator" in refused.output
    added = run("user", "add", "eigenaar", "--role", "admin", "--password", "lang-genoeg-1")
    assert added.exit_code == 0, added.output
    result = run("remove-demo")
    assert result.exit_code == 0, result.output
    assert "Demo removed" in result.output and "orders" in result.output
    orders = run("orders")
    assert orders.exit_code == 0 and "ORD-" not in orders.output
    # a database that holds an own shop (its administrator) is not filled with the demo by start.sh's --if-empty
    again = run("demo", "--if-empty")
    assert again.exit_code == 0 and "Demo shop" not in again.output
