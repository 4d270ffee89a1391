"""Findings and analysis results: every mark the engine makes points at the words that earned it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fixfirst.model.labels import Outcome, Sentiment


class Evidence(BaseModel):
    """A character span [start, end) inside the canonical text of one turn."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    turn: int = Field(ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str = Field(default="", description="The words of the span, copied for readers of exports.")

    @model_validator(mode="after")
    def _ordered(self) -> Evidence:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before start {self.start}")
        return self


class Finding(BaseModel):
    """One detected behaviour (or other label) with its confidence and evidence span."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str = Field(min_length=1)
    confidence: float = Field(ge=0.0, le=1.0)
    turn: int = Field(ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str = ""
    detector: str = Field(min_length=1, description="Registered detector name with version, e.g. hollow_apology.v1")
    explanation: str = Field(default="", description="A sentence a QA lead understands: why this fired.")

    @model_validator(mode="after")
    def _ordered(self) -> Finding:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before start {self.start}")
        return self

    @property
    def evidence(self) -> Evidence:
        return Evidence(turn=self.turn, start=self.start, end=self.end, text=self.text)


class OutcomeVerdict(BaseModel):
    """The one outcome of a contact, with the turns and words that decided it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: Outcome
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: tuple[Evidence, ...] = ()
    explanation: str = ""


class CustomerSentiment(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    start: Sentiment
    end: Sentiment


class ScoreResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    scorecard: str
    points: float = Field(ge=0.0, le=100.0)
    breakdown: tuple[tuple[str, float], ...] = Field(
        default=(), description="(rule, points) pairs that add up to the score, so it can be traced."
    )


class AnalysisResult(BaseModel):
    """Everything the engine says about one conversation (the `fixfirst analyze` JSON line)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    outcome: OutcomeVerdict
    findings: tuple[Finding, ...] = ()
    customer_sentiment: CustomerSentiment
    score: ScoreResult | None = None
    engine_version: str = ""

    def has(self, label: str) -> bool:
        return any(f.label == label for f in self.findings)
