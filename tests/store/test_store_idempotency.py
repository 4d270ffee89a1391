"""Re-ingesting is idempotent by id; changes update in place and drop marks earned by old words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from store_strategies import load_sample, make_conversation, make_result

from fixfirst.errors import StoreError
from fixfirst.model import FixedAnswer, Survey
from fixfirst.store import Store, WriteStats


def test_rewriting_the_same_batch_is_all_duplicates(store: Store) -> None:
    sample = load_sample()
    first = store.write_conversations(sample)
    counts_after_first = store.counts()
    second = store.write_conversations(sample)
    assert first == WriteStats(stored=len(sample))
    assert second == WriteStats(duplicates=len(sample))
    assert first.each == ("stored",) * len(sample) and second.each == ("duplicate",) * len(sample)
    assert (first + second).each == first.each + second.each
    assert store.counts() == counts_after_first
    assert counts_after_first["turns"] == sum(len(c.turns) for c in sample)


def test_duplicate_keeps_first_source_and_ingest_time(store: Store) -> None:
    store.write_conversations([make_conversation("c-1")], source="first.jsonl")
    store.write_conversations([make_conversation("c-1")], source="second.jsonl")
    with store.engine.connect() as conn:
        sources = conn.exec_driver_sql("SELECT source FROM conversations").scalars().all()
    assert sources == ["first.jsonl"]


def test_changed_words_update_turns_and_delete_stale_results(store: Store) -> None:
    store.write_conversations([make_conversation("c-1"), make_conversation("c-2")])
    store.write_results([make_result("c-1"), make_result("c-2")])
    edited = make_conversation("c-1", texts=("my order never arrived", "sorry", "still nothing"))

    stats = store.write_conversations([edited, make_conversation("c-2")])

    assert stats == WriteStats(stored=0, duplicates=1, updated=1)
    assert store.get_conversation("c-1") == edited
    assert store.get_result("c-1") is None  # its findings pointed at words that are gone
    assert store.get_result("c-2") == make_result("c-2")  # untouched neighbour keeps its result
    counts = store.counts()
    assert counts["conversations"] == 2
    assert counts["turns"] == 3 + 2
    assert counts["analysis_results"] == 1
    assert counts["findings"] == len(make_result("c-2").findings)
    assert [c.id for c in store.iter_conversations(without_results=True)] == ["c-1"]


def test_fewer_turns_after_update_leaves_no_orphan_turns(store: Store) -> None:
    store.write_conversations([make_conversation("c-1", texts=("a", "b", "c", "d"))])
    store.write_conversations([make_conversation("c-1", texts=("a",))])
    assert store.counts()["turns"] == 1
    stored = store.get_conversation("c-1")
    assert stored is not None and [t.text for t in stored.turns] == ["a"]


def test_change_outside_the_words_updates_but_keeps_the_result(store: Store) -> None:
    store.write_conversations([make_conversation("c-1", team="billing")])
    store.write_results([make_result("c-1")])
    stats = store.write_conversations([make_conversation("c-1", team="retention", metadata={"queue": "vip"})])
    assert stats == WriteStats(updated=1)
    stored = store.get_conversation("c-1")
    assert stored is not None and stored.team == "retention" and stored.metadata == {"queue": "vip"}
    assert store.get_result("c-1") == make_result("c-1")


def test_same_instant_in_another_offset_is_a_duplicate(store: Store) -> None:
    utc = make_conversation("c-1", started_at=datetime(2024, 3, 1, 12, 0, tzinfo=UTC))
    naive = make_conversation("c-1", started_at=datetime(2024, 3, 1, 12, 0))
    shifted = make_conversation(
        "c-1", started_at=datetime(2024, 3, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    )
    later = make_conversation("c-1", started_at=datetime(2024, 3, 1, 12, 1, tzinfo=UTC))
    assert store.write_conversations([utc]) == WriteStats(stored=1)
    assert store.write_conversations([naive, shifted]) == WriteStats(duplicates=2)
    assert store.write_conversations([later]) == WriteStats(updated=1)


def test_repeated_id_within_one_batch_counts_in_order_and_keeps_the_last(store: Store) -> None:
    v1 = make_conversation("c-1", texts=("first version",))
    v2 = make_conversation("c-1", texts=("second version",))
    stats = store.write_conversations([v1, v1, v2, make_conversation("c-2")])
    assert stats == WriteStats(stored=2, duplicates=1, updated=1)
    assert stats.each == ("stored", "duplicate", "updated", "stored")  # per record, in the order received
    assert store.get_conversation("c-1") == v2
    assert store.counts()["conversations"] == 2


def test_empty_batch_writes_nothing(store: Store) -> None:
    assert store.write_conversations([]) == WriteStats()
    assert store.write_surveys([]) == WriteStats()
    assert store.write_results([]) == WriteStats()
    assert set(store.counts().values()) == {0}


def test_surveys_are_idempotent_by_id(store: Store) -> None:
    a = Survey(
        id="s-1", conversation_id="c-1", csat=2, comment="slow", submitted_at=datetime(2024, 1, 1, 9, 0)
    )
    b = Survey(id="s-2", customer_id="cust-9", fixed=FixedAnswer.YES)
    assert store.write_surveys([a, b]) == WriteStats(stored=2)
    assert store.write_surveys([a, b]) == WriteStats(duplicates=2)
    changed = a.model_copy(update={"csat": 4})
    assert store.write_surveys([changed, b]) == WriteStats(duplicates=1, updated=1)
    assert {s.id: s.csat for s in store.iter_surveys()} == {"s-1": 4, "s-2": None}
    assert store.counts()["surveys"] == 2


def test_results_replace_earlier_results(store: Store) -> None:
    store.write_conversations([make_conversation("c-1"), make_conversation("c-2")])
    first = store.write_results([make_result("c-1", labels=("ownership", "proactive", "hollow_apology"))])
    replacement = make_result("c-1", labels=("policy_stonewall",))
    second = store.write_results([replacement, make_result("c-2", labels=())])
    assert first == WriteStats(stored=1)
    assert second == WriteStats(stored=1, updated=1)
    assert store.get_result("c-1") == replacement
    with store.engine.connect() as conn:
        labels = conn.exec_driver_sql("SELECT label FROM findings ORDER BY id").scalars().all()
    assert labels == ["policy_stonewall"]
    assert store.counts()["analysis_results"] == 2


def test_results_for_unknown_conversations_write_nothing(store: Store) -> None:
    store.write_conversations([make_conversation("c-1")])
    with pytest.raises(StoreError, match="not stored.*'ghost'"):
        store.write_results([make_result("c-1"), make_result("ghost")])
    assert store.get_result("c-1") is None
    assert store.counts()["findings"] == 0


def test_stats_add_up() -> None:
    total = WriteStats(stored=1, duplicates=2, updated=3) + WriteStats(stored=10, duplicates=20, updated=30)
    assert total == WriteStats(stored=11, duplicates=22, updated=33)
    assert total.seen == 66


def test_streaming_total_keeps_counts_but_not_per_record_detail(store: Store) -> None:
    """A long ingest's running total must not grow with the stream: only single writes carry `each`."""
    sample = load_sample()
    total = store.ingest_conversations(sample, batch_size=2)
    assert total == WriteStats(stored=len(sample)) and total.each == ()
    assert store.write_conversations(sample[:2]).counts() == WriteStats(duplicates=2)
    assert store.write_conversations(sample[:2]).counts().each == ()
