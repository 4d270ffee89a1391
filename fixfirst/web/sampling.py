"""The QA lead's week: sampling rules, drawing a week's batch for reviewers, and each reviewer's queue.

A lead (manager or admin) defines rules once - random n per agent per week, every low-confidence
verdict, every unresolved contact that ended negative, every repeat contact - then draws a week:
the rule picks among the conversations the lead may see, and the batch is shared round-robin
among the chosen reviewers, each getting only conversations they may see, with an in-app
notification. A reviewer's "my queue" lists what is assigned to them with agent, team, channel and
date; an item is done once they submit a (blind) review of it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fixfirst.store.listing import visible_ids
from fixfirst.store.review_assignments import (
    KIND_NAMES,
    SamplingError,
    SamplingKind,
    add_sampling_rule,
    assign,
    draw,
    get_sampling_rule,
    list_sampling_rules,
    queue_counts,
    review_queue_of,
)
from fixfirst.store.web_records import list_users
from fixfirst.web.access import Principal
from fixfirst.web.auth import principal_of
from fixfirst.web.context import Ctx, PageUser, WebContext
from fixfirst.web.data_slice import midnight_utc
from fixfirst.web.pages import check_csrf, render
from fixfirst.web.review import LOW_CONFIDENCE
from fixfirst.web.views import visibility

router = APIRouter(include_in_schema=False)


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week: batches are drawn per week."""
    return day - timedelta(days=day.weekday())


def draw_seed(rule_id: int, week: date) -> int:
    """A stable seed per rule and week: re-drawing gives the same random picks (minus those taken)."""
    return int.from_bytes(hashlib.sha256(f"{rule_id}:{week.isoformat()}".encode()).digest()[:8], "big")


def reviewers_for(ctx: WebContext) -> list[Principal]:
    """Active users who may review (managers and admins), by name."""
    return [principal_of(u) for u in list_users(ctx.store) if u.active and u.role in ("admin", "manager")]


def _lead(who: Principal) -> None:
    if not who.can_review:
        raise HTTPException(404, "page not found")


@router.get("/sampling", response_class=HTMLResponse)
def sampling_page(
    request: Request, ctx: Ctx, who: PageUser, drawn: int | None = None, message: str | None = None
) -> HTMLResponse:
    _lead(who)
    reviewers = reviewers_for(ctx)
    return render(
        request, ctx, who, "sampling.html",
        rules=list_sampling_rules(ctx.store),
        kinds=[(k.value, KIND_NAMES[k]) for k in SamplingKind],
        reviewers=reviewers,
        counts=queue_counts(ctx.store, [r.username for r in reviewers]),
        default_week=week_start(datetime.now(UTC).date() - timedelta(days=7)).isoformat(),
        drawn=drawn,
        message=message,
    )


@router.post("/sampling/rules")
def sampling_rule_submit(
    request: Request,
    ctx: Ctx,
    who: PageUser,
    name: str = Form(max_length=200),
    kind: str = Form(max_length=40),
    per_agent: int | None = Form(None),
    team: str = Form("", max_length=200),
    csrf_token: str = Form(""),
) -> Response:
    check_csrf(request, csrf_token)
    _lead(who)
    if team and not who.can_see_team(team):
        raise HTTPException(404, "team not found")
    try:
        add_sampling_rule(ctx.store, name, kind, who.username, per_agent=per_agent, team=team or None)
    except SamplingError as exc:
        raise HTTPException(422, str(exc)) from None
    return RedirectResponse("/sampling", status_code=303)


@router.post("/sampling/draw")
async def sampling_draw_submit(request: Request, ctx: Ctx, who: PageUser) -> Response:
    """Draw one week for one rule and share it among the chosen reviewers."""
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    _lead(who)
    try:
        rule_id = int(str(form.get("rule_id", "")))
        week = week_start(date.fromisoformat(str(form.get("week", ""))))
    except ValueError:
        raise HTTPException(422, "choose a rule and a week (YYYY-MM-DD)") from None
    rule = get_sampling_rule(ctx.store, rule_id)
    if rule is None:
        raise HTTPException(404, "rule not found")
    chosen = {str(v) for v in form.getlist("reviewer")}
    reviewers = [r for r in reviewers_for(ctx) if r.username in chosen]
    if not reviewers:
        raise HTTPException(422, "choose at least one reviewer")
    since = midnight_utc(week)
    picked = draw(ctx.store, rule, visibility(who), since, since + timedelta(days=7),
                  low_confidence=LOW_CONFIDENCE, seed=draw_seed(rule.id, week))
    can_see = {r.username: visible_ids(ctx.store, visibility(r), picked) for r in reviewers}
    counts = assign(ctx.store, picked, [r.username for r in reviewers], who.username,
                    rule=rule, period_start=since, can_see=can_see)
    total = sum(counts.values())
    message = f"{rule.name}, week of {week.isoformat()}: " + (
        ", ".join(f"{n} to {name}" for name, n in counts.items() if n) if total else "nothing new to assign"
    )
    return RedirectResponse(f"/sampling?drawn={total}&message={quote(message, safe='')}", status_code=303)


@router.get("/my-queue", response_class=HTMLResponse)
def my_queue_page(request: Request, ctx: Ctx, who: PageUser) -> HTMLResponse:
    if not who.can_review:
        raise HTTPException(404, "page not found")
    items = review_queue_of(ctx.store, who.username, include_done=True)
    return render(request, ctx, who, "my_queue.html", items=items,
                  open_count=sum(1 for i in items if not i.done))
