"""Compact conversation views give back exactly the turns they were built from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from fixfirst.insight.views import ConversationView, ResultView
from fixfirst.model import (
    AnalysisResult,
    Conversation,
    CustomerSentiment,
    Evidence,
    Finding,
    Outcome,
    OutcomeVerdict,
    Role,
    ScoreResult,
    Sentiment,
    Turn,
)

PARIS = timezone(timedelta(hours=1))


def _conversation(stamps: list[datetime | None]) -> Conversation:
    texts = ["Bonjour - my café order #12 🍰 never came", "", "Sorry! I've refunded £4.50 ✓", "ok\nthanks"]
    turns = [
        Turn(index=i, role=Role.CUSTOMER if i % 2 == 0 else Role.AGENT, author=None if i == 1 else f"p{i % 2}",
             text=texts[i] or " ", ts=stamps[i])
        for i in range(4)
    ]
    return Conversation(id="c1", channel="chat", turns=turns, agent_ids=("p1",))


def _same_turns(conversation: Conversation) -> None:
    view = ConversationView.of(conversation)
    for original, packed in zip(conversation.turns, view.turns, strict=True):
        assert (packed.index, packed.role, packed.author, packed.text) == (
            original.index, original.role, original.author, original.text,
        )
        assert packed.ts == original.ts
        assert (packed.ts.tzinfo if packed.ts else None) == (original.ts.tzinfo if original.ts else None)
        if packed.ts is not None:
            assert packed.ts.isoformat() == original.ts.isoformat()  # same wall time and zone, not just instant
    assert [t.text for t in view.customer_turns()] == [t.text for t in conversation.turns if t.role is Role.CUSTOMER]
    assert [view.speaker(t.index) for t in conversation.turns] == [(t.role, t.author) for t in conversation.turns]
    assert view.speaker(len(conversation.turns)) is None and view.speaker(-1) is None


def test_turns_round_trip_with_one_zone_naive_times_and_missing_times() -> None:
    start = datetime(2025, 3, 3, 23, 59, 59, 999_999, tzinfo=PARIS)
    _same_turns(_conversation([start + timedelta(minutes=i) for i in range(4)]))
    _same_turns(_conversation([datetime(2025, 3, 3, 9, 0), None, datetime(1969, 12, 31, 23, 0), None]))
    _same_turns(_conversation([None] * 4))


def test_turns_round_trip_when_their_zones_differ() -> None:
    _same_turns(_conversation([datetime(2025, 3, 3, 9, tzinfo=UTC), datetime(2025, 3, 3, 10, tzinfo=PARIS),
                               None, datetime(2025, 3, 3, 9, 30, tzinfo=UTC)]))


def test_more_than_256_authors_keep_who_spoke_each_turn() -> None:
    turns = [Turn(index=i, role=Role.AGENT if i % 3 else Role.CUSTOMER, author=None if i == 7 else f"agent-{i}",
                  text=f"turn {i}") for i in range(300)]
    _same_turns(Conversation(id="crowd", channel="chat", turns=turns))


def test_result_view_gives_back_the_evidence_findings_and_points() -> None:
    result = AnalysisResult(
        id="c1",
        outcome=OutcomeVerdict(label=Outcome.CLEAR_NO, confidence=0.8125, explanation="no",
                               evidence=(Evidence(turn=2, start=0, end=7), Evidence(turn=3, start=70_000, end=70_123))),
        findings=(
            Finding(label="policy_stonewall", turn=2, start=3, end=9, confidence=0.1 + 0.2, text="x",
                    detector="d", explanation="e"),
            Finding(label="ownership", turn=4_999, start=0, end=1, confidence=1.0, text="y", detector="d",
                    explanation="e"),
        ),
        customer_sentiment=CustomerSentiment(start=Sentiment.NEGATIVE, end=Sentiment.NEUTRAL),
        score=ScoreResult(scorecard="default", points=61.25, breakdown=()),
        engine_version="test",
    )
    view = ResultView.of(result, id="c1")
    assert (view.outcome.label, view.outcome.confidence, view.score.points) == (Outcome.CLEAR_NO, 0.8125, 61.25)
    assert [(e.label, e.turn, e.start, e.end) for e in view.outcome.evidence] == [
        ("clear_no", 2, 0, 7), ("clear_no", 3, 70_000, 70_123)
    ]
    assert [(f.label, f.turn, f.start, f.end, f.confidence) for f in view.findings] == [
        ("policy_stonewall", 2, 3, 9, 0.1 + 0.2), ("ownership", 4_999, 0, 1, 1.0)  # confidences exact
    ]
    unscored = ResultView.of(result.model_copy(update={"score": None, "findings": ()}))
    assert unscored.score is None and unscored.findings == () and len(unscored.outcome.evidence) == 2
