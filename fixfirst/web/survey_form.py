"""The customer survey at /s/{token}: one screen, no login, works on a phone.

Why a random token stored hashed: the link is the only credential, so it must be unguessable
(192 random bits) and a database leak must not yield working links. The response is stored as
a canonical Survey joined to the token's conversation; its id derives from the token, so a
customer who answers twice corrects their answer instead of adding a second one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from fixfirst.model import FixedAnswer, Survey
from fixfirst.store.web_records import conversation_for_survey_token, mark_survey_token_answered, token_digest
from fixfirst.web.context import Ctx, client_address

router = APIRouter(include_in_schema=False)

CHOICES = [
    (FixedAnswer.YES.value, "Yes"),
    (FixedAnswer.NO.value, "No"),
    (FixedAnswer.CLEAR_NO.value, "You told me clearly it can't be done"),
]


def _conversation(ctx: Ctx, token: str, request: Request) -> str:
    where = f"survey-from:{client_address(request)}"
    ctx.throttle.check(where)
    conversation_id = conversation_for_survey_token(ctx.store, token) if len(token) <= 100 else None
    if conversation_id is None:
        ctx.throttle.failed(where)  # guessing links: limited like passwords
        raise HTTPException(404, "this survey link is not valid")
    return conversation_id


@router.get("/s/{token}", response_class=HTMLResponse, name="survey_form")
def survey_form(token: str, request: Request, ctx: Ctx) -> HTMLResponse:
    _conversation(ctx, token, request)
    return ctx.templates.TemplateResponse(
        request, "survey.html", {"choices": CHOICES, "error": None, "done": False, "token": token}
    )


@router.post("/s/{token}", response_class=HTMLResponse)
def survey_submit(
    token: str,
    request: Request,
    ctx: Ctx,
    fixed: str = Form(""),
    rating: str = Form(""),
    comment: str = Form("", max_length=20_000),
) -> HTMLResponse:
    conversation_id = _conversation(ctx, token, request)
    error = None
    csat = int(rating) if rating in {"1", "2", "3", "4", "5"} else None
    if fixed not in {c[0] for c in CHOICES}:
        error = "Please choose one answer to “Did we fix your problem?”."
    else:
        try:
            survey = Survey(
                id=f"web-{token_digest(token)[:24]}",
                conversation_id=conversation_id,
                csat=csat,
                fixed=FixedAnswer(fixed),
                comment=comment.strip() or None,
                submitted_at=datetime.now(UTC),
            )
        except ValidationError:
            error = "Please check your answer."
    if error:
        return ctx.templates.TemplateResponse(
            request, "survey.html", {"choices": CHOICES, "error": error, "done": False, "token": token}, status_code=422
        )
    ctx.intake.surveys([survey.model_dump(mode="json")], lambda _s: True)
    mark_survey_token_answered(ctx.store, token)
    return ctx.templates.TemplateResponse(
        request, "survey.html", {"done": True, "token": token, "choices": CHOICES, "error": None}
    )
