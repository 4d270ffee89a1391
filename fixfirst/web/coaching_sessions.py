"""Coaching-session records on the agent page: a lead plans a session on one habit of the coaching
plan, marks it held, the agent acknowledges it, and the page shows the habit's rate in the four
weeks after against the four weeks before (`fixfirst.store.coaching_sessions.follow_up`)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from fixfirst.model import Behaviour
from fixfirst.store.coaching_sessions import (
    CoachingSessionError,
    acknowledge,
    get_coaching_session,
    mark_held,
    plan_session,
)
from fixfirst.web.access import Principal
from fixfirst.web.context import Ctx, PageUser, WebContext, day_or_422
from fixfirst.web.pages import check_csrf
from fixfirst.web.views import NotVisible, agent_view

router = APIRouter(include_in_schema=False)


def _back(agent_id: str) -> RedirectResponse:
    return RedirectResponse(f"/agents/{quote(agent_id, safe='')}#coaching-sessions", status_code=303)


def _lead_of(ctx: WebContext, who: Principal, agent_id: str) -> None:
    """Leads (managers, admins) who may see this agent; 404 for anyone else."""
    try:
        agent_view(ctx.cache, who, agent_id)
    except NotVisible:
        raise HTTPException(404, "agent not found") from None
    if not who.can_review:
        raise HTTPException(404, "agent not found")


@router.post("/agents/{agent_id}/coaching-sessions")
def coaching_session_plan(
    agent_id: str,
    request: Request,
    ctx: Ctx,
    who: PageUser,
    habit: str = Form(max_length=60),
    direction: str = Form(max_length=10),
    planned_for: str = Form(max_length=10),
    note: str = Form("", max_length=2000),
    csrf_token: str = Form(""),
) -> Response:
    check_csrf(request, csrf_token)
    _lead_of(ctx, who, agent_id)
    if habit not in {b.value for b in Behaviour}:
        raise HTTPException(422, f"habit: {habit!r} is not a behaviour")
    try:
        planned = day_or_422(planned_for, "planned_for", required=True)
        plan_session(ctx.store, agent_id, habit, direction, planned, who.username,
                     ctx.intake.redact_note(note.strip() or None))
    except CoachingSessionError as exc:
        raise HTTPException(422, str(exc)) from None
    return _back(agent_id)


@router.post("/coaching-sessions/{session_id}/held")
def coaching_session_held(
    session_id: int,
    request: Request,
    ctx: Ctx,
    who: PageUser,
    held_on: str = Form(max_length=10),
    csrf_token: str = Form(""),
) -> Response:
    check_csrf(request, csrf_token)
    session = get_coaching_session(ctx.store, session_id)
    if session is None:
        raise HTTPException(404, "coaching session not found")
    _lead_of(ctx, who, session.agent_id)
    try:
        mark_held(ctx.store, session_id, day_or_422(held_on, "held_on", required=True))
    except CoachingSessionError as exc:
        raise HTTPException(409, str(exc)) from None
    return _back(session.agent_id)


@router.post("/coaching-sessions/{session_id}/acknowledge")
def coaching_session_acknowledge(
    session_id: int, request: Request, ctx: Ctx, who: PageUser, csrf_token: str = Form("")
) -> Response:
    """Only the coached agent acknowledges their own session."""
    check_csrf(request, csrf_token)
    session = get_coaching_session(ctx.store, session_id)
    if session is None or not who.is_agent or who.agent_id != session.agent_id:
        raise HTTPException(404, "coaching session not found")
    try:
        acknowledge(ctx.store, session, who.username)
    except CoachingSessionError as exc:
        raise HTTPException(409, str(exc)) from None
    return _back(session.agent_id)
