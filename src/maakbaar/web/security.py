"""Log-in, sessions, roles and CSRF for the web app.

Sessions live in a signed cookie (HttpOnly, SameSite=Lax; Secure when MAAKBAAR_SECURE_COOKIES=1, for a shop
that serves over HTTPS). The secret is generated once into the data folder. Every unsafe request (POST, PUT,
PATCH, DELETE) must carry the session's CSRF token, in the X-CSRF-Token header (HTMX and fetch send it) or in a
form field ``csrf_token``. Every API route names the permission it needs; pages redirect to the log-in.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi import Path as PathParameter
from starlette.concurrency import run_in_threadpool
from ..store.db import Session

from ..config import data_dir
from ..services.user_service import User, end_sessions, signed_in_user, wait_minutes

SESSION_COOKIE = "maakbaar_session"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def session_secret() -> str:
    """MAAKBAAR_SECRET_KEY, else a random key kept in the data folder (created on first start)."""
    if os.environ.get("MAAKBAAR_SECRET_KEY"):
        return os.environ["MAAKBAAR_SECRET_KEY"]
    path = Path(data_dir()) / "secret_key"
    if path.is_file():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    try:
        path.chmod(0o600)
    except OSError:
        pass
    return key


def secure_cookies() -> bool:
    return os.environ.get("MAAKBAAR_SECURE_COOKIES", "") in ("1", "true", "yes")


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


class LoginRequired(Exception):
    """A page was asked for without a log-in: redirect to /login."""

    def __init__(self, next_url: str):
        self.next_url = next_url


# a record id in a URL: within what both databases store (PostgreSQL's integer), else a 422, never a 500
RowId = Annotated[int, PathParameter(ge=0, le=2**31 - 1)]


def log_in(request: Request, user: User) -> None:
    request.session.clear()  # a fresh session (and CSRF token) at every log-in
    request.session["user_id"] = user.id
    request.session["sv"] = user.session_version
    request.session["csrf"] = secrets.token_urlsafe(32)


def log_out(request: Request) -> None:
    request.session.clear()


def log_out_everywhere(request: Request, db: Session) -> None:
    """Log out, ending every session of the user (a copied cookie stops working too); commits."""
    user = user_from_request(request, db)
    if user is not None:
        end_sessions(db, user.id)
        db.commit()
    log_out(request)


def user_from_request(request: Request, db: Session) -> User | None:
    user_id = request.session.get("user_id")
    if not isinstance(user_id, int):
        return None
    user = signed_in_user(db, user_id)
    if user is None or not user.active or request.session.get("sv") != user.session_version:
        request.session.clear()  # deactivated, logged out elsewhere, or the password changed since
        return None
    return user


class AddressLimiter:
    """Wrong log-ins per address (in this process): from ``first_wait`` in a row, each further attempt from that
    address waits a growing time (a minute, doubling, at most an hour); a right one clears it."""

    def __init__(self, first_wait: int = 20, size: int = 10_000):
        import threading

        self.first_wait, self.size = first_wait, size
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, address: str) -> float:
        import time

        with self._lock:
            count, until = self._failures.get(address, (0, 0.0))
        return max(0.0, until - time.monotonic())

    def failed(self, address: str) -> None:
        import time

        with self._lock:
            if len(self._failures) >= self.size:
                self._failures.pop(next(iter(self._failures)))
            count, _until = self._failures.get(address, (0, 0.0))
            count += 1
            self._failures[address] = (count, time.monotonic() + 60.0 * wait_minutes(count, self.first_wait))

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address, None)


addresses = AddressLimiter()


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class LoginRefused(Exception):
    """A log-in that is not checked or failed: ``status`` 401 (wrong), 429 (wait), with a ``reason`` code for the
    page's words: wrong, wait_address, wait_account, locked."""

    def __init__(self, status: int, reason: str, minutes: int = 0):
        super().__init__(reason)
        self.status, self.reason, self.minutes = status, reason, minutes


def checked_log_in(request: Request, db: Session, username: str | None = None, password: str | None = None,
                   badge: str | None = None, pin: str | None = None) -> User:
    """Password or badge+PIN, with the limits: a growing wait per address and per account, an account lock an
    admin lifts. Runs in a worker thread (Argon2 and the database). Raises LoginRefused."""
    import math

    from ..services import user_service

    address = client_address(request)
    wait = addresses.wait_seconds(address)
    if wait > 0:
        raise LoginRefused(429, "wait_address", math.ceil(wait / 60))
    try:
        if badge is not None:
            user = user_service.authenticate_badge(db, badge, pin or "")
        else:
            user = user_service.authenticate(db, username or "", password or "")
    except user_service.LoginLocked as locked:
        db.rollback()
        if locked.until is None:
            raise LoginRefused(429, "locked") from None
        minutes = math.ceil((locked.until - user_service.clock.now()).total_seconds() / 60)
        raise LoginRefused(429, "wait_account", max(1, minutes)) from None
    db.rollback()
    if user is None:
        addresses.failed(address)
        user_service.note_failed_login(user_service.separate_sessions(db), username=username if badge is None else None,
                                       badge=badge)
        raise LoginRefused(401, "wrong")
    addresses.succeeded(address)
    return user


def refused_text(refused: LoginRefused, language: str, badge: bool = False) -> str:
    """Why a log-in was refused, in ``language`` (a badge and PIN say so when they are wrong)."""
    from ..i18n import translator

    return translator(language)(refused_code(refused, badge), minutes=refused.minutes)


def refused_code(refused: LoginRefused, badge: bool = False) -> str:
    return "login.wrong_badge" if badge and refused.reason == "wrong" else f"login.{refused.reason}"


def _user_and_release(request: Request, db: Session) -> User | None:
    """The logged-in user, then the connection back to the pool at once: a booking opens its own transaction,
    and twenty terminals booking together must not hold two connections each (the pool ran dry at 20)."""
    try:
        return user_from_request(request, db)
    finally:
        db.rollback()


async def check_csrf(request: Request) -> None:
    if request.method not in UNSAFE:
        return
    expected = request.session.get("csrf")
    given = request.headers.get("x-csrf-token")
    if not given and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        given = form.get("csrf_token")
    if not expected or not isinstance(given, str) or not secrets.compare_digest(expected, given):
        raise Refused(403, "error.csrf")


class Refused(HTTPException):
    """A request refused by the web layer itself (log-in, role, CSRF), with a message key and its values: the
    reader gets it in his language, a program gets the ``code``."""

    def __init__(self, status: int, code: str, headers: dict | None = None, **params):
        from ..i18n import translator

        super().__init__(status, translator("en")(code, **params), headers)
        self.code, self.params = code, params


def _permission(permission: str, session_dependency, not_logged_in, refused: str):
    """A dependency that lets a request through only for a logged-in user with ``permission``; unsafe methods
    also need the CSRF token."""

    async def dependency(request: Request, db: Session = Depends(session_dependency)) -> User:
        # the database is asked in a worker thread: never block the event loop (it would starve the pool)
        user = await run_in_threadpool(_user_and_release, request, db)
        if user is None:
            raise not_logged_in(request)
        if not user.may(permission):
            raise Refused(403, refused, role=user.role, permission=permission)
        await check_csrf(request)
        return user

    return dependency


def api_permission(permission: str, session_dependency):
    """For API routes: 401 without a log-in, 403 without the permission."""
    return _permission(permission, session_dependency,
                       lambda request: Refused(401, "error.login_first"), "error.role_may_not_do")


def page_permission(permission: str, session_dependency):
    """For pages: to /login without a log-in (and back after it); a 403 page without the permission."""
    return _permission(permission, session_dependency,
                       lambda request: LoginRequired(
                           str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")),
                       "error.role_may_not_open")
