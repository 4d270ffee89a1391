"""Admin pages: users (add, disable, enable) and survey links from a conversation page, so a QA lead
does not need the command line for either (`fixfirst user ...` and `POST /api/survey-links` remain).

Adding a user goes through the same `create_user` as the CLI (password policy, roles, agent ids);
disabling ends the user's sessions at once. An admin cannot disable themself, so a store never
loses its last way in through this page.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fixfirst.errors import StoreError
from fixfirst.store.web_records import create_survey_token, end_sessions, get_user, list_users, set_user_active
from fixfirst.web.access import UserRole
from fixfirst.web.auth import create_user
from fixfirst.web.context import Ctx, PageUser
from fixfirst.web.pages import check_csrf, render

router = APIRouter(include_in_schema=False)


def _admin(who: PageUser) -> None:
    if who.role is not UserRole.ADMIN:
        raise HTTPException(404, "page not found")


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, ctx: Ctx, who: PageUser, added: str | None = None) -> HTMLResponse:
    _admin(who)
    return render(request, ctx, who, "users.html", users=list_users(ctx.store), roles=[r.value for r in UserRole],
                  added=added)


@router.post("/users")
def user_add(
    request: Request,
    ctx: Ctx,
    who: PageUser,
    username: str = Form(max_length=100),
    role: str = Form(max_length=20),
    password: str = Form(max_length=200),
    agent_id: str = Form("", max_length=200),
    teams: str = Form("", max_length=2000),
    csrf_token: str = Form(""),
) -> Response:
    check_csrf(request, csrf_token)
    _admin(who)
    team_list = [t.strip() for t in teams.split(",") if t.strip()]
    try:
        create_user(ctx.store, username, password, role, agent_id=agent_id.strip() or None, teams=team_list)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    except StoreError:
        raise HTTPException(409, f"the username {username.strip()!r} is taken") from None
    return RedirectResponse(f"/users?added={quote(username.strip(), safe='')}", status_code=303)


@router.post("/users/{user_id}/active")
def user_active(
    user_id: int,
    request: Request,
    ctx: Ctx,
    who: PageUser,
    active: bool = Form(),
    csrf_token: str = Form(""),
) -> Response:
    check_csrf(request, csrf_token)
    _admin(who)
    user = get_user(ctx.store, user_id)
    if user is None:
        raise HTTPException(404, "user not found")
    if user.id == who.user_id and not active:
        raise HTTPException(409, "you cannot disable yourself")
    set_user_active(ctx.store, user.id, active)
    if not active:
        end_sessions(ctx.store, user.id)
    return RedirectResponse("/users", status_code=303)


@router.post("/conversations/{conversation_id}/survey-link", response_class=HTMLResponse)
def survey_link_create(
    conversation_id: str, request: Request, ctx: Ctx, who: PageUser, csrf_token: str = Form("")
) -> HTMLResponse:
    """A new survey link for this conversation, shown once (only its hash is stored)."""
    check_csrf(request, csrf_token)
    conversation = ctx.store.get_conversation(conversation_id)
    if conversation is None or not who.can_see(conversation) or not who.can_write:
        raise HTTPException(404, "conversation not found")
    try:
        token = create_survey_token(ctx.store, conversation_id)
    except StoreError:
        raise HTTPException(404, "conversation not found") from None
    url = str(request.url_for("survey_form", token=token))
    return render(request, ctx, who, "survey_link.html", conversation_id=conversation_id, url=url)
