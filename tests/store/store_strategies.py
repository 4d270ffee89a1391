"""Builders and hypothesis strategies for the storage tests: conversations, surveys, results."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from fixfirst.model import (
    AnalysisResult,
    Conversation,
    CustomerSentiment,
    Evidence,
    Finding,
    FixedAnswer,
    Outcome,
    OutcomeVerdict,
    Role,
    ScoreResult,
    Sentiment,
    Survey,
    Turn,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE_JSONL = FIXTURES / "store_twitter_care_sample.jsonl"


def load_sample() -> list[Conversation]:
    """Twenty real twitter_care threads (Apache-2.0), parsed without the ingest package."""
    conversations = []
    for line in SAMPLE_JSONL.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record["turns"] = [dict(turn, index=i) for i, turn in enumerate(record["turns"])]
        conversations.append(Conversation(**record))
    return conversations


def make_conversation(
    conversation_id: str,
    texts: tuple[str, ...] = ("my order never arrived", "I've refunded it now, it is on its way back to you"),
    *,
    team: str | None = "billing",
    started_at: datetime | None = datetime(2024, 3, 1, 12, 0, tzinfo=UTC),
    customer_id: str | None = "cust-1",
    metadata: dict[str, Any] | None = None,
) -> Conversation:
    """A small conversation that alternates customer and agent turns."""
    return Conversation(
        id=conversation_id,
        channel="chat",
        started_at=started_at,
        customer_id=customer_id,
        agent_ids=("agent-7",),
        team=team,
        turns=tuple(
            Turn(index=i, role=Role.CUSTOMER if i % 2 == 0 else Role.AGENT, author=None, text=text)
            for i, text in enumerate(texts)
        ),
        metadata=metadata or {},
    )


def make_result(
    conversation_id: str, labels: tuple[str, ...] = ("ownership",), outcome: Outcome = Outcome.RESOLVED
) -> AnalysisResult:
    return AnalysisResult(
        id=conversation_id,
        outcome=OutcomeVerdict(
            label=outcome,
            confidence=0.8,
            evidence=(Evidence(turn=1, start=0, end=12, text="I've refunded"),),
            explanation="agent says the refund is done",
        ),
        findings=tuple(
            Finding(
                label=label,
                confidence=0.5 + i / 10,
                turn=1,
                start=i,
                end=i + 4,
                text="refu",
                detector=f"{label}.v1",
                explanation="fired on a test phrase",
            )
            for i, label in enumerate(labels)
        ),
        customer_sentiment=CustomerSentiment(start=Sentiment.NEGATIVE, end=Sentiment.POSITIVE),
        score=ScoreResult(
            scorecard="resolution-first.v1", points=85.5, breakdown=(("outcome", 70.0), ("ownership", 15.5))
        ),
        engine_version="test-1",
    )


# -- hypothesis ------------------------------------------------------------------------------

#: Any text a model accepts, NUL included, which the store documents it replaces. (Unpaired surrogates
#: never reach the store: pydantic refuses them when the Turn is built - see test_store_roundtrip.)
any_text = st.text(st.characters(blacklist_categories=("Cs",)) | st.just("\x00"), max_size=60)
#: Unpaired surrogates, which the models refuse.
LONE_SURROGATES = ("\ud800", "\udfff", "\ud83d")
#: Text the store keeps exactly: no NUL, no surrogates.
#: Any id the model accepts: no control characters, no '/', not blank.
record_ids = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/"), min_size=1, max_size=40
).filter(lambda value: value.strip())
exact_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)

offsets = st.sampled_from(
    [None, UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]
)


@st.composite
def timestamps(draw: st.DrawFn) -> datetime | None:
    """Naive, UTC and offset datetimes (microseconds included), or None."""
    if draw(st.booleans()) and draw(st.booleans()):
        return None
    moment = draw(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)))
    tz = draw(offsets)
    return moment if tz is None else moment.replace(tzinfo=tz)


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | exact_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(exact_text, children, max_size=3),
    max_leaves=8,
)


@st.composite
def conversations(draw: st.DrawFn, text: st.SearchStrategy[str] = exact_text) -> Conversation:
    n_turns = draw(st.integers(1, 5))
    turns = []
    for i in range(n_turns):
        turns.append(
            Turn(
                index=i,
                role=draw(st.sampled_from(list(Role))),
                author=draw(st.none() | text),
                text=draw(text),
                ts=draw(timestamps()),
                public=draw(st.booleans()),
            )
        )
    if not any(t.text.strip() for t in turns):
        turns[0] = turns[0].model_copy(update={"text": "hello"})
    return Conversation(
        id=draw(record_ids),
        channel=draw(st.sampled_from(["chat", "email", "twitter", "voice", "ünïcode-chännel"])),
        company=draw(st.none() | text),
        started_at=draw(timestamps()),
        customer_id=draw(st.none() | text),
        agent_ids=tuple(draw(st.lists(text, max_size=3))),
        team=draw(st.none() | text),
        turns=tuple(turns),
        metadata=draw(st.dictionaries(exact_text, json_values, max_size=4)),
    )


@st.composite
def surveys(draw: st.DrawFn) -> Survey:
    csat = draw(st.none() | st.integers(1, 5))
    ces = draw(st.none() | st.integers(1, 7))
    fixed = draw(st.none() | st.sampled_from(list(FixedAnswer)))
    empathy = draw(st.none() | st.integers(1, 5))
    if csat is None and ces is None and fixed is None and empathy is None:
        csat = 3
    conversation_id = draw(st.none() | exact_text.filter(bool))
    return Survey(
        id=draw(record_ids),
        conversation_id=conversation_id,
        customer_id=draw(exact_text.filter(bool))
        if conversation_id is None
        else draw(st.none() | exact_text),
        csat=csat,
        ces=ces,
        fixed=fixed,
        empathy=empathy,
        comment=draw(st.none() | exact_text),
        submitted_at=draw(timestamps()),
    )


unit_floats = st.floats(0.0, 1.0)


@st.composite
def results_for(draw: st.DrawFn, conversation_id: str) -> AnalysisResult:
    findings = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, 500))
        findings.append(
            Finding(
                label=draw(st.sampled_from(["ownership", "hollow_apology", "custom_label"])),
                confidence=draw(unit_floats),
                turn=draw(st.integers(0, 10)),
                start=start,
                end=start + draw(st.integers(0, 50)),
                text=draw(exact_text),
                detector=draw(exact_text.filter(bool)),
                explanation=draw(exact_text),
            )
        )
    score = None
    if draw(st.booleans()):
        score = ScoreResult(
            scorecard=draw(exact_text),
            points=draw(st.floats(0.0, 100.0)),
            breakdown=tuple(draw(st.lists(st.tuples(exact_text, st.floats(-100, 100)), max_size=3))),
        )
    return AnalysisResult(
        id=conversation_id,
        outcome=OutcomeVerdict(
            label=draw(st.sampled_from(list(Outcome))),
            confidence=draw(unit_floats),
            evidence=tuple(
                Evidence(turn=t, start=s, end=s + length, text=txt)
                for t, s, length, txt in draw(
                    st.lists(
                        st.tuples(st.integers(0, 9), st.integers(0, 99), st.integers(0, 9), exact_text),
                        max_size=3,
                    )
                )
            ),
            explanation=draw(exact_text),
        ),
        findings=tuple(findings),
        customer_sentiment=CustomerSentiment(
            start=draw(st.sampled_from(list(Sentiment))), end=draw(st.sampled_from(list(Sentiment)))
        ),
        score=score,
        engine_version=draw(exact_text),
    )
