"""The REST API under /api: ingest, reads with filters and pagination, review, disputes, survey links.

Every route depends on ``api_user``; every read filters through the Principal (see access.py).
Errors are JSON ``{"detail": ...}`` with a 4xx status; batches answer per record.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from fixfirst.errors import StoreError
from fixfirst.model import Behaviour, Outcome, Survey
from fixfirst.model.text import clean_record
from fixfirst.store import listing
from fixfirst.store.listing import visible_ids
from fixfirst.store.review_assignments import review_queue_of
from fixfirst.store.web_records import create_survey_token
from fixfirst.web.context import ApiUser, Ctx, Slice
from fixfirst.web.data_slice import DataSlice
from fixfirst.web.insights_cache import ScopeAggregates
from fixfirst.web.record_intake import MAX_BATCH, RecordStatus
from fixfirst.web.review import (
    ReviewError,
    ReviewSubmission,
    record_review,
)
from fixfirst.web.views import (
    ConversationFilter,
    NotVisible,
    agent_view,
    agreement_for,
    conversation_detail,
    detail_json,
    list_conversations,
    review_queue_for,
    scoped_aggregates,
    team_view,
    visibility,
    visible_agents,
    visible_teams,
)

router = APIRouter(prefix="/api", tags=["api"])

Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")]
RecordsBody = Annotated[
    dict[str, Any] | list[Any],
    Body(description=f"One record (a JSON object) or a list of up to {MAX_BATCH} records."),
]


class RecordStatusOut(BaseModel):
    index: int
    id: str | None
    status: str = Field(description="stored, updated, duplicate or rejected")
    code: int = Field(description="HTTP-like status of this record: 201, 200, 403, 409 or 422")
    errors: list[str]
    outcome: str | None = None


class BatchOut(BaseModel):
    accepted: int
    rejected: int
    records: list[RecordStatusOut]


def _batch_response(statuses: list[RecordStatus]) -> JSONResponse:
    accepted = sum(1 for s in statuses if s.status != "rejected")
    body = BatchOut(
        accepted=accepted,
        rejected=len(statuses) - accepted,
        records=[RecordStatusOut(**s.__dict__) for s in statuses],
    )
    code = 200 if accepted or not statuses else max({s.code for s in statuses}, key=lambda c: (c != 422, c))
    return JSONResponse(body.model_dump(mode="json"), status_code=code)


def _records(payload: dict[str, Any] | list[Any]) -> list[Any]:
    records = clean_record(payload if isinstance(payload, list) else [payload])
    if not records:
        raise HTTPException(422, "empty batch: send one record or a non-empty list")
    if len(records) > MAX_BATCH:
        raise HTTPException(413, f"{len(records)} records in one request; send at most {MAX_BATCH}")
    return records


def _total(total: int) -> dict[str, Any]:
    """A list's total: exact up to the counting cap, then the cap with ``total_is_exact`` false."""
    return {"total": min(total, listing.COUNT_CAP), "total_is_exact": total <= listing.COUNT_CAP}


def _not_found(what: str) -> HTTPException:
    return HTTPException(404, f"{what} not found")


@router.post("/conversations", response_model=BatchOut, summary="Ingest conversations (one or a batch)")
def post_conversations(payload: RecordsBody, ctx: Ctx, who: ApiUser) -> JSONResponse:
    """Validated per record, redacted, stored idempotently by id and analysed on arrival."""
    if not who.can_write:
        raise HTTPException(403, "your role may not ingest conversations")
    statuses = ctx.intake.conversations(_records(payload), who.can_write_team, source=f"api:{who.username}")
    return _batch_response(statuses)


@router.post("/surveys", response_model=BatchOut, summary="Ingest survey responses (one or a batch)")
def post_surveys(payload: RecordsBody, ctx: Ctx, who: ApiUser) -> JSONResponse:
    if not who.can_write:
        raise HTTPException(403, "your role may not ingest surveys")
    def allowed(survey: Survey) -> bool:
        """The new survey's conversation and, for an update, the stored one's must both be the user's."""
        if who.all_teams:
            return True
        needed = [survey.conversation_id, *ctx.store.stored_survey_conversations([survey.id]).values()]
        ids = {i for i in needed if i is not None}
        return len(ids) == len(set(needed)) and visible_ids(ctx.store, visibility(who), sorted(ids)) == ids

    return _batch_response(ctx.intake.surveys(_records(payload), allowed))


@router.get("/conversations", summary="List conversations you may see, newest first")
def get_conversations(
    ctx: Ctx,
    who: ApiUser,
    limit: Limit = 50,
    offset: Offset = 0,
    team: str | None = None,
    agent: str | None = None,
    outcome: Outcome | None = None,
    label: Behaviour | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    channel: Annotated[str | None, Query(max_length=50)] = None,
    q: Annotated[str | None, Query(max_length=500, description="words that must all appear in one turn")] = None,
) -> dict[str, Any]:
    filters = ConversationFilter(
        team=team,
        agent=agent,
        outcome=outcome.value if outcome else None,
        label=label.value if label else None,
        since=since,
        until=until,
        channel=channel or None,
        text=q or None,
    )
    total, items = list_conversations(ctx.store, who, filters, limit=limit, offset=offset)
    return {**_total(total), "limit": limit, "offset": offset, "items": items}


@router.get("/conversations/{conversation_id}", summary="One conversation with findings, evidence and reviews")
def get_conversation(conversation_id: str, ctx: Ctx, who: ApiUser) -> dict[str, Any]:
    try:
        return detail_json(conversation_detail(ctx.store, who, conversation_id))
    except NotVisible:
        raise _not_found("conversation") from None


@router.get("/agents", summary="Agent scorecards you may see")
def get_agents(
    ctx: Ctx, who: ApiUser, where: Slice, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    cards = visible_agents(ctx.cache.insights(None, where), who)
    page = cards[offset : offset + limit]
    return {"total": len(cards), "items": [c.model_dump(mode="json") for c in page]}


@router.get("/agents/{agent_id}", summary="One agent's scorecard with weekly trend and coaching plan")
def get_agent(agent_id: str, ctx: Ctx, who: ApiUser) -> dict[str, Any]:
    try:
        card, plan = agent_view(ctx.cache, who, agent_id)
    except NotVisible:
        raise _not_found("agent") from None
    return {"scorecard": card.model_dump(mode="json"), "coaching": plan.model_dump(mode="json") if plan else None}


@router.get("/teams", summary="Team scorecards you may see")
def get_teams(ctx: Ctx, who: ApiUser, where: Slice) -> dict[str, Any]:
    if not who.can_see_aggregates:
        raise HTTPException(403, "agents see only their own scorecard")
    cards = visible_teams(ctx.cache.insights(None, where), who)
    return {"total": len(cards), "items": [c.model_dump(mode="json") for c in cards]}


@router.get("/teams/{team}", summary="One team's scorecard and coaching plan")
def get_team(team: str, ctx: Ctx, who: ApiUser) -> dict[str, Any]:
    try:
        card = team_view(ctx.cache, who, team)
    except NotVisible:
        raise _not_found("team") from None
    plan = next((p for p in ctx.cache.insights().team_coaching if p.team == team), None)
    return {"scorecard": card.model_dump(mode="json"), "coaching": plan.model_dump(mode="json") if plan else None}


def _aggregates(ctx: Ctx, who: ApiUser, team: str | None, where: DataSlice) -> ScopeAggregates:
    try:
        return scoped_aggregates(ctx.cache, who, team, where)
    except NotVisible:
        raise HTTPException(403 if who.is_agent else 404, "not available to you") from None


@router.get("/cases", summary="Cases (linked contacts of one customer problem)")
def get_cases(
    ctx: Ctx,
    who: ApiUser,
    where: Slice,
    team: str | None = None,
    repeat_only: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    aggregates = _aggregates(ctx, who, team, where)
    items = aggregates.repeat_cases if repeat_only else aggregates.cases
    return {
        "summary": aggregates.insights.cases.model_dump(mode="json"),
        "total": len(items),
        "items": items.page(offset, limit),
    }


@router.get("/drivers", summary="What drives CSAT and 'fixed' answers (with intervals)")
def get_drivers(ctx: Ctx, who: ApiUser, where: Slice, team: str | None = None) -> dict[str, Any]:
    insights = _aggregates(ctx, who, team, where).insights
    return {
        "csat": insights.drivers_csat.model_dump(mode="json"),
        "fixed": insights.drivers_fixed.model_dump(mode="json"),
    }


@router.get("/root-causes", summary="Policies and systems behind unresolved and repeat contacts")
def get_root_causes(ctx: Ctx, who: ApiUser, where: Slice, team: str | None = None) -> dict[str, Any]:
    insights = _aggregates(ctx, who, team, where).insights
    return insights.root_causes.model_dump(mode="json", exclude={"blocked"})


class ReviewIn(BaseModel):
    outcome: Outcome
    findings: dict[str, str] = Field(default_factory=dict, description="finding item -> confirmed | rejected")
    missed: list[Behaviour] = Field(default_factory=list, description="labels the machine missed")
    note: str | None = Field(default=None, max_length=5000)


def _visible_result(ctx: Ctx, who: ApiUser, conversation_id: str):  # noqa: ANN202
    conversation = ctx.store.get_conversation(conversation_id)
    if conversation is None or not who.can_see(conversation):
        raise _not_found("conversation")
    result = ctx.store.get_result(conversation_id)
    if result is None:
        raise HTTPException(409, "this conversation has no analysis result to review yet")
    return result


@router.post("/conversations/{conversation_id}/review", summary="Confirm or correct the machine's verdicts")
def post_review(conversation_id: str, review: ReviewIn, ctx: Ctx, who: ApiUser) -> dict[str, Any]:
    if not who.can_review:
        raise HTTPException(403, "your role may not review")
    result = _visible_result(ctx, who, conversation_id)
    submission = ReviewSubmission(
        outcome=review.outcome.value,
        findings=review.findings,
        missed=tuple(m.value for m in review.missed),
        note=ctx.intake.redact_note(review.note),
    )
    try:
        stored = record_review(ctx.store, result, who.username, submission)
    except ReviewError as exc:
        raise HTTPException(422, str(exc)) from None
    return {"stored": stored}


class DisputeIn(BaseModel):
    item: str = Field(min_length=1, max_length=500, description="The finding item (see a conversation's findings)")
    comment: str = Field(min_length=1, max_length=5000)


@router.post("/conversations/{conversation_id}/disputes", status_code=201, summary="Dispute a finding")
def post_dispute(conversation_id: str, dispute: DisputeIn, ctx: Ctx, who: ApiUser) -> dict[str, Any]:
    from fixfirst.store.web_records import add_dispute
    from fixfirst.web.review import finding_item

    result = _visible_result(ctx, who, conversation_id)
    if dispute.item not in {finding_item(f) for f in result.findings} and dispute.item != "outcome":
        raise HTTPException(422, f"item: {dispute.item!r} is not a finding of this conversation")
    comment = ctx.intake.redact_note(dispute.comment) or ""
    dispute_id = add_dispute(ctx.store, conversation_id, dispute.item, who.username, comment)
    return {"id": dispute_id, "status": "open"}


@router.get("/review-queue", summary="Conversations waiting for review")
def get_review_queue(ctx: Ctx, who: ApiUser, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    if not who.can_review:
        raise HTTPException(403, "your role may not review")
    total, page = review_queue_for(ctx.store, who, limit=limit, offset=offset)
    return {**_total(total), "items": [asdict(e) for e in page]}


@router.get("/my-queue", summary="Conversations assigned to me for review (open first)")
def get_my_queue(ctx: Ctx, who: ApiUser) -> dict[str, Any]:
    if not who.can_review:
        raise HTTPException(403, "your role may not review")
    items = review_queue_of(ctx.store, who.username, include_done=True)
    return {"open": sum(1 for i in items if not i.done), "items": [asdict(i) for i in items]}


@router.get("/agreement", summary="Machine-vs-reviewer agreement (Cohen's kappa per label)")
def get_agreement(ctx: Ctx, who: ApiUser) -> dict[str, Any]:
    if not who.can_review:
        raise HTTPException(403, "your role may not review")
    report = agreement_for(ctx.store, who)
    return {
        "reviewed": report.reviewed,
        "outcome_kappa": report.outcome_kappa,
        "outcome_interval": report.outcome_interval,
        "outcome_undefined": report.outcome_undefined,
        "outcome_agreement": report.outcome_agreement,
        "labels": [{**label.__dict__, "undefined": label.undefined} for label in report.labels],
    }


class SurveyLinkIn(BaseModel):
    conversation_id: str = Field(min_length=1, max_length=200)


@router.post("/survey-links", status_code=201, summary="Create a survey link for a conversation")
def post_survey_link(link: SurveyLinkIn, request: Request, ctx: Ctx, who: ApiUser) -> dict[str, Any]:
    if not who.can_write:
        raise HTTPException(403, "your role may not create survey links")
    conversation = ctx.store.get_conversation(link.conversation_id)
    if conversation is None or not who.can_see(conversation):
        raise _not_found("conversation")
    try:
        token = create_survey_token(ctx.store, link.conversation_id)
    except StoreError:
        raise _not_found("conversation") from None
    return {"token": token, "path": f"/s/{token}", "url": str(request.url_for("survey_form", token=token))}
