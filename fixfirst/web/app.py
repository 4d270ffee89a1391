"""The web application factory: one FastAPI app serving the dashboard, the REST API and the survey.

Why a factory: tests, the benchmark and ``fixfirst serve`` each build their own app on their own
database. Everything the app needs (store, insights cache, intake, session codec, templates) is
made here once and hung on ``app.state.fixfirst``.

Security defaults live here too, so no route can forget them: every response carries a strict
Content-Security-Policy (``default-src 'self'``, no inline script or style, no framing) plus
``X-Content-Type-Options: nosniff``; every asset is served from ``/static`` (the Swagger UI at
/docs included, from the pinned ``swagger-ui-bundle`` package, so nothing loads from a CDN).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from fixfirst.pipeline.redactor import redactor_for
from fixfirst.store import Store
from fixfirst.store.web_records import get_or_create_setting
from fixfirst.web import (
    api,
    calibration,
    call_playback,
    coaching_sessions,
    exports,
    pages,
    sampling,
    survey_form,
    users,
)
from fixfirst.web.auth import SessionCodec
from fixfirst.web.context import LoginRequired, WebContext
from fixfirst.web.insights_cache import InsightsCache, InsightsNotReady
from fixfirst.web.record_intake import RecordIntake
from fixfirst.web.template_filters import register_template_filters

HERE = Path(__file__).parent
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
SESSION_SECRET_SETTING = "session_secret"
#: Sent on HTTPS responses only: browsers then refuse plain HTTP to this host for a year.
HSTS = "max-age=31536000; includeSubDomains"


def _swagger_ui_path() -> Path | None:
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # pragma: no cover - the package is a pinned dependency
        return None
    return Path(swagger_ui_path)


#: Largest request body: 1,000 typical conversations are 2-5 MB and one record at the
#: 1,000,000-character cap at most 4 MB of UTF-8; send bigger loads in several requests.
MAX_BODY_BYTES = 16 * 1024 * 1024

def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path == "/openapi.json"


def create_app(
    db_url: str | None = None,
    *,
    store: Store | None = None,
    redact: bool = True,
    secret_key: str | None = None,
    audio_dir: str | Path | None = None,
) -> FastAPI:
    """The app over the database at ``db_url`` (or an already open ``store``, which the app then owns).

    ``redact`` redacts posted conversations before they are stored, as ``fixfirst ingest`` does.
    ``secret_key`` signs session cookies; by default a random key is generated once and kept in
    the database, so sessions survive restarts and every server process on one database agrees.
    ``audio_dir`` is where kept call audio is (`fixfirst ingest --keep-audio`); calls play from there.
    """
    opened = store or Store.open(db_url)
    cache = InsightsCache(opened)
    key = secret_key or get_or_create_setting(opened, SESSION_SECRET_SETTING, lambda: secrets.token_urlsafe(48))
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    register_template_filters(templates.env)
    context = WebContext(
        store=opened,
        cache=cache,
        intake=RecordIntake(opened, redactor_for(redact, opened), cache.invalidate),
        codec=SessionCodec(key),
        templates=templates,
        audio_dir=Path(audio_dir) if audio_dir else None,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # A big store's aggregates (or its stored snapshot) are made ready before the first view asks.
        threading.Thread(target=cache.warm, name="insights-warm", daemon=True).start()
        yield
        opened.close()

    app = FastAPI(
        title="FixFirst",
        summary="Was the customer's problem fixed? Support QA with evidence.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        # Starlette's limit: 413 from Content-Length at once, or while a chunked body streams in,
        # before anything is parsed (a 50 MB body used to be parsed first).
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.fixfirst = context
    swagger = _swagger_ui_path()
    if swagger is not None:  # before /static: the first matching mount wins
        app.mount("/static/swagger", StaticFiles(directory=str(swagger)), name="swagger")
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(sampling.router)
    app.include_router(calibration.router)
    app.include_router(coaching_sessions.router)
    app.include_router(exports.router)
    app.include_router(users.router)
    app.include_router(call_playback.router)
    app.include_router(survey_form.router)
    _install_security_headers(app)
    _install_error_pages(app, context)
    return app


def _install_security_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.scheme == "https":  # directly over TLS, or behind a trusted proxy that says so
            response.headers.setdefault("strict-transport-security", HSTS)
        if request.url.path.startswith("/api") or response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("cache-control", "no-store")
        return response


def _install_error_pages(app: FastAPI, ctx: WebContext) -> None:
    """API clients get JSON errors; browsers get a small HTML page (or the login page)."""

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return ctx.templates.TemplateResponse(
            request,
            "error.html",
            {"who": None, "status": exc.status_code, "message": exc.detail, "csrf": ""},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(InsightsNotReady)
    async def insights_not_ready(request: Request, exc: InsightsNotReady) -> Response:
        # Big store, first view of these numbers: they are computed in the background; ask again soon.
        headers = {"Retry-After": "10"}
        message = f"{exc} - this page refreshes by itself."
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=503, headers=headers)
        page = ctx.templates.get_template("error.html").render(
            {"request": request, "who": None, "status": 503, "message": message, "csrf": "", "refresh": 10}
        )
        return HTMLResponse(page, status_code=503, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()
        ]
        if _is_api(request):
            return JSONResponse({"detail": errors}, status_code=422)
        message = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in errors)
        return HTMLResponse(
            ctx.templates.get_template("error.html").render(
                {"request": request, "who": None, "status": 422, "message": message, "csrf": ""}
            ),
            status_code=422,
        )
