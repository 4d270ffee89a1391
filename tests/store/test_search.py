"""Transcript search (migration 0007): the same answers on SQLite (FTS5) and PostgreSQL (GIN), kept in
step with every write, safe against query syntax, and filled for turns stored before the index."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine
from store_strategies import make_conversation

from fixfirst.store import Store, listing
from fixfirst.store.listing import ListFilter, Visibility, list_conversation_page
from fixfirst.store.migrate import alembic_config


def _found(store: Store, text: str, **filters: str) -> list[str]:
    _total, rows = list_conversation_page(store, Visibility(), ListFilter(text=text, **filters), limit=50, offset=0)
    return sorted(row["id"] for row in rows)


@pytest.fixture
def searchable(store: Store) -> Store:
    store.write_conversations(
        [
            make_conversation("router", ("My router keeps dropping the Wi-Fi", "I've booked an engineer for Friday")),
            make_conversation("refund", ("Where is my refund?", "The refund was sent yesterday, sorry for the wait")),
            make_conversation("cafe", ("The CAFÉ order was wrong", "We will resend the order today")),
        ]
    )
    return store


def test_whole_words_in_any_case_all_in_one_turn(searchable: Store) -> None:
    assert _found(searchable, "router") == ["router"]
    assert _found(searchable, "REFUND") == ["refund"]
    assert _found(searchable, "café") == ["cafe"]  # accents count, on both databases
    assert _found(searchable, "cafe") == []
    assert _found(searchable, "order") == ["cafe"]
    assert _found(searchable, "refun") == []  # whole words
    assert _found(searchable, "engineer friday") == ["router"]  # every word, one turn
    assert _found(searchable, "router friday") == []  # two different turns: no match
    assert _found(searchable, " ?! ") == ["cafe", "refund", "router"]  # no words: no search
    assert _found(searchable, "refund", channel="chat") == ["refund"]
    assert _found(searchable, "refund", channel="email") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"refund', ["refund"]),
        ("refund*", ["refund"]),
        ("-refund", ["refund"]),
        ("refund OR router", []),  # plain words, all required: "or" is not in that turn
        ("NEAR(refund sent)", []),  # "near" is just a word
        ("'; DROP TABLE turns; --", []),
    ],
)
def test_query_syntax_is_never_an_operator_or_an_error(searchable: Store, query: str, expected: list[str]) -> None:
    assert _found(searchable, query) == expected
    assert _found(searchable, "router") == ["router"]  # and nothing was harmed


def test_updates_and_deletes_keep_the_index_in_step(searchable: Store) -> None:
    searchable.write_conversations([make_conversation("router", ("My modem is broken", "A new modem is on its way"))])
    assert _found(searchable, "router") == []
    assert _found(searchable, "modem") == ["router"]
    searchable.write_conversations([make_conversation("router", ("My modem is broken", "A new modem is on its way"))])
    assert _found(searchable, "modem") == ["router"]  # re-ingesting the same record changes nothing


def test_turns_stored_before_the_index_are_searchable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0006")
    engine.dispose()
    with Store.open(url, migrate=False) as old:
        old.write_conversations([make_conversation("legacy", ("Please cancel my subscription", "Cancelled today"))])
    with Store.open(url) as store:  # migrates to head: 0007 indexes the existing turns
        assert _found(store, "subscription") == ["legacy"]


def test_pages_and_totals_stay_exact_when_turns_were_stored_out_of_time_order(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page is looked for among the newest conversations a few at a time, and the search reads
    only turns stored from the first of theirs on: a backfilled old conversation and a re-stored
    one (new row ids for its turns) must still be found, in list order, and counted."""
    monkeypatch.setattr(listing, "_WINDOW_STEP", 2)
    monkeypatch.setattr(listing, "RECENT_WINDOW", 100)  # every page comes from the walk, none from the fallback
    day = datetime(2024, 3, 1, tzinfo=UTC)
    stored = [("c3", 3), ("c5", 5), ("c1", 1), ("c4", 4), ("c2", 2), ("c6", 6)]  # id, start day: not in order
    for cid, start in stored:
        conversation = make_conversation(cid, ("the router is down", "ok"), started_at=day + timedelta(start))
        store.write_conversations([conversation])
    # Re-stored with new words: its turns get new row ids, after every other conversation's.
    store.write_conversations([make_conversation("c5", ("the router is down again",), started_at=day + timedelta(5))])
    store.write_conversations([make_conversation("c0", ("no match here", "ok"), started_at=day + timedelta(7))])
    newest_first = ["c6", "c5", "c4", "c3", "c2", "c1"]
    search = ListFilter(text="router")
    pages = [list_conversation_page(store, Visibility(), search, limit=2, offset=k) for k in (0, 2, 4)]
    assert [total for total, _ in pages] == [6, 6, 6]
    assert [row["id"] for _, rows in pages for row in rows] == newest_first
    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    assert list_conversation_page(store, Visibility(), search, limit=2, offset=0)[0] == 4  # "3+"
