"""One error hierarchy for every use case: each error says what is wrong and where.

Four kinds, each mapped once to an HTTP status (``web/errors.py``) and once to a CLI exit code (``cli/common.py``):

- ``NotFound``: the thing asked for does not exist (404, exit 3);
- ``Conflict``: it exists but the request clashes with its state (changed by someone else, a duplicate, still in
  use, a refused booking) (409, exit 4);
- ``InvalidInput``: the input itself is wrong; nothing was stored (400, or 422 for a refused import, exit 2);
- ``NotAllowed``: the user may not do this (403, exit 5).

Engines stay pure and raise their own errors (a DXF that cannot be read, a problem that cannot be planned);
``kind_of`` sorts those, and the database's own refusals, into the same four kinds.
"""

from __future__ import annotations

from enum import Enum
from functools import cache


class Kind(str, Enum):
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    INVALID_INPUT = "invalid_input"
    NOT_ALLOWED = "not_allowed"
    BUSY = "busy"  # the database was held by another writer; nothing was stored, try again


class ServiceError(Exception):
    """Base of every error a use case raises on purpose."""

    kind: Kind = Kind.INVALID_INPUT
    code: str | None = None  # the message's key in the catalogue (maakbaar.i18n), filled in with ``params``
    params: dict = {}

    def __init__(self, message: str = "", *, code: str | None = None, **params):
        """``message`` in English (the logs); ``code`` and ``params``: the same for the reader, in his
        language (``message_in``). Params are a reason's values: text, numbers, ``Day``, ``Minutes``, other
        reasons; ``what`` and ``role`` name a thing or a role by its English word."""
        super().__init__(message)
        if code is not None:
            self.code, self.params = code, params

    @property
    def reason(self):
        """The error as a reason (``maakbaar.reasons``), for the reader's language."""
        return reason_of(self)

    @property
    def detail(self) -> str | list:
        """What the web answers in ``detail`` (a sentence, or a list of problems)."""
        return str(self)


class NotFound(ServiceError, LookupError):
    kind = Kind.NOT_FOUND


class Conflict(ServiceError):
    kind = Kind.CONFLICT


class InvalidInput(ServiceError, ValueError):
    """``field``: the input field at fault, when there is one (the web answers 422 naming it)."""

    kind = Kind.INVALID_INPUT

    def __init__(self, message: str = "", field: str | None = None, *, code: str | None = None, **params):
        super().__init__(message, code=code, **params)
        self.field = field

    @property
    def detail(self) -> str | list:
        if self.field is None:
            return str(self)
        return [{"loc": ["body", self.field], "msg": str(self), "type": "value_error"}]


class TooLarge(InvalidInput):
    """An upload is larger than the shop's server accepts."""


class NotAllowed(ServiceError, PermissionError):
    kind = Kind.NOT_ALLOWED


class NotFoundError(NotFound):
    def __init__(self, what: str, key: object):
        self.what, self.key = what, key
        super().__init__(f"unknown {what} '{key}'", code="error.not_found", what=what, key=key)


class DuplicateError(Conflict, ValueError):
    def __init__(self, what: str, key: object):
        self.what, self.key = what, key
        super().__init__(f"{what} '{key}' already exists", code="error.duplicate", what=what, key=key)


class ConflictError(Conflict):
    """Someone changed the record since it was read (optimistic locking on the version column)."""

    def __init__(self, what: str, key: object, expected: int, actual: int):
        self.what, self.key, self.expected, self.actual = what, key, expected, actual
        super().__init__(f"{what} '{key}' was changed by someone else (version {actual}, you edited {expected})",
                         code="error.stale", what=what, key=key, actual=actual, expected=expected)


class ImportProblem(InvalidInput):
    """An import was refused; ``problems`` lists every reason with its row or field. Nothing was stored."""

    def __init__(self, source: str, problems: list):
        from ..reasons import Reason

        self.source = source
        self.problems = [p if isinstance(p, Reason) else Reason.of("text", text=str(p)) for p in problems]
        shown = "\n".join(f"  - {p}" for p in self.english()[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{source}: {len(problems)} problem(s), nothing was imported:\n{shown}{more}",
                         code="error.import_refused", source=source, n=len(problems))

    def english(self) -> list[str]:
        from ..i18n import say

        return [say(p, "en") for p in self.problems]

    @property
    def detail(self) -> list[str]:
        return self.english()[:100]


class NotEmptyError(Conflict):
    """The database already holds what an import would create."""


@cache
def _engine_kinds() -> dict[type[BaseException], Kind]:
    """The engines' own errors: pure code that knows nothing of services raises these."""
    from ..co2.factors import FactorError
    from ..costing.model import CostError
    from ..domain.common import DomainError
    from ..floor.bookings import BookingError
    from ..geometry.dxf import DxfProblem
    from ..planning.engine import PlanningError
    from ..planning.problem import ProblemError
    from ..planning.state import PlacementError

    return {BookingError: Kind.CONFLICT, PlacementError: Kind.CONFLICT, PlanningError: Kind.INVALID_INPUT,
            ProblemError: Kind.INVALID_INPUT, DxfProblem: Kind.INVALID_INPUT, CostError: Kind.INVALID_INPUT,
            FactorError: Kind.INVALID_INPUT, DomainError: Kind.INVALID_INPUT}


def expected_error_classes() -> tuple[type[BaseException], ...]:
    """The classes ``kind_of`` may sort (for frameworks that register handlers per class)."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    return (ServiceError, *_engine_kinds(), OperationalError, IntegrityError)


def kind_of(error: BaseException) -> Kind | None:
    """The kind of an expected failure, or None for a bug (which must not be dressed up as the user's fault)."""
    if isinstance(error, ServiceError):
        return error.kind
    for kind_class, kind in _engine_kinds().items():
        if isinstance(error, kind_class):
            return kind
    from sqlalchemy.exc import IntegrityError, OperationalError

    if isinstance(error, OperationalError):
        text = str(error.orig).lower()
        if any(word in text for word in ("locked", "busy", "could not serialize", "deadlock")):
            return Kind.BUSY
    if isinstance(error, IntegrityError):
        return Kind.CONFLICT
    return None


def code_of(error: BaseException) -> str:
    """A stable code for programs: the message key when the error has one (``error.not_found``,
    ``booking.not_booked``), else its kind (``error.conflict``, ``error.invalid_input``, ...)."""
    code = getattr(error, "code", None)
    if isinstance(code, str) and code:
        return code
    kind = kind_of(error)
    return f"error.{kind.value}" if kind is not None else "error.internal"


def message_of(error: BaseException) -> str | list:
    """What to tell the user about an expected failure."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    if isinstance(error, ServiceError):
        return error.detail
    if isinstance(error, (OperationalError, IntegrityError)):
        return message_in(error, "en")  # the catalogue's English text
    return str(error)


def reason_of(error: BaseException):
    """An expected failure as a reason: its message key with its values (``what`` and ``role`` as the words
    they name), a DXF's or a booking's own reason, else its English text (code ``text``)."""
    from ..reasons import Reason

    if isinstance(error, ImportProblem):
        return Reason.of("error.import_refused", source=error.source, n=len(error.problems))
    code = getattr(error, "code", None)
    params = getattr(error, "params", None)
    if isinstance(code, str) and code and isinstance(params, dict):
        values = dict(params)
        for name, prefix in (("what", "thing."), ("role", "role.")):  # values that are words themselves
            if isinstance(values.get(name), str):
                values[name] = Reason.of(f"{prefix}{values[name]}", text=values[name])
        return Reason.of(code, **values)
    own = getattr(error, "reason", None) if not isinstance(error, ServiceError) else None
    if isinstance(own, Reason):  # an engine's refusal, a placement that failed
        return own
    reasons = getattr(error, "reasons", None)
    if reasons:
        return reasons[0] if len(reasons) == 1 else Reason.of("list", items=tuple(reasons))
    return Reason.of("text", text=str(error))


def message_in(error: BaseException, lang: str) -> str | list:
    """``message_of`` in the reader's language: an import's problems one by one, another error's reason
    (``reason_of``), the database's refusals from the catalogue."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    from ..i18n import say, translator

    t = translator(lang)
    if isinstance(error, ImportProblem):
        return [say(p, lang) for p in error.problems[:100]]
    if isinstance(error, OperationalError):
        return t("error.busy")
    if isinstance(error, IntegrityError):
        return t("error.refused_by_database", detail=str(error.orig).splitlines()[0][:300])
    if isinstance(error, ServiceError) and not error.code:
        return message_of(error)  # not keyed: its English text (a field error as pydantic's list)
    text = say(reason_of(error), lang)
    if isinstance(error, InvalidInput) and error.field is not None:  # the field at fault, as pydantic names it
        return [{"loc": ["body", error.field], "msg": text, "type": "value_error"}]
    return text


def database_failure(error: BaseException) -> str | None:
    """For a database error no use case expected: what to tell the user (nothing was stored), else None."""
    from sqlalchemy.exc import SQLAlchemyError

    if not isinstance(error, SQLAlchemyError):
        return None
    return f"database error, nothing was changed: {error.__class__.__name__}: {str(error).splitlines()[0]}"
