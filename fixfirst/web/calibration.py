"""Calibration sessions: a QA lead picks conversations and invites reviewers; everyone scores blind;
then a side-by-side view with per-item agreement (Krippendorff's alpha with n and a 95% bootstrap
interval, "undefined" where it is).

Blind among reviewers too: a reviewer - the lead too, when they score - sees the others' scores
(and the machine's) only after scoring every conversation of the session, so nobody anchors on a
colleague. A lead or admin who does not score sees progress and results at any time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fixfirst.model import Behaviour, Outcome
from fixfirst.store.calibration import (
    MAX_CONVERSATIONS,
    CalibrationError,
    CalibrationScore,
    CalibrationSession,
    add_score,
    create_session,
    get_session,
    list_sessions,
    session_scores,
)
from fixfirst.web.access import Principal, UserRole
from fixfirst.web.agreement import alpha_interval, krippendorff_alpha
from fixfirst.web.context import Ctx, PageUser, WebContext
from fixfirst.web.pages import check_csrf, render
from fixfirst.web.sampling import reviewers_for
from fixfirst.web.views import NotVisible, conversation_detail

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class ItemAgreement:
    """Agreement among the session's reviewers on one item (the outcome, or one behaviour present)."""

    item: str
    alpha: float | None
    n: int
    interval: tuple[float, float] | None
    unanimous: int  # units where every reviewer who scored gave the same answer

    @property
    def undefined(self) -> bool:
        return self.n > 0 and self.alpha is None


def item_agreement(session: CalibrationSession, scores: list[CalibrationScore]) -> list[ItemAgreement]:
    """Alpha per item over the session's conversations (units) and reviewers (raters)."""
    by_pair = {(s.conversation_id, s.reviewer): s for s in scores}
    items: list[tuple[str, object]] = [("outcome", None)] + [(b.value, b.value) for b in Behaviour]
    rows = []
    for item, label in items:
        units = [
            [
                None if (s := by_pair.get((cid, who))) is None else (s.outcome if label is None else label in s.labels)
                for who in session.reviewers
            ]
            for cid in session.conversations
        ]
        alpha, n = krippendorff_alpha(units)
        answered = [[v for v in unit if v is not None] for unit in units]
        rows.append(
            ItemAgreement(
                item=item,
                alpha=alpha,
                n=n,
                interval=alpha_interval(units) if alpha is not None else None,
                unanimous=sum(1 for a in answered if len(a) >= 2 and len(set(a)) == 1),
            )
        )
    return rows


def _may_see_session(who: Principal, session: CalibrationSession) -> bool:
    return who.role is UserRole.ADMIN or who.username == session.created_by or who.username in session.reviewers


def _sees_results(who: Principal, session: CalibrationSession, scores: list[CalibrationScore]) -> bool:
    """A reviewer of the session (the lead too, when they score) once they have scored every
    conversation; the lead or an admin who does not score, at any time."""
    if who.username in session.reviewers:
        mine = {s.conversation_id for s in scores if s.reviewer == who.username}
        return mine >= set(session.conversations)
    return who.role is UserRole.ADMIN or who.username == session.created_by


def _session_for(ctx: WebContext, who: Principal, session_id: int) -> CalibrationSession:
    session = get_session(ctx.store, session_id)
    if session is None or not who.can_review or not _may_see_session(who, session):
        raise HTTPException(404, "calibration session not found")
    return session


@router.get("/calibration", response_class=HTMLResponse)
def calibration_list(request: Request, ctx: Ctx, who: PageUser) -> HTMLResponse:
    if not who.can_review:
        raise HTTPException(404, "page not found")
    sessions = [s for s in list_sessions(ctx.store) if _may_see_session(who, s)]
    return render(request, ctx, who, "calibration_list.html", sessions=sessions, reviewers=reviewers_for(ctx))


@router.post("/calibration")
async def calibration_create(request: Request, ctx: Ctx, who: PageUser) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    if not who.can_review:
        raise HTTPException(404, "page not found")
    ids = list(dict.fromkeys(line.strip() for line in str(form.get("conversations", "")).splitlines() if line.strip()))
    if not 1 <= len(ids) <= MAX_CONVERSATIONS:
        raise HTTPException(422, f"conversations: choose 1 to {MAX_CONVERSATIONS} conversations")
    chosen = {str(v) for v in form.getlist("reviewer")}
    reviewers = [r for r in reviewers_for(ctx) if r.username in chosen]
    for cid in ids:
        conversation = ctx.store.get_conversation(cid)
        if conversation is None or not who.can_see(conversation):
            raise HTTPException(422, f"conversations: {cid!r} is not a conversation you can see")
        blind_to = [r.username for r in reviewers if not r.can_see(conversation)]
        if blind_to:
            raise HTTPException(422, f"conversations: {', '.join(blind_to)} may not see {cid!r}")
    try:
        session_id = create_session(ctx.store, str(form.get("name", "")), who.username, ids,
                                    [r.username for r in reviewers])
    except CalibrationError as exc:
        raise HTTPException(422, str(exc)) from None
    return RedirectResponse(f"/calibration/{session_id}", status_code=303)


@router.get("/calibration/{session_id}", response_class=HTMLResponse)
def calibration_page(session_id: int, request: Request, ctx: Ctx, who: PageUser) -> HTMLResponse:
    session = _session_for(ctx, who, session_id)
    scores = session_scores(ctx.store, session.id)
    scored_by = Counter(s.reviewer for s in scores)
    mine = {s.conversation_id for s in scores if s.reviewer == who.username}
    results = _sees_results(who, session, scores)
    side_by_side = []
    if results:
        by_pair = {(s.conversation_id, s.reviewer): s for s in scores}
        for cid in session.conversations:
            result = ctx.store.get_result(cid)
            given = [s for who_ in session.reviewers if (s := by_pair.get((cid, who_))) is not None]
            majority = Counter(s.outcome for s in given).most_common(1)
            side_by_side.append({
                "conversation_id": cid,
                "machine": result,
                "scores": [(who_, by_pair.get((cid, who_))) for who_ in session.reviewers],
                "majority": majority[0][0] if majority else None,
            })
    return render(
        request, ctx, who, "calibration.html",
        session=session,
        scored_by=scored_by,
        mine=mine,
        reviewer=who.username in session.reviewers,
        results=results,
        agreement=item_agreement(session, scores) if results else [],
        side_by_side=side_by_side,
        labels=[b.value for b in Behaviour],
    )


@router.get("/calibration/{session_id}/score/{conversation_id}", response_class=HTMLResponse)
def calibration_score_page(
    session_id: int, conversation_id: str, request: Request, ctx: Ctx, who: PageUser
) -> HTMLResponse:
    session = _session_for(ctx, who, session_id)
    if who.username not in session.reviewers or conversation_id not in session.conversations:
        raise HTTPException(404, "not in this session")
    try:
        detail = conversation_detail(ctx.store, who, conversation_id)
    except NotVisible:
        raise HTTPException(404, "conversation not found") from None
    return render(
        request, ctx, who, "review_blind.html",
        c=detail.conversation,
        outcomes=[o.value for o in Outcome],
        labels=[b.value for b in Behaviour],
        calibration=session,
        action=f"/calibration/{session.id}/score/{quote(conversation_id, safe='')}",
    )


@router.post("/calibration/{session_id}/score/{conversation_id}")
async def calibration_score_submit(
    session_id: int, conversation_id: str, request: Request, ctx: Ctx, who: PageUser
) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    session = _session_for(ctx, who, session_id)
    outcome = str(form.get("outcome", ""))
    if outcome not in {o.value for o in Outcome}:
        raise HTTPException(422, "outcome: choose how the contact ended")
    labels = [str(v) for v in form.getlist("present")]
    unknown = set(labels) - {b.value for b in Behaviour}
    if unknown:
        raise HTTPException(422, f"present: unknown behaviour {sorted(unknown)[0]!r}")
    try:
        add_score(ctx.store, session, conversation_id, who.username, outcome, labels)
    except CalibrationError as exc:
        raise HTTPException(409, str(exc)) from None
    return RedirectResponse(f"/calibration/{session.id}", status_code=303)
