"""The booking state machine of one operation on the floor (pure: plain data in, a decision out).

An operation is pending, started (someone is setting it up or running it), paused, or done. Each operator
books his own time entries on it (setup or run); several operators may work on one operation, and one operator
may run an unattended machine (a laser program) while he works on something else, but he is in one attended
activity at a time: starting one closes his other attended one ("switched"). Partial quantities are reported
with finish (last=False); the operation is done when the last piece is reported or the operator says so.

Actions: start_setup, start_run, pause (with a reason), finish (good, scrap, last), breakdown, quality.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ACTIONS = ("start_setup", "start_run", "pause", "finish", "breakdown", "quality")
PAUSE_REASONS = ("break", "material", "tooling", "drawing", "question", "other_job", "shift_end", "other")


class BookingError(ValueError):
    """The action is not allowed in the operation's state (or the input is wrong); nothing is booked.
    ``code`` names the reason in the message catalogue (``booking.<code>``), filled in with ``params``; the
    English sentence is for the API and the log."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code, self.params = f"booking.{code}", params


@dataclass(frozen=True)
class Entry:
    """An open time entry: who is doing what on which operation."""

    operator: str
    operation: str  # op key
    activity: str  # setup or run
    unattended: bool = False  # the operation may run without an operator after setup


@dataclass(frozen=True)
class OperationState:
    key: str
    status: str  # pending, started, paused, done
    quantity: int  # of the work order
    quantity_done: int
    unattended: bool = False
    previous_done: int | None = None  # pieces the previous operation has reported; None for the first one
    open_entries: tuple[Entry, ...] = ()  # on this operation, everyone's


@dataclass(frozen=True)
class Transition:
    status: str  # the operation's new status
    close: tuple[tuple[str, str, str], ...] = ()  # (operator, op key, reason) entries to close
    open: tuple[Entry, ...] = ()  # entries to open
    good: int = 0
    scrap: int = 0
    remake: int = 0  # pieces to make again because of scrap
    machine_down: bool = False
    messages: tuple[str, ...] = field(default=())
    notes: tuple[tuple[str, dict], ...] = field(default=())  # the messages as catalogue keys with their values


def decide(op: OperationState, action: str, operator: str, operator_entries: tuple[Entry, ...] = (),
           good: int = 0, scrap: int = 0, last: bool = False, reason: str = "") -> Transition:
    """What ``action`` by ``operator`` does to ``op``; ``operator_entries`` are his open entries everywhere."""
    if action not in ACTIONS:
        raise BookingError("unknown_action", f"unknown action '{action}' (known: {', '.join(ACTIONS)})",
                           action=action, known=", ".join(ACTIONS))
    mine = next((e for e in op.open_entries if e.operator == operator), None)
    if action == "quality":
        return Transition(op.status, messages=(f"quality problem on {op.key}: {reason or 'no description'}",),
                          notes=(("note.quality", {"op": op.key, "reason": reason}),))
    if op.status == "done":
        raise BookingError("already_done", f"{op.key} is already done", op=op.key)

    if action in ("start_setup", "start_run"):
        if op.previous_done is not None and op.previous_done <= 0:
            raise BookingError("not_ready", f"{op.key} is not ready: the previous operation has no pieces reported yet",
                               op=op.key)
        activity = "setup" if action == "start_setup" else "run"
        if mine is not None and mine.activity == activity:
            raise BookingError(f"already_on_{activity}", f"you are already on {activity} of {op.key}", op=op.key)
        if mine is not None and mine.activity == "run" and activity == "setup":
            raise BookingError("running", f"{op.key} is running; pause it before setting up again", op=op.key)
        close = []
        if mine is not None:
            close.append((operator, op.key, f"{activity} started"))
        # one attended activity at a time: his other attended work is paused, an unattended run keeps going
        for other in operator_entries:
            if other.operation != op.key and not (other.activity == "run" and other.unattended):
                close.append((operator, other.operation, f"switched to {op.key}"))
        return Transition("started", tuple(close), (Entry(operator, op.key, activity, op.unattended),))

    if action == "pause":
        if mine is None:
            raise BookingError("nothing_to_pause", f"you are not booked on {op.key}; nothing to pause", op=op.key)
        reason = reason or "other"
        if reason not in PAUSE_REASONS:
            raise BookingError("pause_reason", f"pause reason must be one of {', '.join(PAUSE_REASONS)}",
                               known=", ".join(PAUSE_REASONS))
        others = [e for e in op.open_entries if e.operator != operator]
        return Transition("started" if others else "paused", ((operator, op.key, f"pause: {reason}"),))

    if action == "finish":
        if mine is None:
            raise BookingError("not_booked", f"you are not booked on {op.key}; start it first", op=op.key)
        if mine.activity != "run":
            raise BookingError("in_setup", f"{op.key} is being set up; start production before reporting pieces",
                               op=op.key)
        if good < 0 or scrap < 0 or good + scrap == 0 and not last:
            raise BookingError("pieces", "report the good and scrap pieces (whole numbers, not both zero)")
        done = op.quantity_done + good
        limit = op.quantity if op.previous_done is None else min(op.quantity, op.previous_done)
        if done > limit:
            raise BookingError("too_many", f"{done} good pieces of {op.key} would be more than the {limit} available",
                               done=done, op=op.key, limit=limit)
        finished = last or done >= op.quantity
        if finished:
            close = tuple((e.operator, op.key, "finish" if e.operator == operator else f"finished by {operator}")
                          for e in op.open_entries)
            return Transition("done", close, good=good, scrap=scrap, remake=scrap)
        others = [e for e in op.open_entries if e.operator != operator]
        return Transition("started" if others else "paused", ((operator, op.key, "partial"),), good=good,
                          scrap=scrap, remake=scrap)

    # breakdown: everyone on this operation stops; the machine goes down
    close = tuple((e.operator, op.key, "breakdown") for e in op.open_entries)
    if op.status == "pending":
        return Transition("pending", close, machine_down=True, messages=(f"breakdown reported at {op.key}",),
                          notes=(("note.breakdown", {"op": op.key}),))
    return Transition("paused", close, machine_down=True, messages=(f"breakdown reported at {op.key}",),
                      notes=(("note.breakdown", {"op": op.key}),))
