"""Streaming reads: filters, paging by key, laziness, counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from itertools import islice

import pytest
from sqlalchemy import event
from store_strategies import make_conversation, make_result

from fixfirst.model import Survey
from fixfirst.store import Store


def day(n: int) -> datetime:
    return datetime(2024, 3, n, 12, 0, tzinfo=UTC)


@pytest.fixture
def filled(store: Store) -> Store:
    store.write_conversations(
        [
            make_conversation("a", team="billing", started_at=day(1), customer_id="cust-1"),
            make_conversation("b", team="billing", started_at=day(2), customer_id="cust-2"),
            make_conversation("c", team="tech", started_at=day(3), customer_id="cust-1"),
            make_conversation("d", team=None, started_at=day(4), customer_id=None),
            make_conversation("e", team="tech", started_at=None, customer_id="cust-3"),
        ]
    )
    store.write_results([make_result("a"), make_result("c", labels=("hollow_apology", "ownership"))])
    return store


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["a", "b", "c", "d", "e"]),
        ({"team": "billing"}, ["a", "b"]),
        ({"team": "nobody"}, []),
        ({"since": day(2)}, ["b", "c", "d"]),  # inclusive; no start time = excluded
        ({"until": day(3)}, ["a", "b"]),  # exclusive
        ({"since": day(2), "until": day(4), "team": "tech"}, ["c"]),
        ({"since": datetime(2024, 3, 2, 12, 0)}, ["b", "c", "d"]),  # naive = UTC
        ({"since": datetime(2024, 3, 2, 13, 0, tzinfo=timezone(timedelta(hours=1)))}, ["b", "c", "d"]),
        ({"since": datetime(2024, 3, 2, 12, 0, 1, tzinfo=UTC)}, ["c", "d"]),
        ({"customer_id": "cust-1"}, ["a", "c"]),
        ({"without_results": True}, ["b", "d", "e"]),
        ({"without_results": True, "team": "tech"}, ["e"]),
    ],
)
@pytest.mark.parametrize("batch_size", [1, 2, 500])
def test_iter_conversations_filters(
    filled: Store, filters: dict, expected: list[str], batch_size: int
) -> None:
    assert [c.id for c in filled.iter_conversations(batch_size=batch_size, **filters)] == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["a", "c"]),
        ({"team": "tech"}, ["c"]),
        ({"until": day(2)}, ["a"]),
        ({"since": day(4)}, []),
    ],
)
def test_iter_results_filters_by_their_conversations(
    filled: Store, filters: dict, expected: list[str]
) -> None:
    results = list(filled.iter_results(batch_size=1, **filters))
    assert [r.id for r in results] == expected
    assert all(
        r == make_result(r.id, labels=("hollow_apology", "ownership") if r.id == "c" else ("ownership",))
        for r in results
    )


def test_iteration_is_lazy_one_page_at_a_time(filled: Store) -> None:
    page_queries: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "FROM conversations" in statement and "LIMIT" in statement.upper():
            page_queries.append(statement)

    event.listen(filled.engine, "before_cursor_execute", record)
    try:
        stream = filled.iter_conversations(batch_size=2)
        assert page_queries == []  # nothing runs until the caller asks
        assert [c.id for c in islice(stream, 2)] == ["a", "b"]
        assert len(page_queries) == 1
        assert [c.id for c in stream] == ["c", "d", "e"]
        assert len(page_queries) == 3
    finally:
        event.remove(filled.engine, "before_cursor_execute", record)


def test_writes_between_pages_do_not_block(filled: Store) -> None:
    stream = filled.iter_conversations(batch_size=2)
    first = next(stream)
    filled.write_conversations([make_conversation("zz")])  # would wait on a lock if a page held one
    assert [first.id, *(c.id for c in stream)] == ["a", "b", "c", "d", "e", "zz"]


def test_counts(filled: Store) -> None:
    assert filled.counts() == {
        "conversations": 5,
        "turns": 10,
        "surveys": 0,
        "analysis_results": 2,
        "findings": 3,
    }


@pytest.mark.parametrize("method", ["iter_conversations", "iter_results", "iter_surveys"])
def test_batch_size_must_be_positive(store: Store, method: str) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        next(getattr(store, method)(batch_size=0))
    with pytest.raises(ValueError, match="batch_size"):
        store.ingest_conversations([], batch_size=0)


def test_iter_surveys_by_conversation(store: Store) -> None:
    store.write_surveys(
        [
            Survey(id="s-2", conversation_id="a", csat=5),
            Survey(id="s-1", conversation_id="b", csat=1),
            Survey(id="s-3", conversation_id="a", ces=6),
        ]
    )
    assert [s.id for s in store.iter_surveys(batch_size=1)] == ["s-1", "s-2", "s-3"]
    assert [s.id for s in store.iter_surveys(conversation_id="a")] == ["s-2", "s-3"]


@pytest.mark.parametrize("batch_size", [1, 2, 500])
def test_iter_analysed_rows_pairs_each_conversation_with_its_result_page_by_page(
    filled: Store, batch_size: int
) -> None:
    rows = list(filled.iter_analysed_rows(batch_size=batch_size))
    pairs = [(r.conversation["id"], r.result["conversation_id"] if r.result else None) for r in rows]
    assert pairs == [("a", "a"), ("b", None), ("c", "c"), ("d", None), ("e", None)]
    labelled = {r.conversation["id"]: {f["label"] for f in r.findings} for r in rows if r.result is not None}
    assert labelled["c"] == {"hollow_apology", "ownership"}
    assert all(len(r.turns) == len(filled.get_conversation(r.conversation["id"]).turns) for r in rows)


def test_iter_analysed_rows_keeps_one_company(store: Store) -> None:
    store.write_conversations(
        [make_conversation("x1").model_copy(update={"company": "Acme"}), make_conversation("x2")]
    )
    assert [r.conversation["id"] for r in store.iter_analysed_rows(company="Acme")] == ["x1"]
    assert [r.conversation["id"] for r in store.iter_analysed_rows()] == ["x1", "x2"]


def test_results_for_reads_only_the_ids_asked(filled: Store) -> None:
    found = filled.results_for(["c", "b", "nope"])
    assert set(found) == {"c"} and found["c"].id == "c"
    assert filled.results_for([]) == {}
