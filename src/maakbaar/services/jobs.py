"""Long work off the request: planning and nesting run in a background worker inside the app.

A job is a row in ``jobs`` (queued, running, done, failed) with its parameters, progress and result; the page
polls it. One worker thread runs the jobs in order (a solver already uses the cores). Progress lives in memory
while the job runs (no write lock on SQLite while the solver works) and is stored with the result. A job that
fails rolls back all its work and stores the error; jobs left running by a crash are marked failed at start.
"""

from __future__ import annotations

import json
import datetime as dt
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .. import clock
from ..store.db import unit_of_work
from ..reasons import Reason
from ..store.records import JobRecords
from .errors import kind_of, reason_of

# a handler reports progress as text (the API's) and, where it can, as numbers for the pages
ProgressCallback = Callable[..., None]
Handler = Callable[[Session, dict, ProgressCallback], dict]


def _now() -> dt.datetime:
    return clock.now().replace(microsecond=0)


def _plan(session: Session, parameters: dict, progress: ProgressCallback) -> dict:
    from . import planning_service

    def on_progress(p) -> None:
        reason = planning_service.progress_reason(p)
        best = f", best {p.objective:g}" if p.objective is not None else ""
        progress(f"{p.phase} {p.elapsed:.1f} s{best} {p.message}".strip(),
                 {"phase": planning_service.progress_phase(p),
                  "elapsed": round(p.elapsed, 1), "late_jobs": p.late_jobs,
                  "tardiness": p.tardiness, "objective": p.objective, "bound": p.bound,
                  "late_jobs_bound": p.late_jobs_bound, "tardiness_bound": p.tardiness_bound, "first": p.first,
                  "time_limit": float(parameters.get("time_limit", 10)),
                  "reason": None if reason is None else reason.to_json()})

    summary = planning_service.plan_shop(session, None, float(parameters.get("time_limit", 10)), on_progress,
                                         parameters.get("mode", "full"),
                                         tuple(parameters["objectives"]) if parameters.get("objectives")
                                         else None, release_snapshot=True)
    return {"plan_id": summary.plan_id, "status": summary.status, "late_orders": len(summary.late_orders),
            "unplanned": [r.to_json() for r in summary.unplanned], "elapsed": summary.elapsed, "operations": summary.operations,
            "bottleneck": summary.bottleneck[0] if summary.bottleneck else None,
            "objectives": list(summary.objectives), "tardiness": summary.tardiness,
            "unavoidable_tardiness": summary.unavoidable_tardiness,
            "unavoidable_orders": len(summary.unavoidable_orders),
            "standing": None if summary.standing is None else summary.standing.to_json()}


def _nest(session: Session, parameters: dict, progress: Callable[[str], None]) -> dict:
    from . import nesting_service

    run = nesting_service.nest_open_orders(session, parameters.get("material") or None,
                                           parameters.get("thickness_mm"), float(parameters.get("time_limit", 10)),
                                           progress=progress)
    return {"nest_ids": list(run.nest_ids), "unplaced": [[name, why.to_json()] for name, why in run.unplaced],
            "notes": [note.to_json() for note in run.notes]}


HANDLERS: dict[str, Handler] = {"plan": _plan, "nest": _nest}


class JobRunner:
    def __init__(self, engine: Engine, handlers: dict[str, Handler] | None = None):
        self.engine = engine
        self.handlers = handlers or HANDLERS
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="maakbaar-job")
        self.progress: dict[int, str] = {}
        self.progress_fields: dict[int, dict] = {}  # the same as numbers, for pages in the reader's language
        self.futures: dict[int, Future] = {}
        self._lock = threading.Lock()

    def recover(self) -> int:
        """Jobs a crash or restart left queued or running are failed, with the reason."""
        with unit_of_work(self.engine) as session:
            return JobRecords(session).fail_unfinished("interrupted: the app stopped while it ran", _now())

    def submit(self, kind: str, parameters: dict[str, Any], user: str = "") -> int:
        if self.executor is None:  # started again after a shutdown (the app's lifespan restarted)
            self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="maakbaar-job")
        if kind not in self.handlers:
            raise ValueError(f"unknown job kind '{kind}' (known: {', '.join(self.handlers)})")
        with unit_of_work(self.engine) as session:
            job_id = JobRecords(session).add(kind, parameters, user, _now())
        self.futures[job_id] = self.executor.submit(self._run, job_id)
        return job_id

    def _set_progress(self, job_id: int, text: str, fields: dict | None = None) -> None:
        with self._lock:
            self.progress[job_id] = text[:500]
            if fields is not None:
                self.progress_fields[job_id] = fields

    def _run(self, job_id: int) -> None:
        with unit_of_work(self.engine) as session:
            row = JobRecords(session).get(job_id)
            row.status, row.started_at = "running", _now()
            kind, parameters = row.kind, dict(row.parameters or {})
        try:
            with unit_of_work(self.engine) as session:
                result = self.handlers[kind](session, parameters,
                                             lambda text, fields=None: self._set_progress(job_id, text, fields))
        except Exception as error:  # noqa: BLE001 - a failed job is stored, never lost
            message = f"{error.__class__.__name__}: {error}" if not isinstance(error, ValueError) else str(error)
            reason = reason_of(error) if kind_of(error) is not None else Reason.of("job.crashed", error=message[:1000])
            stored = json.dumps({"message": message[:2000], "reason": reason.to_json()}, default=str)
            with unit_of_work(self.engine) as session:
                row = JobRecords(session).get(job_id)
                row.status, row.error, row.finished_at = "failed", stored, _now()
                row.progress = self.progress.get(job_id, "")
            if not isinstance(error, ValueError):
                traceback.print_exc()
            return
        with unit_of_work(self.engine) as session:
            row = JobRecords(session).get(job_id)
            row.status, row.result, row.finished_at = "done", result, _now()
            row.progress = self.progress.get(job_id, "")

    def status(self, session: Session, job_id: int) -> dict | None:
        if not (session.new or session.dirty):
            session.rollback()  # a fresh snapshot: the worker commits in its own connection
        row = JobRecords(session).get(job_id)
        if row is None:
            return None
        session.refresh(row)
        error, reason = _error(row.error)
        return {"id": row.id, "kind": row.kind, "status": row.status, "parameters": row.parameters,
                "progress": self.progress.get(row.id, row.progress) if row.status == "running" else row.progress,
                "progress_fields": self.progress_fields.get(row.id) if row.status == "running" else None,
                "result": row.result, "error": error, "error_reason": reason, "created_by": row.created_by,
                "created_at": row.created_at.isoformat(),
                "started_at": row.started_at.isoformat() if row.started_at else None,
                "finished_at": row.finished_at.isoformat() if row.finished_at else None}

    def recent(self, session: Session, limit: int = 20) -> list[dict]:
        ids = JobRecords(session).recent_ids(limit)
        return [self.status(session, i) for i in ids]

    def wait(self, job_id: int, timeout: float | None = None) -> None:
        future = self.futures.get(job_id)
        if future is not None:
            future.result(timeout)

    def shutdown(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=False)
            self.executor = None


def _error(stored: str | None) -> tuple[str | None, dict | None]:
    """A failed job's error as stored: (the English message, its reason as JSON); text stored before reasons
    were is its own message."""
    if not stored:
        return None, None
    try:
        data = json.loads(stored)
        return str(data["message"]), data["reason"]
    except (ValueError, KeyError, TypeError):
        return stored, {"code": "text", "text": stored}
