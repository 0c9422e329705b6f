"""One clock: services, pages and commands read 'now' from ``maakbaar.clock``; MAAKBAAR_NOW moves it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from maakbaar import clock


def test_set_now_moves_the_clock_and_it_runs_on():
    saved = clock.state()
    try:
        clock.set_now(dt.datetime(2031, 2, 28, 23, 59, 30))
        first = clock.now()
        assert first.date() == dt.date(2031, 2, 28) and clock.today() == dt.date(2031, 2, 28)
        assert clock.now() >= first  # it runs on from there
        with clock.frozen(dt.datetime(2030, 12, 31, 8, 0)):
            assert clock.now() == dt.datetime(2030, 12, 31, 8, 0)
        assert clock.now().year == 2031
        clock.set_now(None)
        assert abs((clock.now() - dt.datetime.now()).total_seconds()) < 5
    finally:
        clock.restore(saved)


def test_a_date_or_a_moment_in_the_environment_starts_the_clock_there():
    for value, expected in (("2027-12-06", "2027-12-06"), ("2028-02-29T07:30", "2028-02-29 07:30")):
        env = dict(os.environ, MAAKBAAR_NOW=value)
        out = subprocess.run([sys.executable, "-c", "from maakbaar import clock; print(clock.now())"], env=env,
                             capture_output=True, text=True, check=True).stdout
        assert out.startswith(expected), out
    bad = subprocess.run([sys.executable, "-c", "import maakbaar.clock"], env=dict(os.environ, MAAKBAAR_NOW="morgen"),
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "MAAKBAAR_NOW='morgen' is not a date" in bad.stderr


def test_no_module_outside_the_clock_reads_the_machines_time():
    """Engines take times as arguments; services, web and CLI ask the clock (so the suite can run on any date)."""
    import pathlib

    source = pathlib.Path(clock.__file__).parent
    offenders = [str(p.relative_to(source)) for p in source.rglob("*.py") if p.name != "clock.py"
                 and any(s in p.read_text(encoding="utf-8") for s in ("date.today()", "datetime.now()",
                                                                    "datetime.today()", "datetime.utcnow()"))]
    assert offenders == []


def test_an_order_late_by_the_calendar_says_why_a_year_later(session):
    """The dashboard's late list: an open order whose due date has passed, with no plan saying otherwise, has a
    reason (it had none, by today's date)."""
    from maakbaar.services import order_service, shop_io
    from tests import factories as f

    shop_io.store_shop(session, f.small_shop())
    late = [o for o in order_service.order_overview(session, today=dt.date(2030, 1, 1)) if o.late]
    assert late and all(o.late_reason is not None and o.late_reason.code in ("late.overdue", "late.held_up",
                                                                            "late.late", "late.unavoidable")
                        for o in late)
    from maakbaar.i18n import say

    assert all("levering was gepland voor" in say(o.late_reason, "nl") for o in late
               if o.late_reason.code == "late.overdue")
