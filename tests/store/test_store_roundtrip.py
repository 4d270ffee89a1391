"""What is written comes back equal, on both backends (with the documented normalisations)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from store_strategies import (
    LONE_SURROGATES,
    any_text,
    conversations,
    load_sample,
    make_conversation,
    make_result,
    results_for,
    surveys,
)

from fixfirst.model import Conversation, FixedAnswer, Survey
from fixfirst.store import Store

ROUNDTRIP = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def as_utc_if_naive(value: datetime | None) -> datetime | None:
    """The documented rule, written out independently: a naive datetime means UTC."""
    return value if value is None or value.tzinfo is not None else value.replace(tzinfo=UTC)


def expected_conversation(conversation: Conversation) -> Conversation:
    return conversation.model_copy(
        update={
            "started_at": as_utc_if_naive(conversation.started_at),
            "turns": tuple(t.model_copy(update={"ts": as_utc_if_naive(t.ts)}) for t in conversation.turns),
        }
    )


def assert_all_utc(conversation: Conversation) -> None:
    for moment in [conversation.started_at, *(t.ts for t in conversation.turns)]:
        if moment is not None:
            assert moment.utcoffset() == timedelta(0), moment


@ROUNDTRIP
@given(conversation=conversations())
def test_conversation_round_trip(store: Store, conversation: Conversation) -> None:
    store.write_conversations([conversation])
    stored = store.get_conversation(conversation.id)
    assert stored == expected_conversation(conversation)
    assert stored is not None
    assert_all_utc(stored)
    assert stored.content_hash() == conversation.content_hash()


@ROUNDTRIP
@given(conversation=conversations(text=any_text))
def test_nul_becomes_the_replacement_character(
    store: Store, conversation: Conversation
) -> None:
    def clean(text: str | None) -> str | None:
        return None if text is None else re.sub("[\x00\ud800-\udfff]", "\ufffd", text)

    store.write_conversations([conversation])
    stored = store.get_conversation(conversation.id)
    assert stored is not None
    assert [t.text for t in stored.turns] == [clean(t.text) for t in conversation.turns]
    assert [t.author for t in stored.turns] == [clean(t.author) for t in conversation.turns]
    assert stored.company == clean(conversation.company)
    assert stored.agent_ids == tuple(clean(a) for a in conversation.agent_ids)


@pytest.mark.parametrize("surrogate", LONE_SURROGATES)
def test_lone_surrogates_are_refused_before_the_store(surrogate: str) -> None:
    """A lone surrogate cannot be stored as UTF-8; the model refuses it with a validation error naming the field."""
    with pytest.raises(ValidationError, match="text"):
        make_conversation("surrogate", (f"broken {surrogate} text",))


def test_real_threads_round_trip_and_stream_in_id_order(store: Store) -> None:
    sample = load_sample()
    stats = store.write_conversations(sample)
    assert (stats.stored, stats.duplicates, stats.updated) == (len(sample), 0, 0)
    streamed = list(store.iter_conversations(batch_size=7))
    assert [c.id for c in streamed] == sorted(c.id for c in sample)
    by_id = {c.id: c for c in sample}
    assert all(c == expected_conversation(by_id[c.id]) for c in streamed)


@pytest.mark.parametrize(
    ("written", "instant_utc"),
    [
        (datetime(2024, 3, 1, 12, 0), datetime(2024, 3, 1, 12, 0, tzinfo=UTC)),  # naive = UTC
        (
            datetime(2024, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))),
            datetime(2024, 3, 1, 10, 0, tzinfo=UTC),
        ),
        (
            datetime(2024, 3, 1, 0, 30, tzinfo=timezone(timedelta(hours=-5))),
            datetime(2024, 3, 1, 5, 30, tzinfo=UTC),
        ),
        (
            datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=UTC),
            datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=UTC),
        ),
    ],
)
def test_timestamps_come_back_as_utc(store: Store, written: datetime, instant_utc: datetime) -> None:
    store.write_conversations([make_conversation("c-1", started_at=written)])
    stored = store.get_conversation("c-1")
    assert stored is not None and stored.started_at is not None
    assert stored.started_at.tzinfo is not None and stored.started_at.utcoffset() == timedelta(0)
    assert (stored.started_at.year, stored.started_at.hour, stored.started_at.minute) == (
        instant_utc.year,
        instant_utc.hour,
        instant_utc.minute,
    )
    assert stored.started_at == instant_utc


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"nested": {"list": [1, 2.5, None, True, "x"]}}, {"nested": {"list": [1, 2.5, None, True, "x"]}}),
        ({"tuple": (1, 2)}, {"tuple": [1, 2]}),
        ({"nan": float("nan"), "inf": float("inf")}, {"nan": None, "inf": None}),
        ({"when": datetime(2024, 1, 1, 9, 0)}, {"when": "2024-01-01T09:00:00+00:00"}),
        ({"nul": "a\x00b"}, {"nul": "a\ufffdb"}),
    ],
)
def test_metadata_is_stored_as_plain_json(store: Store, metadata: dict, expected: dict) -> None:
    store.write_conversations([make_conversation("c-meta", metadata=metadata)])
    stored = store.get_conversation("c-meta")
    assert stored is not None
    assert stored.metadata == expected


def test_missing_conversation_is_none(store: Store) -> None:
    store.write_conversations([make_conversation("present")])
    assert store.get_conversation("absent") is None
    assert store.get_result("present") is None


@ROUNDTRIP
@given(survey=surveys())
def test_survey_round_trip(store: Store, survey: Survey) -> None:
    store.write_surveys([survey])
    stored = {s.id: s for s in store.iter_surveys()}
    expected = survey.model_copy(update={"submitted_at": as_utc_if_naive(survey.submitted_at)})
    assert stored[survey.id] == expected


@ROUNDTRIP
@given(data=st.data())
def test_result_round_trip(store: Store, data: st.DataObject) -> None:
    conversation = data.draw(conversations())
    result = data.draw(results_for(conversation.id))
    store.write_conversations([conversation])
    store.write_results([result])
    assert store.get_result(conversation.id) == result


def test_results_keep_finding_order_and_scores(store: Store) -> None:
    store.write_conversations([make_conversation("c-1")])
    result = make_result("c-1", labels=("ownership", "hollow_apology", "ownership", "proactive"))
    store.write_results([result])
    stored = store.get_result("c-1")
    assert stored == result
    assert stored is not None
    assert [f.label for f in stored.findings] == ["ownership", "hollow_apology", "ownership", "proactive"]
    assert stored.score is not None and stored.score.breakdown == (("outcome", 70.0), ("ownership", 15.5))


def test_survey_fixed_answer_round_trips_as_enum(store: Store) -> None:
    store.write_surveys([Survey(id="s-1", conversation_id="c-1", fixed=FixedAnswer.CLEAR_NO)])
    (stored,) = list(store.iter_surveys())
    assert stored.fixed is FixedAnswer.CLEAR_NO
