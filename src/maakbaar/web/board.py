"""The planning board as the browser draws it (machines as rows, operations as bars, non-working time shaded),
and the answer to moving an operation by hand, with the conflicts named in dates. The data and the move are
services (``planning_board``, ``planning_service.move_operation``)."""

from __future__ import annotations

import datetime as dt
import hashlib

from ..services import cache, planning_board, planning_service
from ..store.db import Session
from ..i18n import moment, say
from .i18n import DAY_NAMES

PALETTE = ("#4e79a7", "#59a14f", "#9c755f", "#b07aa1", "#76b7b2", "#edc948", "#f28e2b", "#86bcb6", "#8cd17d",
           "#a0cbe8", "#d4a6c8", "#b6992d")


def colour(order: str) -> str:
    return PALETTE[int(hashlib.sha1(order.encode()).hexdigest(), 16) % len(PALETTE)]


# what the board shows (``cache.data_version``): the plan, the machines and their calendars, and pins
TOPICS = ("plan", "machines", "calendars", "operations")


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="minutes")


def board_data(db: Session, start: dt.datetime | None = None, days: int = 14) -> dict:
    """The board as vis-timeline reads it: machines as groups, operations and setups as bars, closed time shaded."""
    view = planning_board.board(db, start, days)
    start, end, machines, calendars = view.start, view.end, view.machines, view.calendars
    groups = [{"id": m.code, "content": f"{m.code} <span class='muted'>{m.name}</span>",
               "work_center": m.work_center} for m in machines]
    key = (start, end, tuple((m.code, m.calendar, m.downtimes) for m in machines),
           tuple((c.code, c.model_dump_json()) for c in calendars.values()))
    background = cache.cached("board-background", (start, end), key, 300,
                              lambda: _background(machines, calendars, start, end))
    items = []
    for op in view.operations:
        title = (f"<b>{op.order}</b> {op.label}<br>{DAY_NAMES['nl'][op.start.weekday()]} "
                 f"{op.start:%d-%m %H:%M} - {op.end:%H:%M}"
                 f"<br>{op.machine}" + (f", {op.operator}" if op.operator else "")
                 + (f"<br>omstellen {op.setup_min} min" if op.setup_min else "")
                 + ("<br><b>vastgezet</b>" if op.pinned else "")
                 + ("<br><b>te laat</b>" if op.late else ""))
        items.append({"id": op.op_key, "group": op.machine, "start": _iso(op.start), "end": _iso(op.end),
                      "content": ("📌 " if op.pinned else "") + f"{op.order} {op.label.split(' ')[0] if op.label else ''}",
                      "title": title, "order": op.order, "late": op.late, "pinned": op.pinned,
                      "className": " ".join(c for c in ("late" if op.late else "", "pinned" if op.pinned else "")
                                            if c),
                      "style": f"background-color: {colour(op.order)};"})
        if op.setup_min:
            setup_end = min(op.end, op.start + dt.timedelta(minutes=op.setup_min))
            items.append({"id": f"setup:{op.op_key}", "group": op.machine, "start": _iso(op.start),
                          "end": _iso(setup_end), "content": "", "className": "setup", "editable": False,
                          "selectable": False, "title": f"omstellen {op.setup_min} min"})
    plan = view.plan
    first = min((i["start"] for i in items if not i["id"].startswith("setup:")), default=_iso(start))
    return {"first": first, "plan": None if plan is None else {"id": plan.id, "origin": _iso(plan.origin),
                                               "late_jobs": plan.late_jobs, "method": plan.method,
                                               "created_at": _iso(plan.created_at)},
            "start": _iso(start), "end": _iso(end), "groups": groups, "items": items + background}


def _background(machines, calendars, start: dt.datetime, end: dt.datetime) -> list[dict]:
    """Non-working time and breakdowns per machine, shaded on the board."""
    background = []
    for machine in machines:
        calendar = calendars.get(machine.calendar)
        if calendar is None:
            continue
        cursor = start
        for a, b in calendar.working_intervals(start, end):
            if a > cursor:
                background.append({"id": f"closed:{machine.code}:{_iso(cursor)}", "group": machine.code,
                                   "start": _iso(cursor), "end": _iso(a), "type": "background",
                                   "className": "closed"})
            cursor = max(cursor, b)
        if cursor < end:
            background.append({"id": f"closed:{machine.code}:{_iso(cursor)}", "group": machine.code,
                               "start": _iso(cursor), "end": _iso(end), "type": "background", "className": "closed"})
        for k, down in enumerate(machine.downtimes):
            if down.end > start and down.start < end:
                background.append({"id": f"down:{machine.code}:{k}", "group": machine.code, "start": _iso(down.start),
                                   "end": _iso(down.end), "type": "background", "className": "down",
                                   "content": down.reason or "storing"})
    return background


def move_operation(db: Session, op_key: str, machine: str, start: dt.datetime, lang: str = "nl") -> dict:
    """The answer to a drag on the board: where the operation now is, and what the plan's check says (in the
    reader's language, with dates and clock times, and as codes for programs)."""
    moved = planning_service.move_operation(db, op_key, machine, start)
    violations = moved.violations[:25]
    return {"operation": op_key, "machine": machine, "start": _iso(moved.start), "end": _iso(moved.end),
            "start_text": moment(moved.start, lang), "conflicts": [say(v.reason, lang) for v in violations],
            "conflict_codes": [v.reason.to_json() for v in violations],
            "conflict_count": len(moved.violations), "late_orders": moved.late_orders, "order_late": moved.order_late}
