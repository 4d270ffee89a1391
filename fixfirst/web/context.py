"""The per-app state every handler needs, and the FastAPI dependencies that authenticate.

Why dependencies: each route declares ``who: Principal = Depends(api_user)`` (or ``page_user``),
so a route without authentication stands out in review and in the route-walking access test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from fastapi.templating import Jinja2Templates

from fixfirst.store import Store
from fixfirst.web.access import Principal
from fixfirst.web.auth import SESSION_COOKIE, Session, SessionCodec, principal_for_token, session_principal
from fixfirst.web.data_slice import DataSlice, parse_day
from fixfirst.web.insights_cache import InsightsCache
from fixfirst.web.record_intake import RecordIntake
from fixfirst.web.throttle import FailureThrottle

CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class WebContext:
    store: Store
    cache: InsightsCache
    intake: RecordIntake
    codec: SessionCodec
    templates: Jinja2Templates
    throttle: FailureThrottle = field(default_factory=FailureThrottle)
    audio_dir: Path | None = None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def web_context(request: Request) -> WebContext:
    return request.app.state.fixfirst


Ctx = Annotated[WebContext, Depends(web_context)]


def known_company(ctx: WebContext, company: str | None) -> str | None:
    """A company filter value (pages and API): a stored company, or None for all of them; any other
    name is a 404, like every other unknown thing."""
    if not company:
        return None
    if company not in ctx.cache.companies():
        raise HTTPException(404, "company not found")
    return company


def request_session(request: Request) -> Session | None:
    ctx: WebContext = request.app.state.fixfirst
    return ctx.codec.loads(request.cookies.get(SESSION_COOKIE))


class LoginRequired(Exception):
    """Raised by page dependencies; turned into a redirect to the login page."""


def api_user(request: Request, ctx: Ctx) -> Principal:
    """Bearer token, or the session cookie (with the CSRF header on writes); else 401."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        where = f"token-from:{client_address(request)}"
        ctx.throttle.check(where)
        who = principal_for_token(ctx.store, token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        if who is None:
            ctx.throttle.failed(where)
            raise HTTPException(401, "invalid API token", headers={"WWW-Authenticate": "Bearer"})
        return who
    session = request_session(request)
    who = session_principal(ctx.store, session)
    if who is None:
        raise HTTPException(401, "log in or send Authorization: Bearer <token>", headers={"WWW-Authenticate": "Bearer"})
    if request.method not in SAFE_METHODS and not (
        session is not None and request.headers.get(CSRF_HEADER) == session.csrf
    ):
        raise HTTPException(403, f"cookie-authenticated writes need the {CSRF_HEADER} header")
    return who


def page_user(request: Request, ctx: Ctx) -> Principal:
    who = session_principal(ctx.store, request_session(request))
    if who is None:
        raise LoginRequired()
    return who


ApiUser = Annotated[Principal, Depends(api_user)]
PageUser = Annotated[Principal, Depends(page_user)]


def day_or_422(value: str | None, name: str, *, required: bool = False) -> datetime | None:
    """A YYYY-MM-DD request field as midnight UTC; None when empty (unless `required`); else 422 naming
    the field."""
    if not value and not required:
        return None
    try:
        return parse_day(value or "")
    except ValueError:
        raise HTTPException(422, f"{name}: a day as YYYY-MM-DD") from None


_COMPANY_HELP = "Only this company's (brand's) contacts, as `fixfirst report --company`."


def data_slice(
    request: Request,
    company: Annotated[str | None, Query(max_length=200, description=_COMPANY_HELP)] = None,
    start: Annotated[str | None, Query(alias="from", max_length=10, description="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, Query(alias="to", max_length=10, description="Day after the last, YYYY-MM-DD.")] = None,
    channel: Annotated[str | None, Query(max_length=50, description="Only this channel (chat, email, call).")] = None,
) -> DataSlice:
    """The slice of a request's query (company checked against the stored ones, days parsed)."""
    ctx: WebContext = request.app.state.fixfirst
    return DataSlice(known_company(ctx, company), day_or_422(start, "from"), day_or_422(end, "to"), channel or None)


Slice = Annotated[DataSlice, Depends(data_slice)]
