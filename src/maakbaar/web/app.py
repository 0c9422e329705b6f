"""The web app: JSON API (/api, documented at /docs) and server-rendered pages on one FastAPI application."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from ..store.db import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from .. import __version__
from ..services.jobs import JobRunner
from ..services.errors import NotFound, message_in
from ..store.db import session_factory
from . import api, errors, floor, freshness, masterdata, pages, setup
from .i18n import reader_language
from .security import SESSION_COOKIE, LoginRequired, secure_cookies, session_secret

HERE = Path(__file__).parent
VENDOR = {  # URL name -> file in node_modules (installed at set-up from the npm registry)
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "vis-timeline.min.js": "vis-timeline/standalone/umd/vis-timeline-graph2d.min.js",
    "vis-timeline.min.css": "vis-timeline/styles/vis-timeline-graph2d.min.css",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}


def _clean(engine: Engine) -> None:
    """Old uploads nobody saved and imports nobody confirmed go at start-up (best effort)."""
    from ..config import data_dir
    from ..services.housekeeping import clean_data_folder
    from ..store.db import unit_of_work

    try:
        with unit_of_work(engine) as session:
            clean_data_folder(session, data_dir())
    except OSError:
        pass


def create_app(engine: Engine, run_jobs: bool = True, secret: str | None = None) -> FastAPI:
    runner = JobRunner(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if run_jobs:
            runner.recover()  # jobs a crash left running are failed, with the reason
            _clean(engine)
        yield
        runner.shutdown()

    # /docs is served below from the locally installed swagger-ui-dist (the shop's server often has no internet)
    app = FastAPI(title="maakbaar", lifespan=lifespan, version=__version__, docs_url=None, redoc_url=None,
                  description="Production office for metalworking job shops: orders, quotes, planning, nesting, "
                              "CO2. Log in with POST /api/login; send the CSRF token it returns as X-CSRF-Token "
                              "on every POST, PUT, PATCH and DELETE.")
    # the session middleware goes outside (added last) so that read_your_writes sees the session
    app.add_middleware(freshness.ReadYourWrites)
    app.add_middleware(SessionMiddleware, secret_key=secret or session_secret(), session_cookie=SESSION_COOKIE,
                       max_age=12 * 3600, same_site="lax", https_only=secure_cookies())
    sessions = session_factory(engine)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.auto_reload = False  # the templates ship with the package: no file check on every page
    app.state.engine, app.state.runner, app.state.templates = engine, runner, templates
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def session():
        with sessions() as s:
            yield s


    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    @app.get("/vendor/{name}", include_in_schema=False)
    def vendor(name: str):
        relative = VENDOR.get(name)
        path = HERE / "node_modules" / relative if relative else None
        if path is None or not path.is_file():
            raise NotFound(f"{name} is not installed: run ./start.sh (it installs the front-end libraries from npm)",
                           code="error.vendor_missing", name=name)
        return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/docs", include_in_schema=False)
    def api_docs():
        from fastapi.openapi.docs import get_swagger_ui_html

        return get_swagger_ui_html(openapi_url=app.openapi_url, title="maakbaar API",
                                   swagger_js_url="/vendor/swagger-ui-bundle.js",
                                   swagger_css_url="/vendor/swagger-ui.css", swagger_favicon_url="/favicon.ico")

    app.include_router(api.build_router(session, runner, engine))
    app.include_router(pages.build_router(session, runner, templates))
    app.include_router(masterdata.build_router(session, templates))
    app.include_router(setup.build_router(session, runner, templates))
    app.include_router(floor.build_router(session, templates, engine, pages.context, pages.language_of))

    def _error(request: Request, status: int, detail, code: str | None = None) -> JSONResponse | HTMLResponse:
        if request.url.path.startswith("/api") or request.headers.get("hx-request"):
            return JSONResponse({"detail": detail, "code": code or f"http.{status}"}, status_code=status)
        return templates.TemplateResponse(request, "error.html", pages.context(request, _reader(request), status=status,
                                                                               detail=detail), status_code=status)

    def _reader(request: Request):
        """Who sees an error page (for the menu), when logged in; nobody if that cannot be told."""
        from ..store.db import session_factory
        from .security import user_from_request

        try:
            with session_factory(engine)() as db:
                return user_from_request(request, db)
        except Exception:  # noqa: BLE001 - an error page must show even when the database does not answer
            return None

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException):
        code = getattr(error, "code", None)  # a refusal with a message key (security.Refused)
        detail = message_in(error, reader_language(request)) if code else error.detail
        if request.url.path.startswith("/api") or request.url.path.startswith("/vendor") or \
                request.url.path.startswith("/static"):
            return JSONResponse({"detail": detail, "code": code or f"http.{error.status_code}"},
                                status_code=error.status_code, headers=error.headers)
        return _error(request, error.status_code, detail, code)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, error: LoginRequired):
        return RedirectResponse(f"/login?next={error.next_url}", status_code=303)

    errors.install(app, _error)

    return app
