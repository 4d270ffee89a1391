"""Compact, read-only views of a conversation and its analysis result: what the insight stage reads.

Why: a report covers every contact of a company, and the full pydantic models cost about 15 KB a
contact in memory (7 KB the conversation, 8 KB the result with its explanations), so 100,000
contacts needed 2.2 GiB. The insight stage only reads who, when, which channel, the turns' words
(to quote them) and the findings' spans, so it holds these slotted views instead - the same
attribute names as the models, so `quote()` and every insight module read either - and the few
conversations a report shows in full are read back from the store (`report_from_insights`).
Repeated strings (authors, teams, channels, labels) are interned once.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime

from fixfirst.model import AnalysisResult, Conversation, Outcome, Role


def _intern(value: str | None) -> str | None:
    return None if value is None else sys.intern(value)


@dataclass(frozen=True, slots=True)
class TurnView:
    """One turn: its position, speaker and words (what quotes and promise checks read)."""

    index: int
    role: Role
    author: str | None
    text: str
    ts: datetime | None


@dataclass(frozen=True, slots=True)
class ConversationView:
    """A conversation without metadata or per-turn flags; `turns[i].text` is the stored text."""

    id: str
    channel: str
    company: str | None
    team: str | None
    customer_id: str | None
    started_at: datetime | None
    agent_ids: tuple[str, ...]
    turns: tuple[TurnView, ...]

    @classmethod
    def of(cls, conversation: Conversation | ConversationView) -> ConversationView:
        if isinstance(conversation, ConversationView):
            return conversation
        return cls(
            id=conversation.id,
            channel=sys.intern(conversation.channel),
            company=_intern(conversation.company),
            team=_intern(conversation.team),
            customer_id=conversation.customer_id,
            started_at=conversation.started_at,
            agent_ids=tuple(sys.intern(a) for a in conversation.agent_ids),
            turns=tuple(TurnView(t.index, t.role, _intern(t.author), t.text, t.ts) for t in conversation.turns),
        )

    def customer_turns(self) -> list[TurnView]:
        return [t for t in self.turns if t.role is Role.CUSTOMER]

    def agent_turns(self) -> list[TurnView]:
        return [t for t in self.turns if t.role is Role.AGENT]


@dataclass(frozen=True, slots=True)
class SpanView:
    """Where a finding (or a piece of outcome evidence) points: [start, end) of one turn's text."""

    label: str
    turn: int
    start: int
    end: int
    confidence: float


@dataclass(frozen=True, slots=True)
class OutcomeView:
    label: Outcome
    confidence: float
    evidence: tuple[SpanView, ...]


@dataclass(frozen=True, slots=True)
class ScoreView:
    points: float


@dataclass(frozen=True, slots=True)
class ResultView:
    """An analysis result without explanations, copied texts or the score breakdown."""

    id: str
    outcome: OutcomeView
    findings: tuple[SpanView, ...]
    score: ScoreView | None

    @classmethod
    def of(cls, result: AnalysisResult | ResultView) -> ResultView:
        if isinstance(result, ResultView):
            return result
        verdict = result.outcome
        return cls(
            id=result.id,
            outcome=OutcomeView(
                label=verdict.label,
                confidence=verdict.confidence,
                evidence=tuple(
                    SpanView(verdict.label.value, e.turn, e.start, e.end, verdict.confidence)
                    for e in verdict.evidence
                ),
            ),
            findings=tuple(
                SpanView(sys.intern(f.label), f.turn, f.start, f.end, f.confidence) for f in result.findings
            ),
            score=None if result.score is None else ScoreView(result.score.points),
        )


#: What insight functions accept where they read a conversation's words.
ConversationLike = Conversation | ConversationView
