"""Hand-built conversations and analysis results for insight tests (expected values by hand)."""

from __future__ import annotations

from datetime import datetime, timedelta

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

T0 = datetime(2025, 3, 3, 9, 0)  # a Monday


def conversation(
    cid: str,
    turns: list[tuple[str, str]],
    *,
    at: datetime = T0,
    customer: str | None = "cust-1",
    agent: str = "agent-a",
    team: str | None = "Team One",
    channel: str = "chat",
    gap: timedelta = timedelta(minutes=2),
) -> Conversation:
    """turns: (role, text); agent turns are authored by `agent`, customer turns by `customer`."""
    built = []
    for index, (role, text) in enumerate(turns):
        author = agent if role == "agent" else customer
        built.append(Turn(index=index, role=Role(role), author=author, text=text, ts=at + gap * index))
    return Conversation(
        id=cid,
        channel=channel,
        started_at=at,
        customer_id=customer,
        agent_ids=(agent,),
        team=team,
        turns=tuple(built),
    )


def finding(conv: Conversation, label: str, turn: int, phrase: str | None = None) -> Finding:
    """A finding on `phrase` inside turn `turn` (whole turn when None); span checked against the text."""
    text = conv.turns[turn].text
    start = 0 if phrase is None else text.index(phrase)
    end = len(text) if phrase is None else start + len(phrase)
    return Finding(
        label=label,
        confidence=0.9,
        turn=turn,
        start=start,
        end=end,
        text=text[start:end],
        detector=f"{label}.test",
    )


def result(
    conv: Conversation,
    outcome: Outcome | str,
    findings: list[Finding] | tuple[Finding, ...] = (),
    *,
    points: float | None = None,
    evidence_turn: int | None = None,
) -> AnalysisResult:
    evidence: tuple[Evidence, ...] = ()
    if evidence_turn is not None:
        text = conv.turns[evidence_turn].text
        evidence = (Evidence(turn=evidence_turn, start=0, end=len(text), text=text),)
    return AnalysisResult(
        id=conv.id,
        outcome=OutcomeVerdict(label=Outcome(outcome), confidence=0.9, evidence=evidence),
        findings=tuple(findings),
        customer_sentiment=CustomerSentiment(start=Sentiment.NEUTRAL, end=Sentiment.NEUTRAL),
        score=None if points is None else ScoreResult(scorecard="test", points=points),
    )
