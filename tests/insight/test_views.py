"""Compact conversation views give back exactly the turns they were built from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from fixfirst.insight.views import ConversationView
from fixfirst.model import Conversation, Role, Turn

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


def test_turns_round_trip_with_one_zone_naive_times_and_missing_times() -> None:
    start = datetime(2025, 3, 3, 23, 59, 59, 999_999, tzinfo=PARIS)
    _same_turns(_conversation([start + timedelta(minutes=i) for i in range(4)]))
    _same_turns(_conversation([datetime(2025, 3, 3, 9, 0), None, datetime(1969, 12, 31, 23, 0), None]))
    _same_turns(_conversation([None] * 4))


def test_turns_round_trip_when_their_zones_differ() -> None:
    _same_turns(_conversation([datetime(2025, 3, 3, 9, tzinfo=UTC), datetime(2025, 3, 3, 10, tzinfo=PARIS),
                               None, datetime(2025, 3, 3, 9, 30, tzinfo=UTC)]))
