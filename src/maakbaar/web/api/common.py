"""What every API module shares: the request's database session, the background runner, the permission check,
and reading the version a client sends back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ...services.errors import InvalidInput
from ..security import api_permission


@dataclass(frozen=True)
class Dependencies:
    session: Callable  # FastAPI dependency: the request's database session
    runner: Any  # services.jobs.JobRunner: planning and nesting in the background
    engine: Any  # for bookings, which run in a transaction of their own

    def need(self, permission: str):
        """A dependency that answers 401/403 unless the user may do ``permission``; gives the user."""
        return api_permission(permission, self.session)


def version_from(if_match: str | None, version: int | None) -> int | None:
    """The version the client read: ``?version=`` or the ``If-Match`` header (None: no check)."""
    if version is not None:
        return version
    if if_match:
        try:
            return int(if_match.strip('"W/ '))
        except ValueError:
            raise InvalidInput(f"If-Match must be the version number you read, not {if_match!r}", code="error.if_match",
                               value=if_match) from None
    return None


def written(reason, lang: str) -> tuple[str, dict | None]:
    """A reason as the API gives it: the text in the reader's language and the code with its values (for
    programs). ``reason`` may be its stored JSON (or text stored before reasons were)."""
    from ...i18n import say
    from ...reasons import Reason

    if not isinstance(reason, Reason):
        reason = Reason.from_json(reason)
    return say(reason, lang), reason.to_json() if reason is not None else None


def why_late(reason, lang: str) -> dict:
    """A stored late reason: ``late_reason`` (text) and ``late_reason_code``."""
    text, code = written(reason, lang)
    return {"late_reason": text, "late_reason_code": code}
