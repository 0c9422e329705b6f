"""Every expected failure mapped once to an HTTP answer (the CLI's mapping is in ``cli/common.py``)."""

from __future__ import annotations

from typing import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from ..services.errors import Kind, code_of, expected_error_classes, kind_of, message_in

STATUS = {Kind.NOT_FOUND: 404, Kind.CONFLICT: 409, Kind.INVALID_INPUT: 400, Kind.NOT_ALLOWED: 403, Kind.BUSY: 503}


def status_of(error: BaseException) -> int | None:
    """The HTTP status for an expected failure (a refused import is 422: the request could not be processed)."""
    from ..services.errors import ImportProblem, InvalidInput, TooLarge

    if isinstance(error, TooLarge):
        return 413
    if isinstance(error, ImportProblem) or (isinstance(error, InvalidInput) and error.field is not None):
        return 422  # the request was understood but a named field (or row) is wrong
    kind = kind_of(error)
    return STATUS[kind] if kind is not None else None


def install(app: FastAPI, answer: Callable[..., object]) -> None:
    """``answer(request, status, detail, code)`` renders the JSON (``detail`` in the reader's language, ``code``
    stable for programs) or the error page."""

    async def _expected(request: Request, error: Exception):
        status = status_of(error)
        if status is None:
            raise error  # a bug: the server error handler logs it with its stack trace
        from .i18n import reader_language

        detail = message_in(error, reader_language(request))
        response = answer(request, status, detail, code_of(error))
        if status == 503:
            response.headers["Retry-After"] = "1"
        return response

    for error_class in expected_error_classes():
        app.add_exception_handler(error_class, _expected)

    @app.exception_handler(ValidationError)
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: ValidationError | RequestValidationError):
        from .i18n import reader_language

        lang = reader_language(request)
        return answer(request, 422, [{"loc": list(e["loc"]), "msg": validation_message(e, lang), "type": e["type"]}
                                     for e in error.errors()], "error.invalid_input")


def validation_message(error: dict, lang: str) -> str:
    """One of pydantic's problems in the reader's language (``domain.problem_reasons``)."""
    from ..domain.common import problem_reasons
    from ..i18n import say

    return "; ".join(say(reason, lang) for reason in problem_reasons(error))
