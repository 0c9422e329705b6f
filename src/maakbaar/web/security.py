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

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from ..config import data_dir
from ..services.user_service import User, get_user

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


def log_in(request: Request, user: User) -> None:
    request.session.clear()  # a fresh session (and CSRF token) at every log-in
    request.session["user_id"] = user.id
    request.session["csrf"] = secrets.token_urlsafe(32)


def log_out(request: Request) -> None:
    request.session.clear()


def user_from_request(request: Request, db: Session) -> User | None:
    user_id = request.session.get("user_id")
    if not isinstance(user_id, int):
        return None
    user = get_user(db, user_id)
    if user is None or not user.active:
        request.session.clear()
        return None
    return user


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
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")


def _permission(permission: str, session_dependency, not_logged_in, refused: str):
    """A dependency that lets a request through only for a logged-in user with ``permission``; unsafe methods
    also need the CSRF token."""

    async def dependency(request: Request, db: Session = Depends(session_dependency)) -> User:
        # the database is asked in a worker thread: never block the event loop (it would starve the pool)
        user = await run_in_threadpool(_user_and_release, request, db)
        if user is None:
            raise not_logged_in(request)
        if not user.may(permission):
            raise HTTPException(403, refused.format(role=user.role, permission=permission))
        await check_csrf(request)
        return user

    return dependency


def api_permission(permission: str, session_dependency):
    """For API routes: 401 without a log-in, 403 without the permission."""
    return _permission(permission, session_dependency,
                       lambda request: HTTPException(401, "log in first (POST /api/login)"),
                       "your role ({role}) may not do this ({permission})")


def page_permission(permission: str, session_dependency):
    """For pages: to /login without a log-in (and back after it); a 403 page without the permission."""
    return _permission(permission, session_dependency,
                       lambda request: LoginRequired(
                           str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")),
                       "your role ({role}) may not open this page")
