"""The dashboard: server-rendered pages (Jinja2, autoescaped), forms with CSRF tokens.

Pages call the same read models as the API (views.py). Transcript text only ever reaches HTML
through autoescaping or ``fixfirst.report.highlight`` (which escapes every segment itself).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fixfirst.insight import Insights
from fixfirst.model import Behaviour, Outcome
from fixfirst.report.highlight import label_tone
from fixfirst.report.report_model import FindingRow
from fixfirst.store.call_summary import call_summary
from fixfirst.store.coaching_sessions import follow_up, list_coaching_sessions
from fixfirst.store.web_records import (
    DISPUTE_OPEN,
    DisputeError,
    add_dispute,
    add_dispute_message,
    count_unread_notifications,
    decide_dispute,
    end_sessions,
    get_dispute,
    iter_reviews,
    list_dispute_messages,
    list_notifications,
    mark_notifications_read,
    session_epoch,
)
from fixfirst.web.access import Principal
from fixfirst.web.auth import SESSION_COOKIE, SESSION_MAX_AGE_S, authenticate, csrf_ok, new_session
from fixfirst.web.call_playback import playable
from fixfirst.web.context import Ctx, PageUser, Slice, WebContext, client_address, request_session
from fixfirst.web.data_slice import parse_day
from fixfirst.web.evidence_marks import finding_anchor, highlight_with_anchors
from fixfirst.web.review import (
    CONFIRMED,
    OUTCOME_ITEM,
    REJECTED,
    ReviewError,
    ReviewSubmission,
    blind_submission,
    finding_item,
    item_reviewer,
    latest_reviews,
    record_review,
    reviewer_labels,
)
from fixfirst.web.views import (
    ConversationFilter,
    NotVisible,
    agent_view,
    agreement_for,
    call_turn_times,
    conversation_detail,
    list_conversations,
    review_queue_for,
    scoped_insights,
    team_view,
    visible_agents,
    visible_teams,
)

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def set_session_cookie(response: Response, ctx: WebContext, session: Any, *, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        ctx.codec.dumps(session),
        max_age=SESSION_MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


def render(
    request: Request, ctx: WebContext, who: Principal | None, name: str, status: int = 200, **values: Any
) -> HTMLResponse:
    """Render a page; a session without one gets a fresh CSRF token cookie."""
    session = request_session(request)
    fresh = session is None
    if fresh:
        session = new_session()
    unread = count_unread_notifications(ctx.store, who.username) if who is not None else 0
    if "where" in values:  # the aggregate pages' slice: its company feeds the company filter
        values.setdefault("company", values["where"].company)
        # The age of the scope shown: a lead limited to one team sees that team's aggregates.
        shown = values.get("insights")
        team = shown.team if isinstance(shown, Insights) else None
        values.setdefault("figures_as_of", ctx.cache.stale_since(team, values["where"]))
    response = ctx.templates.TemplateResponse(
        request, name, {"who": who, "csrf": session.csrf, "unread": unread, **values}, status_code=status
    )
    if fresh:
        set_session_cookie(response, ctx, session, secure=request.url.scheme == "https")
    return response


def check_csrf(request: Request, token: str) -> None:
    if not csrf_ok(request_session(request), token):
        raise HTTPException(403, "the form expired or did not come from this site; reload the page and try again")


def _not_found(what: str) -> HTTPException:
    return HTTPException(404, f"{what} not found")


# -- login ----------------------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """Only same-site paths: '/x' yes, '//evil' or 'https://evil' no."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, ctx: Ctx, next: str = "/") -> HTMLResponse:  # noqa: A002
    return render(request, ctx, None, "login.html", next=_safe_next(next), error=None)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    ctx: Ctx,
    username: str = Form(max_length=200),
    password: str = Form(max_length=1000),
    csrf_token: str = Form(""),
    next: str = Form("/"),  # noqa: A002
) -> Response:
    check_csrf(request, csrf_token)
    # Guessing is limited before the password is checked: per account from one address, and (more
    # loosely, for offices behind one address) per address across accounts.
    where = client_address(request)
    account, address = f"login:{username.strip().lower()}@{where}", f"login-from:{where}"
    keys = (account, address)
    try:
        ctx.throttle.check(account)
        ctx.throttle.check(address, limit=5 * ctx.throttle.limit)
    except HTTPException as limited:
        page = render(request, ctx, None, "login.html", status=429, next=_safe_next(next),
                      error=str(limited.detail).capitalize() + ".")
        page.headers.update(limited.headers or {})
        return page
    who = authenticate(ctx.store, username, password)
    if who is None:
        ctx.throttle.failed(*keys)
        return render(
            request, ctx, None, "login.html", status=401, next=_safe_next(next), error="Wrong username or password."
        )
    ctx.throttle.succeeded(account)
    response = RedirectResponse(_safe_next(next), status_code=303)
    # A new session (new CSRF token) on login: a token planted before login is worthless after it.
    session = new_session(who.user_id, epoch=session_epoch(ctx.store, who.user_id))
    set_session_cookie(response, ctx, session, secure=request.url.scheme == "https")
    return response


@router.post("/logout")
def logout(request: Request, ctx: Ctx, csrf_token: str = Form("")) -> Response:
    check_csrf(request, csrf_token)
    session = request_session(request)
    if session is not None and session.user_id is not None:
        # Server side: a copy of the cookie replayed after logout is refused (and so are the
        # user's other sessions - logging out signs out everywhere).
        end_sessions(ctx.store, session.user_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- pages ----------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, ctx: Ctx, who: PageUser, where: Slice) -> Response:
    if who.is_agent:
        if who.agent_id:
            return RedirectResponse(f"/agents/{quote(who.agent_id, safe='')}", status_code=303)
        raise _not_found("page")
    insights = scoped_insights(ctx.cache, who, None, where)
    outcomes: dict[str, int] = {}
    for card in insights.teams:
        for label, n in card.outcomes.items():
            outcomes[label] = outcomes.get(label, 0) + n
    return render(
        request,
        ctx,
        who,
        "overview.html",
        insights=insights,
        outcomes=sorted(outcomes.items(), key=lambda kv: -kv[1]),
        teams=visible_teams(insights, who),
        agents=visible_agents(ctx.cache.insights(None, where), who)[:10],
        where=where,
        companies=ctx.cache.companies(),
    )


@router.get("/teams", response_class=HTMLResponse)
def teams_page(request: Request, ctx: Ctx, who: PageUser, where: Slice) -> HTMLResponse:
    if not who.can_see_aggregates:
        raise _not_found("page")
    insights = ctx.cache.insights(None, where)
    return render(request, ctx, who, "teams.html", teams=visible_teams(insights, who), plans=insights.team_coaching,
                  where=where, companies=ctx.cache.companies())


@router.get("/teams/{team}", response_class=HTMLResponse)
def team_page(team: str, request: Request, ctx: Ctx, who: PageUser, where: Slice) -> HTMLResponse:
    try:
        card = team_view(ctx.cache, who, team, where)
    except NotVisible:
        raise _not_found("team") from None
    insights = ctx.cache.insights(None, where)
    plan = next((p for p in insights.team_coaching if p.team == team), None)
    agents = [a for a in visible_agents(insights, who) if a.team == team]
    return render(request, ctx, who, "team.html", card=card, plan=plan, agents=agents, where=where,
                  calls=call_summary(ctx.store, team=team))


@router.get("/agents", response_class=HTMLResponse)
def agents_page(request: Request, ctx: Ctx, who: PageUser, where: Slice) -> HTMLResponse:
    return render(request, ctx, who, "agents.html", agents=visible_agents(ctx.cache.insights(None, where), who),
                  where=where, companies=ctx.cache.companies() if who.can_see_aggregates else [])


@router.get("/agents/{agent_id}", response_class=HTMLResponse)
def agent_page(
    agent_id: str, request: Request, ctx: Ctx, who: PageUser, where: Slice
) -> HTMLResponse:
    try:
        card, plan = agent_view(ctx.cache, who, agent_id, where)
    except NotVisible:
        raise _not_found("agent") from None
    total, recent = list_conversations(ctx.store, who, ConversationFilter(agent=agent_id), limit=20, offset=0)
    sessions = [(s, follow_up(ctx.store, s)) for s in list_coaching_sessions(ctx.store, agent_id)]
    return render(request, ctx, who, "agent.html", card=card, plan=plan, recent=recent, total=total,
                  where=where, sessions=sessions, today=datetime.now(UTC).date().isoformat(),
                  calls=call_summary(ctx.store, agent=agent_id))


def day_or_none(value: str | None) -> datetime | None:
    """A YYYY-MM-DD filter field as midnight UTC; anything else means no filter."""
    try:
        return parse_day(value) if value else None
    except ValueError:
        return None


def list_filter(
    team: str | None = None,
    agent: str | None = None,
    outcome: str | None = None,
    label: str | None = None,
    channel: str | None = None,
    q: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> ConversationFilter:
    """The conversation list's filters from a query (the page and its CSV download): unknown outcomes,
    labels and malformed days mean no filter; `until` is exclusive, like `fixfirst report --to`."""
    return ConversationFilter(
        team=team or None,
        agent=agent or None,
        outcome=outcome if outcome in {o.value for o in Outcome} else None,
        label=label if label in {b.value for b in Behaviour} else None,
        channel=(channel or None) and channel[:50],
        text=(q or None) and q[:500],
        since=day_or_none(since),
        until=day_or_none(until),
    )


ListFilterQuery = Annotated[ConversationFilter, Depends(list_filter)]


@router.get("/conversations", response_class=HTMLResponse)
def conversations_page(
    request: Request, ctx: Ctx, who: PageUser, filters: ListFilterQuery, page: int = 1
) -> HTMLResponse:
    page = max(1, min(page, 100_000))
    total, items = list_conversations(ctx.store, who, filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(
        request,
        ctx,
        who,
        "conversations.html",
        items=items,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        filters=filters,
        since=filters.since.date().isoformat() if filters.since else "",
        until=filters.until.date().isoformat() if filters.until else "",
        outcomes=[o.value for o in Outcome],
        labels=[b.value for b in Behaviour],
    )


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation_page(conversation_id: str, request: Request, ctx: Ctx, who: PageUser) -> HTMLResponse:
    try:
        detail = conversation_detail(ctx.store, who, conversation_id)
    except NotVisible:
        raise _not_found("conversation") from None
    findings = list(detail.result.findings) if detail.result else []
    by_turn: dict[int, list[tuple[int, FindingRow]]] = {}
    for number, f in enumerate(findings):
        row = FindingRow(
            label=f.label, turn=f.turn, start=f.start, end=f.end, confidence=f.confidence, explanation=f.explanation
        )
        by_turn.setdefault(f.turn, []).append((number, row))
    times = call_turn_times(detail.conversation)
    turns = [
        {"turn": t, "html": highlight_with_anchors(t.text, by_turn.get(t.index, [])), "marked": t.index in by_turn,
         "seconds": times.get(t.index)}
        for t in detail.conversation.turns
    ]
    latest = latest_reviews(detail.reviews).get(conversation_id, {})
    threads = list_dispute_messages(ctx.store, [d.id for d in detail.disputes])
    disputes: dict[str, list[Any]] = {}
    for dispute in detail.disputes:
        reviewer = item_reviewer(latest, dispute.item)
        disputes.setdefault(dispute.item, []).append(
            {
                "d": dispute,
                "thread": threads.get(dispute.id, []),
                "can_decide": dispute.status == DISPUTE_OPEN
                and who.can_review
                and who.username not in {dispute.author, reviewer},
                "can_reply": dispute.status == DISPUTE_OPEN and (who.can_review or who.username == dispute.author),
            }
        )
    rows = [
        {
            "number": number,
            "anchor": finding_anchor(number),
            "finding": f,
            "item": finding_item(f),
            "tone": label_tone(f.label),
            "review": latest.get(finding_item(f)),
            "disputes": disputes.get(finding_item(f), []),
            "seconds": times.get(f.turn),
        }
        for number, f in enumerate(findings)
    ]
    return render(
        request,
        ctx,
        who,
        "conversation.html",
        detail=detail,
        turns=turns,
        findings=rows,
        outcome_review=latest.get("outcome"),
        missed=[item.removeprefix("missed:") for item in latest if item.startswith("missed:")],
        outcomes=[o.value for o in Outcome],
        labels=[b.value for b in Behaviour],
        can_review=who.can_review,
        can_dispute=who.is_agent,
        disputed=request.query_params.get("disputed") == "1",
        outcome_disputes=disputes.get(OUTCOME_ITEM, []),
        comparison=_comparison(detail.result, latest) if request.query_params.get("compared") == "1" else None,
        call=detail.conversation.metadata.get("call") if times else None,
        audio=playable(ctx, detail.conversation.metadata) is not None,
    )


def _comparison(result: Any, latest: dict[str, Any]) -> dict[str, Any] | None:
    """After a blind review: where the reviewer and the machine differ (outcome, and labels)."""
    if result is None or OUTCOME_ITEM not in latest:
        return None
    reviewer = reviewer_labels(result, latest)
    machine = {f.label for f in result.findings}
    return {
        "machine_outcome": result.outcome.label.value,
        "reviewer_outcome": latest[OUTCOME_ITEM].reviewer_value,
        "only_machine": sorted(machine - reviewer),
        "only_reviewer": sorted(reviewer - machine),
        "both": sorted(machine & reviewer),
    }


@router.get("/conversations/{conversation_id}/review", response_class=HTMLResponse)
def blind_review_page(conversation_id: str, request: Request, ctx: Ctx, who: PageUser) -> HTMLResponse:
    """Review blind: the transcript only - no machine outcome, findings or highlights until submitted,
    and nothing pre-chosen, so the reviewer's answer is their own."""
    if not who.can_review:
        raise _not_found("page")
    try:
        detail = conversation_detail(ctx.store, who, conversation_id)
    except NotVisible:
        raise _not_found("conversation") from None
    if detail.result is None:
        raise HTTPException(409, "no analysis result to review")
    return render(
        request,
        ctx,
        who,
        "review_blind.html",
        c=detail.conversation,
        outcomes=[o.value for o in Outcome],
        labels=[b.value for b in Behaviour],
    )


@router.post("/conversations/{conversation_id}/review")
async def review_submit(conversation_id: str, request: Request, ctx: Ctx, who: PageUser) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    if not who.can_review:
        raise HTTPException(403, "your role may not review")
    conversation = ctx.store.get_conversation(conversation_id)
    if conversation is None or not who.can_see(conversation):
        raise _not_found("conversation")
    result = ctx.store.get_result(conversation_id)
    if result is None:
        raise HTTPException(409, "no analysis result to review")
    note = ctx.intake.redact_note(str(form.get("note", "")).strip() or None)
    if form.get("mode") == "blind":
        submission = blind_submission(result, str(form.get("outcome", "")), [str(v) for v in form.getlist("present")],
                                      note)
    else:
        verdicts = {finding_item(f): str(form.get(f"finding:{finding_item(f)}", "")) for f in result.findings}
        unanswered = [item for item, verdict in verdicts.items() if verdict not in (CONFIRMED, REJECTED)]
        if unanswered:
            raise HTTPException(422, f"confirm or reject every finding ({len(unanswered)} left unanswered)")
        submission = ReviewSubmission(
            outcome=str(form.get("outcome", "")),
            findings=verdicts,
            missed=tuple(str(v) for v in form.getlist("missed")),
            note=note,
        )
    try:
        record_review(ctx.store, result, who.username, submission)
    except ReviewError as exc:
        raise HTTPException(422, str(exc)) from None
    if form.get("mode") == "blind":
        return RedirectResponse(f"/conversations/{quote(conversation_id, safe='')}?compared=1", status_code=303)
    return RedirectResponse("/review?saved=" + quote(conversation_id, safe=""), status_code=303)


@router.post("/conversations/{conversation_id}/dispute")
def dispute_submit(
    conversation_id: str,
    request: Request,
    ctx: Ctx,
    who: PageUser,
    item: str = Form(max_length=500),
    comment: str = Form(min_length=1, max_length=5000),
    csrf_token: str = Form(""),
) -> Response:
    check_csrf(request, csrf_token)
    conversation = ctx.store.get_conversation(conversation_id)
    if conversation is None or not who.can_see(conversation):
        raise _not_found("conversation")
    result = ctx.store.get_result(conversation_id)
    if result is None or (item != OUTCOME_ITEM and item not in {finding_item(f) for f in result.findings}):
        raise HTTPException(422, "that item is not part of this conversation")
    add_dispute(ctx.store, conversation_id, item, who.username, ctx.intake.redact_note(comment.strip()) or "")
    return RedirectResponse(f"/conversations/{quote(conversation_id, safe='')}?disputed=1", status_code=303)


def _back_to_dispute(dispute: Any) -> RedirectResponse:
    return RedirectResponse(
        f"/conversations/{quote(dispute.conversation_id, safe='')}#dispute-{dispute.id}", status_code=303
    )


def _visible_dispute(ctx: WebContext, who: Principal, dispute_id: int) -> Any:
    dispute = get_dispute(ctx.store, dispute_id)
    conversation = ctx.store.get_conversation(dispute.conversation_id) if dispute else None
    if dispute is None or conversation is None or not who.can_see(conversation):
        raise _not_found("dispute")
    return dispute


@router.post("/disputes/{dispute_id}/reply")
def dispute_reply(
    dispute_id: int,
    request: Request,
    ctx: Ctx,
    who: PageUser,
    text: str = Form(min_length=1, max_length=5000),
    csrf_token: str = Form(""),
) -> Response:
    check_csrf(request, csrf_token)
    dispute = _visible_dispute(ctx, who, dispute_id)
    if dispute.status != DISPUTE_OPEN or not (who.can_review or who.username == dispute.author):
        raise HTTPException(403, "only the agent and reviewers can reply to an open dispute")
    add_dispute_message(ctx.store, dispute_id, who.username, ctx.intake.redact_note(text.strip()) or "")
    return _back_to_dispute(dispute)


@router.post("/disputes/{dispute_id}/decide")
def dispute_decide(
    dispute_id: int,
    request: Request,
    ctx: Ctx,
    who: PageUser,
    decision: str = Form(max_length=20),
    reason: str = Form(min_length=1, max_length=5000),
    csrf_token: str = Form(""),
) -> Response:
    """Uphold or overturn a dispute: a reviewer or manager who is neither its author nor the reviewer of
    the disputed item; the agent gets a notification."""
    check_csrf(request, csrf_token)
    if not who.can_review:
        raise HTTPException(403, "your role may not decide disputes")
    dispute = _visible_dispute(ctx, who, dispute_id)
    latest = latest_reviews(iter_reviews(ctx.store, dispute.conversation_id)).get(dispute.conversation_id, {})
    reviewer = item_reviewer(latest, dispute.item)
    try:
        decide_dispute(ctx.store, dispute_id, who.username, decision, ctx.intake.redact_note(reason.strip()) or "",
                       reviewer)
    except DisputeError as exc:
        raise HTTPException(409, str(exc)) from None
    return _back_to_dispute(dispute)


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, ctx: Ctx, who: PageUser) -> HTMLResponse:
    """The user's notifications, newest first; opening the page marks them read."""
    items = list_notifications(ctx.store, who.username)
    response = render(request, ctx, who, "notifications.html", items=items)
    mark_notifications_read(ctx.store, who.username)
    return response


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, ctx: Ctx, who: PageUser, saved: str | None = None) -> HTMLResponse:
    if not who.can_review:
        raise _not_found("page")
    total, queue = review_queue_for(ctx.store, who, limit=100, offset=0)
    report = agreement_for(ctx.store, who)
    return render(request, ctx, who, "review.html", queue=queue, queue_total=total, report=report, saved=saved)


@router.get("/root-causes", response_class=HTMLResponse)
def root_causes_page(
    request: Request, ctx: Ctx, who: PageUser, where: Slice, team: str | None = None
) -> HTMLResponse:
    try:
        insights = scoped_insights(ctx.cache, who, team or None, where)
    except NotVisible:
        raise _not_found("page") from None
    return render(request, ctx, who, "root_causes.html", rc=insights.root_causes, insights=insights,
                  where=where, companies=ctx.cache.companies())


@router.get("/drivers", response_class=HTMLResponse)
def drivers_page(
    request: Request, ctx: Ctx, who: PageUser, where: Slice, team: str | None = None
) -> HTMLResponse:
    try:
        insights = scoped_insights(ctx.cache, who, team or None, where)
    except NotVisible:
        raise _not_found("page") from None
    return render(
        request, ctx, who, "drivers.html", analyses=[insights.drivers_csat, insights.drivers_fixed], insights=insights,
        where=where, companies=ctx.cache.companies(),
    )


@router.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request, ctx: Ctx) -> HTMLResponse:
    """Swagger UI from /static/swagger (the pinned swagger-ui-bundle package), started by a local
    script file instead of the usual inline one, so the strict CSP holds here too."""
    return ctx.templates.TemplateResponse(request, "docs.html", {})
