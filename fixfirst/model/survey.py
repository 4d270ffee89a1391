"""What the customer said about a contact afterwards: the ground truth drivers are learned from."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fixfirst.model.frozen import frozen_record
from fixfirst.model.text import NAME_CHARS, checked_id


class FixedAnswer(StrEnum):
    """The customer's own answer to "Did we fix your problem?"."""

    YES = "yes"
    NO = "no"
    CLEAR_NO = "clear_no"  # "You told me clearly it can't be done"


class Survey(BaseModel):
    """A post-contact survey response, joined to a conversation, a customer, or both."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=200)
    conversation_id: str | None = Field(default=None, max_length=200)
    customer_id: str | None = Field(default=None, max_length=NAME_CHARS)
    csat: int | None = Field(default=None, ge=1, le=5, description="Customer satisfaction, 1-5.")
    ces: int | None = Field(default=None, ge=1, le=7, description="Customer effort score, 1-7 (7 = easy).")
    fixed: FixedAnswer | None = None
    empathy: int | None = Field(default=None, ge=1, le=5, description="Customer-rated empathy, 1-5.")
    comment: str | None = Field(default=None, max_length=20_000)
    submitted_at: datetime | None = None

    _id = field_validator("id")(checked_id)

    @model_validator(mode="after")
    def _joins_to_something(self) -> Survey:
        if not (self.conversation_id or self.customer_id):
            raise ValueError("a survey needs a conversation_id or a customer_id to join to")
        if self.csat is None and self.ces is None and self.fixed is None and self.empathy is None:
            raise ValueError("a survey needs at least one of csat, ces, fixed, empathy")
        return self


@frozen_record
class SurveyAnswers:
    """A stored survey as the insight stage reads it: its join keys and answers, no comment.

    Why: a report holds every survey of its scope, and a `Survey` model costs about 1.4 KB in
    memory against about 380 bytes for this slotted record (at 1M conversations, 350,000 surveys).
    """

    id: str
    conversation_id: str | None
    customer_id: str | None
    csat: int | None
    ces: int | None
    fixed: FixedAnswer | None
    empathy: int | None
    submitted_at: datetime | None

    @classmethod
    def of(cls, survey: Survey | SurveyAnswers) -> SurveyAnswers:
        if isinstance(survey, SurveyAnswers):
            return survey
        return cls(**{field.name: getattr(survey, field.name) for field in fields(cls)})
