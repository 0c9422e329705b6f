"""The web app's languages: which language a request reads (the page's cookie, the API's rules); the words come
from the message catalogue (``maakbaar.i18n``: one .po file per language)."""

from __future__ import annotations

from fastapi import Request

from ..i18n import DEFAULT_LANGUAGE, SCREEN_LANGUAGES as LANGUAGES, day_names, translator  # noqa: F401

DAY_NAMES = {lang: day_names(lang) for lang in LANGUAGES}
API_DEFAULT_LANGUAGE = "en"  # a program that asks nothing gets English; a browser's fetch sends the page's cookie


def language_of(request: Request) -> str:
    """The pages' language: ``?lang=``, else the ``lang`` cookie (the switch in the menu), else Dutch."""
    chosen = request.query_params.get("lang") or request.cookies.get("lang") or DEFAULT_LANGUAGE
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def api_language(request: Request) -> str:
    """The API's language: ``?lang=``, the ``lang`` cookie, else the first language of ``Accept-Language`` the
    app speaks, else English."""
    for chosen in (request.query_params.get("lang"), request.cookies.get("lang")):
        if chosen in LANGUAGES:
            return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return API_DEFAULT_LANGUAGE


def reader_language(request: Request) -> str:
    """The language of whoever made the request: the API's rules under /api, the pages' elsewhere."""
    return api_language(request) if request.url.path.startswith("/api") else language_of(request)
