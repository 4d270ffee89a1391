"""List pages and the review queue computed in SQL give what the plain rules say, on both backends.

The expected answers are computed here in Python straight from the definitions (who may see a
conversation, what each filter means, newest first, disputed then lowest confidence first), on
real helpdesk conversations analysed by the real engine.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from fixfirst.analyze import analyze
from fixfirst.ingest import read_sources
from fixfirst.model import AnalysisResult, Conversation, Role
from fixfirst.store import Store, listing
from fixfirst.store.listing import ListFilter, Visibility, list_conversation_page, review_queue_page, visible_ids
from fixfirst.store.web_records import ReviewRecord, add_dispute, add_reviews

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "web_helpdesk_sample.jsonl"
LOW = 0.65


def _agents(c: Conversation) -> set[str]:
    return set(c.agent_ids) | {t.author for t in c.turns if t.role is Role.AGENT and t.author}


def _visible(c: Conversation, v: Visibility) -> bool:
    if v.nothing:
        return False
    if v.agent is not None and v.agent not in _agents(c):
        return False
    return v.teams is None or c.team in v.teams


def _matches(c: Conversation, r: AnalysisResult | None, f: ListFilter) -> bool:
    start = c.started_at.astimezone(UTC) if c.started_at else None
    return (
        (f.team is None or c.team == f.team)
        and (f.agent is None or f.agent in _agents(c))
        and (f.outcome is None or (r is not None and r.outcome.label.value == f.outcome))
        and (f.label is None or (r is not None and r.has(f.label)))
        and (f.since is None or (start is not None and start >= f.since))
        and (f.until is None or (start is not None and start < f.until))
    )


@pytest.fixture
def loaded(store: Store) -> tuple[Store, dict[str, Conversation], dict[str, AnalysisResult]]:
    conversations = [c for c in read_sources([FIXTURE], redact=False) if isinstance(c, Conversation)]
    # One conversation without a start time, so "no start time last" is exercised.
    conversations[3] = conversations[3].model_copy(update={"started_at": None})
    store.write_conversations(conversations)
    results = list(analyze(conversations[:-2]))  # two stay unanalysed
    store.write_results(results)
    return store, {c.id: c for c in conversations}, {r.id: r for r in results}


VISIBILITIES = [
    Visibility(),
    Visibility(teams=("Orders & Delivery",)),
    Visibility(teams=()),
    Visibility(agent="alex.rowe"),
    Visibility(nothing=True),
]


@pytest.mark.parametrize("window", [None, 6], ids=["whole-store-window", "six-newest-window"])
@pytest.mark.parametrize("visible", VISIBILITIES, ids=["all", "one-team", "no-team", "agent", "nothing"])
def test_conversation_pages_match_the_rules(
    loaded, visible: Visibility, window: int | None, monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    """Pages equal the rules whether they are found among the newest conversations (a window of 6,
    walked 2 ids at a time, holds some pages and not others) or by the whole-table query."""
    store, conversations, results = loaded
    if window is not None:
        monkeypatch.setattr(listing, "RECENT_WINDOW", window)
        monkeypatch.setattr(listing, "_WINDOW_STEP", 2)
    some = next(iter(results.values()))
    label = next(f.label for r in results.values() for f in r.findings)
    filters = [
        ListFilter(),
        ListFilter(team="Technical Support"),
        ListFilter(agent="mia.chen"),
        ListFilter(outcome=some.outcome.label.value),
        ListFilter(label=label),
        ListFilter(since=datetime(2025, 3, 4, tzinfo=UTC), until=datetime(2025, 3, 6, tzinfo=UTC)),
    ]
    non_empty = 0
    for f in filters:
        expected = [
            c for c in conversations.values() if _visible(c, visible) and _matches(c, results.get(c.id), f)
        ]
        expected.sort(key=lambda c: (c.started_at is not None, c.started_at or datetime.min.replace(tzinfo=UTC), c.id),
                      reverse=True)
        non_empty += bool(expected)
        total, first = list_conversation_page(store, visible, f, limit=5, offset=0)
        _, second = list_conversation_page(store, visible, f, limit=100, offset=5)
        _, inner = list_conversation_page(store, visible, f, limit=2, offset=1)
        assert total == len(expected), f
        assert [row["id"] for row in first + second] == [c.id for c in expected], f
        assert [row["id"] for row in inner] == [c.id for c in expected[1:3]], f
        for row in first:
            c, r = conversations[row["id"]], results.get(row["id"])
            assert row["agents"] == sorted(_agents(c))
            assert row["turns"] == len(c.turns)
            assert row["team"] == c.team and row["channel"] == c.channel
            assert row["outcome"] == (r.outcome.label.value if r else None)
            assert row["labels"] == (sorted({x.label for x in r.findings}) if r else [])
            assert row["score"] == (r.score.points if r and r.score else None)
    assert non_empty >= (0 if visible.nothing or visible.teams == () else 3)


def test_review_queue_puts_disputes_first_then_unreviewed_low_confidence(loaded) -> None:  # noqa: ANN001
    store, conversations, results = loaded
    by_confidence = sorted(results.values(), key=lambda r: r.outcome.confidence)
    low = [r for r in by_confidence if r.outcome.confidence < LOW]
    assert len(low) >= 3, "the fixture needs some low-confidence verdicts"
    reviewed, disputed_low, disputed_sure = low[0], low[1], by_confidence[-1]
    now = datetime.now(UTC)
    add_reviews(store, reviewed.id, [ReviewRecord(reviewed.id, "outcome", "x", "resolved", "lead", None, now)])
    for _ in range(2):
        add_dispute(store, disputed_sure.id, "outcome", "alex.rowe", "not fair")
    add_dispute(store, disputed_low.id, "outcome", "alex.rowe", "please look")

    total, page = review_queue_page(store, Visibility(), low_confidence=LOW, limit=100, offset=0)
    expected_low = [r.id for r in low if r.id not in {reviewed.id, disputed_low.id}]
    assert [e.conversation_id for e in page] == [disputed_sure.id, disputed_low.id, *expected_low]
    assert total == len(page)
    assert page[0].reasons == ("disputed",) and page[0].open_disputes == 2
    assert page[1].reasons == ("disputed", "low confidence") and page[1].open_disputes == 1
    assert all(e.reasons == ("low confidence",) for e in page[2:])
    # Paging across the boundary between disputed and low-confidence rows.
    _, middle = review_queue_page(store, Visibility(), low_confidence=LOW, limit=2, offset=1)
    assert [e.conversation_id for e in middle] == [e.conversation_id for e in page[1:3]]
    # A team-scoped reviewer sees only their team's part of the queue.
    team = Visibility(teams=("Technical Support",))
    total_team, team_page = review_queue_page(store, team, low_confidence=LOW, limit=100, offset=0)
    assert [e.conversation_id for e in team_page] == [
        e.conversation_id for e in page if conversations[e.conversation_id].team == "Technical Support"
    ]
    assert total_team == len(team_page)
    # An agent restriction filters on the results' own ids (no join with conversations).
    agent = next(c.agent_ids[0] for c in conversations.values() if c.id in {e.conversation_id for e in page[2:]})
    total_agent, agent_page = review_queue_page(store, Visibility(agent=agent), low_confidence=LOW, limit=100, offset=0)
    assert [e.conversation_id for e in agent_page] == [
        e.conversation_id for e in page if agent in conversations[e.conversation_id].agent_ids
    ]
    assert 0 < total_agent == len(agent_page) < total
    assert visible_ids(store, team, list(conversations)) == {
        cid for cid, c in conversations.items() if c.team == "Technical Support"
    }


def test_a_team_queue_follows_a_conversation_moved_to_another_team(loaded) -> None:  # noqa: ANN001
    """The results carry their conversation's team for the team queue; re-ingesting the same
    conversation under another team (same words, so the result stays) moves it to that queue."""
    store, conversations, results = loaded
    low = sorted((r for r in results.values() if r.outcome.confidence < LOW), key=lambda r: r.outcome.confidence)
    moved = conversations[low[0].id]
    old_team, new_team = moved.team, "Escalations"

    def team_queue(team: str | None) -> list[str]:
        return [e.conversation_id for e in review_queue_page(
            store, Visibility(teams=(team,)), low_confidence=LOW, limit=100, offset=0)[1]]

    assert moved.id in team_queue(old_team) and team_queue(new_team) == []
    store.write_conversations([moved.model_copy(update={"team": new_team})])
    assert store.get_result(moved.id) is not None, "same words: the result is kept"
    assert team_queue(new_team) == [moved.id] and moved.id not in team_queue(old_team)
    store.write_results([results[moved.id]])  # a rerun takes the team again from the conversation
    assert team_queue(new_team) == [moved.id]


def test_totals_are_counted_up_to_the_cap(loaded, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from fixfirst.web.template_filters import count_label

    store, conversations, _ = loaded
    monkeypatch.setattr(listing, "COUNT_CAP", 5)
    total, rows = list_conversation_page(store, Visibility(), ListFilter(), limit=3, offset=0)
    assert (total, len(rows)) == (6, 3)  # 28 conversations: "more than 5"
    assert count_label(total) == "5+" and count_label(5) == "5"
    total_team, _ = list_conversation_page(store, Visibility(agent="nobody"), ListFilter(), limit=3, offset=0)
    assert total_team == 0
    queue_total, _ = review_queue_page(store, Visibility(), low_confidence=1.0, limit=3, offset=0)
    assert queue_total == 6
