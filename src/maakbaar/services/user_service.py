"""Users and roles: who may log in and what each role may do. Passwords and PINs are hashed with Argon2id.

Roles: admin (everything, users), planner (orders, planning, nesting, stock, shop floor), estimator (quotes,
parts, customers, orders), operator (the shop-floor terminal), viewer (read only). Never commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from .errors import InvalidInput
from .. import clock
from ..store.repositories import NotFoundError
from ..store.records import UserRecords

ROLES = ("admin", "planner", "estimator", "operator", "viewer")
PERMISSIONS: dict[str, set[str]] = {
    "read": {"admin", "planner", "estimator", "operator", "viewer"},
    "orders": {"admin", "planner", "estimator"},
    "quotes": {"admin", "planner", "estimator"},
    "planning": {"admin", "planner"},
    "nesting": {"admin", "planner"},
    "stock": {"admin", "planner"},
    "masterdata": {"admin", "planner"},
    "floor": {"admin", "planner", "operator"},
    "users": {"admin"},
}
MIN_PASSWORD = 8
_hasher = PasswordHasher()


class UserError(InvalidInput):
    pass


class LoginLocked(Exception):
    """Too many wrong passwords or PINs: no attempt is checked until ``until`` (None: until an admin lifts it)."""

    def __init__(self, until: dt.datetime | None):
        self.until = until
        super().__init__("locked until an administrator lifts it" if until is None else f"locked until {until:%H:%M}")


# After FIRST_WAIT wrong attempts in a row an account waits a minute, doubling with every further one (at most
# an hour); after LOCK_AFTER only an admin can lift it (``update_user(..., unlock=True)`` or a new password).
FIRST_WAIT = 5
LOCK_AFTER = 10
LOCKED_BY_ADMIN = dt.datetime(9999, 1, 1)


def wait_minutes(failures: int, first_wait: int) -> int:
    """How long the next attempt waits after ``failures`` wrong ones in a row: none before ``first_wait``, then a
    minute, doubling with each further one, at most an hour (accounts and addresses alike)."""
    return 0 if failures < first_wait else min(60, 2 ** (failures - first_wait))


def _clear_failures(row) -> None:
    row.failed_logins, row.locked_until = 0, None


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    language: str
    badge: str | None
    operator_code: str | None
    version: int
    session_version: int = 1
    locked: bool = False

    def may(self, permission: str) -> bool:
        return self.active and self.role in PERMISSIONS.get(permission, set())


def _user(row) -> User:
    return User(row.id, row.username, row.display_name, row.role, row.active, row.language, row.badge,
                row.operator_code, row.version, row.session_version or 1,
                row.locked_until is not None and row.locked_until > clock.now())


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def _verify(stored: str | None, secret: str) -> bool:
    if not stored:
        return False
    try:
        return _hasher.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


def create_user(session: Session, username: str, password: str, role: str, display_name: str = "",
                badge: str | None = None, pin: str | None = None, operator_code: str | None = None,
                language: str = "nl") -> User:
    username = username.strip().lower()
    if not username or len(username) > 40 or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise UserError("username: 1-40 letters, digits, '.', '-' or '_'", code="user.name")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, not '{role}'", code="user.role", roles=", ".join(ROLES),
                        role=role)
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password: at least {MIN_PASSWORD} characters", code="user.password", n=MIN_PASSWORD)
    if pin is not None:
        _check_pin(pin)
    if operator_code:
        _check_operator(session, operator_code)
    users = UserRecords(session)
    if users.by_username(username) is not None:
        raise UserError(f"user '{username}' already exists", code="error.duplicate", what="user", key=username)
    if badge:
        _check_badge(session, badge)
    row = users.add(username=username, display_name=display_name or username, role=role,
                    password_hash=hash_secret(password), active=True, language=language, badge=badge or None,
                    pin_hash=hash_secret(pin) if pin else None, operator_code=operator_code,
                    created_at=clock.now().replace(microsecond=0), version=1)
    return _user(row)


def _check_pin(pin: str) -> None:
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise UserError("PIN: 4 to 8 digits", code="user.pin")


def _check_badge(session: Session, badge: str, own_id: int | None = None) -> None:
    """A badge opens one account only (``own_id``: the user who may keep it)."""
    other = UserRecords(session).by_badge(badge)
    if other is not None and other.id != own_id:
        raise UserError(f"badge {badge} is already someone else's", code="user.badge_taken", badge=badge)


def _check_operator(session: Session, code: str) -> None:
    """A user is linked to an operator of the shop (whose skills and shift the terminal shows), not to a typo."""
    from ..store.repositories import Repositories

    if Repositories(session).operators.get(code) is None:
        raise UserError(f"unknown operator '{code}'", code="user.unknown_operator", operator=code)


def _check_lock(row) -> None:
    if row.locked_until is not None and row.locked_until > clock.now():
        raise LoginLocked(None if row.locked_until >= LOCKED_BY_ADMIN else row.locked_until)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user, or None for an unknown user or a wrong password; LoginLocked while the account waits (the
    password is not even checked then). A read only: failures are noted by ``note_failed_login``."""
    row = UserRecords(session).by_username(username.strip().lower())
    if row is None:
        _verify(_DUMMY, password)  # same work whether or not the user exists
        return None
    _check_lock(row)
    if not row.active or not _verify(row.password_hash, password):
        return None
    return _user(row)  # a read only: many people log in at once at shift start; see record_login


def authenticate_badge(session: Session, badge: str, pin: str) -> User | None:
    """As ``authenticate``, with a badge and PIN (four digits are few: the same lockout guards them)."""
    row = UserRecords(session).by_badge(badge.strip())
    if row is None:
        _verify(_DUMMY, pin)
        return None
    _check_lock(row)
    if not row.active or not _verify(row.pin_hash, pin):
        return None
    return _user(row)


def note_failed_login(session_factory, username: str | None = None, badge: str | None = None) -> None:
    """Count a wrong password or PIN for that user (in a short transaction of its own, as the request's is rolled
    back), and make the account wait: a minute after FIRST_WAIT in a row, doubling up to an hour, and locked
    for an admin to lift after LOCK_AFTER."""
    with session_factory() as session, session.begin():
        users = UserRecords(session)
        row = users.by_username(username.strip().lower()) if username is not None else users.by_badge(badge)
        if row is None:
            return
        row.failed_logins = (row.failed_logins or 0) + 1
        if row.failed_logins >= LOCK_AFTER:
            row.locked_until = LOCKED_BY_ADMIN
        elif row.failed_logins >= FIRST_WAIT:
            row.locked_until = clock.now().replace(microsecond=0) + dt.timedelta(
                minutes=wait_minutes(row.failed_logins, FIRST_WAIT))


def end_sessions(session: Session, user_id: int) -> None:
    """Every session of this user ends (log-out: a copied cookie no longer works either)."""
    row = UserRecords(session).get(user_id)
    if row is not None:
        row.session_version = (row.session_version or 1) + 1


def separate_sessions(session: Session):
    """Sessions on the same database as ``session`` but in transactions of their own (what a log-in notes must
    stay even when the request's own transaction is rolled back)."""
    return lambda: Session(session.get_bind())


def record_login(session_factory, user_id: int, password: str | None = None) -> None:
    """Note the log-in time (and rehash an outdated password hash) in a short transaction of its own.
    Best effort: a busy database must not refuse a log-in."""
    from sqlalchemy.exc import OperationalError

    try:
        with session_factory() as session, session.begin():
            row = UserRecords(session).get(user_id)
            if row is None:
                return
            row.last_login = clock.now().replace(microsecond=0)
            if row.failed_logins or (row.locked_until is not None and row.locked_until < LOCKED_BY_ADMIN):
                _clear_failures(row)
            if password is not None and _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = hash_secret(password)
    except OperationalError:
        pass


def get_user(session: Session, user_id: int) -> User | None:
    row = UserRecords(session).get(user_id)
    return _user(row) if row is not None else None


def signed_in_user(session: Session, user_id: int) -> User | None:
    """The user behind a signed-in request, as ``get_user``, read again after every commit in this process and
    at least every second: every request asks, and a change (deactivated, logged out everywhere, a new role)
    made here shows at the next request; one made by another process (the CLI) within a second."""
    from . import cache

    return cache.cached("signed-in-user", (cache.database_of(session), user_id), cache.generation(), 1.0,
                        lambda s: get_user(s, user_id), session, wait=True)


def list_users(session: Session) -> list[User]:
    return [_user(r) for r in UserRecords(session).all()]


def user_named(session: Session, username: str) -> User:
    row = UserRecords(session).by_username(username)
    if row is None:
        raise NotFoundError("user", username)
    return _user(row)


def update_user(session: Session, username: str, expected_version: int | None = None, **changes) -> User:
    row = UserRecords(session).by_username(username)
    if row is None:
        raise NotFoundError("user", username)
    if expected_version is not None and row.version != expected_version:
        from ..store.repositories import ConflictError

        raise ConflictError("user", username, expected_version, row.version)
    if "role" in changes and changes["role"] not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}", code="user.role", roles=", ".join(ROLES),
                        role=changes["role"])
    if "password" in changes:
        password = changes.pop("password")
        if len(password) < MIN_PASSWORD:
            raise UserError(f"password: at least {MIN_PASSWORD} characters", code="user.password", n=MIN_PASSWORD)
        row.password_hash = hash_secret(password)
        row.session_version = (row.session_version or 1) + 1  # a new password ends every old session
        _clear_failures(row)
    if changes.pop("unlock", False):
        _clear_failures(row)
    if "pin" in changes:
        pin = changes.pop("pin")
        _check_pin(pin)
        row.pin_hash = hash_secret(pin)
    if changes.get("badge"):
        _check_badge(session, changes["badge"], row.id)
    if changes.get("operator_code"):
        _check_operator(session, changes["operator_code"])
    if row.role == "admin" and row.active and (changes.get("role", "admin") != "admin"
                                               or changes.get("active", True) is False):
        if not any(u.role == "admin" and u.active and u.id != row.id for u in UserRecords(session).all()):
            raise UserError("the last active administrator cannot be switched off or lose the role",
                            code="user.last_admin")
    for key in ("display_name", "role", "active", "language", "badge", "operator_code"):
        if key in changes:
            value = changes[key]
            setattr(row, key, (value or None) if key in ("badge", "operator_code") else value)
    row.version += 1
    session.flush()
    return _user(row)


_DUMMY = hash_secret("not a real password")

DEMO_PASSWORD = "maakbaar-demo"
DEMO_USERS = (  # (username, role, display name, badge, pin, operator code)
    ("beheer", "admin", "Beheerder", None, None, None),
    ("planner", "planner", "Petra Planner", None, None, None),
    ("calculator", "estimator", "Kees Calculatie", None, None, None),
    ("kijker", "viewer", "Eigenaar (alleen lezen)", None, None, None),
    ("operator", "operator", "Olaf Operator", "1001", "1234", None),
)


def add_demo_users(session: Session, operator_codes: list[str] | None = None) -> list[User]:
    """The documented demo users (password maakbaar-demo; operators also badge + PIN)."""
    out = []
    for username, role, name, badge, pin, code in DEMO_USERS:
        if UserRecords(session).by_username(username) is None:
            out.append(create_user(session, username, DEMO_PASSWORD, role, name, badge, pin,
                                   code or (operator_codes[0] if operator_codes and role == "operator" else None)))
    return out
