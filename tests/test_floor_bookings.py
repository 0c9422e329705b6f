"""The booking state machine: every allowed and every forbidden transition."""

from __future__ import annotations

import pytest

from maakbaar.floor import BookingError, Entry, OperationState, decide

OP = "WO-1-1/20"


def state(status="pending", done=0, entries=(), previous=None, quantity=10, unattended=False):
    return OperationState(OP, status, quantity, done, unattended, previous, tuple(entries))


SETUP = Entry("JAN", OP, "setup")
RUN = Entry("JAN", OP, "run")
OTHER = Entry("PIET", OP, "run")


@pytest.mark.parametrize("status, entries, action, kwargs, expected_status, opened, closed", [
    ("pending", (), "start_setup", {}, "started", "setup", []),
    ("pending", (), "start_run", {}, "started", "run", []),
    ("paused", (), "start_setup", {}, "started", "setup", []),
    ("paused", (), "start_run", {}, "started", "run", []),
    ("started", (SETUP,), "start_run", {}, "started", "run", ["setup started" if False else "run started"]),
    ("started", (OTHER,), "start_run", {}, "started", "run", []),  # a second operator joins
    ("started", (OTHER,), "start_setup", {}, "started", "setup", []),
    ("started", (SETUP,), "pause", {"reason": "tooling"}, "paused", None, ["pause: tooling"]),
    ("started", (RUN,), "pause", {"reason": "break"}, "paused", None, ["pause: break"]),
    ("started", (RUN, OTHER), "pause", {}, "started", None, ["pause: other"]),  # the other keeps going
    ("started", (RUN,), "finish", {"good": 4}, "paused", None, ["partial"]),
    ("started", (RUN, OTHER), "finish", {"good": 4}, "started", None, ["partial"]),
    ("started", (RUN,), "finish", {"good": 10}, "done", None, ["finish"]),
    ("started", (RUN,), "finish", {"good": 3, "last": True}, "done", None, ["finish"]),
    ("started", (RUN, OTHER), "finish", {"good": 10}, "done", None, ["finish", "finished by JAN"]),
    ("started", (RUN, OTHER), "breakdown", {}, "paused", None, ["breakdown", "breakdown"]),
    ("paused", (), "breakdown", {}, "paused", None, []),
    ("pending", (), "breakdown", {}, "pending", None, []),
    ("pending", (), "quality", {"reason": "braam"}, "pending", None, []),
    ("done", (), "quality", {"reason": "kras"}, "done", None, []),
])
def test_allowed_transitions(status, entries, action, kwargs, expected_status, opened, closed):
    result = decide(state(status, entries=entries), action, "JAN", **kwargs)
    assert result.status == expected_status
    assert [e.activity for e in result.open] == ([opened] if opened else [])
    assert [reason for _who, _op, reason in result.close] == closed


@pytest.mark.parametrize("status, entries, action, kwargs, message", [
    ("done", (), "start_setup", {}, "already done"),
    ("done", (), "start_run", {}, "already done"),
    ("done", (), "pause", {}, "already done"),
    ("done", (), "finish", {"good": 1}, "already done"),
    ("done", (), "breakdown", {}, "already done"),
    ("started", (SETUP,), "start_setup", {}, "already on setup"),
    ("started", (RUN,), "start_run", {}, "already on run"),
    ("started", (RUN,), "start_setup", {}, "pause it before setting up"),
    ("pending", (), "pause", {}, "not booked"),
    ("started", (OTHER,), "pause", {}, "not booked"),
    ("pending", (), "finish", {"good": 1}, "start it first"),
    ("started", (SETUP,), "finish", {"good": 1}, "being set up"),
    ("started", (RUN,), "finish", {"good": 11}, "more than the 10"),
    ("started", (RUN,), "finish", {"good": 0, "scrap": 0}, "not both zero"),
    ("started", (RUN,), "finish", {"good": -1}, "whole numbers"),
    ("started", (RUN,), "pause", {"reason": "zomaar"}, "pause reason"),
    ("pending", (), "dance", {}, "unknown action"),
])
def test_forbidden_transitions(status, entries, action, kwargs, message):
    with pytest.raises(BookingError, match=message):
        decide(state(status, entries=entries), action, "JAN", **kwargs)


def test_work_that_is_not_ready_cannot_start_and_no_more_than_the_previous_step_made():
    with pytest.raises(BookingError, match="not ready"):
        decide(state(previous=0), "start_run", "JAN")
    assert decide(state(previous=3), "start_run", "JAN").status == "started"
    with pytest.raises(BookingError, match="more than the 3 available"):
        decide(state("started", entries=(RUN,), previous=3), "finish", "JAN", good=4)


def test_one_operator_on_two_jobs():
    laser = Entry("JAN", "WO-2-1/10", "run", unattended=True)
    bending = Entry("JAN", "WO-3-1/30", "run")
    # the laser keeps running unattended while he starts bending; attended work elsewhere is switched off
    result = decide(state(), "start_setup", "JAN", operator_entries=(laser, bending))
    assert result.close == (("JAN", "WO-3-1/30", f"switched to {OP}"),)
    setup_elsewhere = Entry("JAN", "WO-2-1/10", "setup", unattended=True)
    result = decide(state(), "start_run", "JAN", operator_entries=(setup_elsewhere,))
    assert result.close == (("JAN", "WO-2-1/10", f"switched to {OP}"),)


def test_scrap_asks_for_a_remake_and_breakdown_takes_the_machine_down():
    result = decide(state("started", entries=(RUN,)), "finish", "JAN", good=6, scrap=2)
    assert (result.good, result.scrap, result.remake) == (6, 2, 2)
    assert decide(state("started", entries=(RUN,)), "breakdown", "JAN").machine_down
