"""Sampling rules draw the right conversations of a week, assignments never double up, and a reviewer's
queue knows what is done - on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from store_strategies import make_conversation, make_result

from fixfirst.model import CustomerSentiment, Outcome, OutcomeVerdict, Sentiment
from fixfirst.store import Store
from fixfirst.store.listing import Visibility
from fixfirst.store.review_assignments import (
    SamplingError,
    add_sampling_rule,
    assign,
    draw,
    queue_counts,
    review_queue_of,
)
from fixfirst.store.web_records import ReviewRecord, add_reviews, list_notifications

WEEK = datetime(2025, 3, 3, tzinfo=UTC)  # a Monday
NEXT_WEEK = WEEK + timedelta(days=7)


def _conversation(cid: str, agent: str, day: float, customer: str | None = None, team: str = "billing"):
    return make_conversation(cid, team=team, started_at=WEEK + timedelta(days=day), customer_id=customer).model_copy(
        update={"agent_ids": (agent,)}
    )


def _result(
    cid: str, outcome: Outcome = Outcome.RESOLVED, confidence: float = 0.9, end: Sentiment = Sentiment.POSITIVE
):
    base = make_result(cid, outcome=outcome)
    return base.model_copy(
        update={
            "outcome": OutcomeVerdict(label=outcome, confidence=confidence),
            "customer_sentiment": CustomerSentiment(start=Sentiment.NEGATIVE, end=end),
        }
    )


def _fill(store: Store) -> None:
    conversations = [_conversation(f"ann-{i}", "ann", i * 0.5, f"c-ann-{i}") for i in range(6)]
    conversations += [_conversation(f"bob-{i}", "bob", i, f"c-bob-{i}") for i in range(2)]
    conversations += [
        _conversation("before", "ann", -2, "c-rep"),  # the week before: not drawn, but makes "repeat" a repeat
        _conversation("repeat", "bob", 3, "c-rep"),
        _conversation("far-before", "ann", -12, "c-far"),
        _conversation("not-repeat", "bob", 4, "c-far"),  # 16 days after: not a repeat
        _conversation("next-week", "ann", 8, "c-next"),
        _conversation("other-team", "cy", 2, "c-other", team="tech"),
        _conversation("unanalysed", "bob", 2, "c-un"),
    ]
    store.write_conversations(conversations)
    results = [_result(c.id) for c in conversations if c.id != "unanalysed"]
    store.write_results(results)
    store.write_results(
        [
            _result("ann-1", confidence=0.4),
            _result("bob-0", confidence=0.6),
            _result("ann-2", outcome=Outcome.UNRESOLVED, end=Sentiment.NEGATIVE),
            _result("ann-3", outcome=Outcome.UNRESOLVED, end=Sentiment.NEUTRAL),
        ]
    )


def _draw(store: Store, kind: str, *, per_agent: int | None = None, seed: int = 1, visible=None, team=None):
    rule = add_sampling_rule(store, kind, kind, "lead", per_agent=per_agent, team=team)
    return draw(store, rule, visible or Visibility(), WEEK, NEXT_WEEK, low_confidence=0.65, seed=seed)


def test_each_rule_draws_its_conversations_of_the_week(store: Store) -> None:
    _fill(store)
    assert _draw(store, "low_confidence") == ["bob-0", "ann-1"]  # by start time
    assert _draw(store, "unresolved_negative_end") == ["ann-2"]
    assert _draw(store, "repeat_contacts") == ["repeat"]
    assert set(_draw(store, "low_confidence", visible=Visibility(teams=("tech",)))) == set()
    assert _draw(store, "repeat_contacts", team="tech") == []


def test_random_rule_takes_n_per_agent_reproducibly(store: Store) -> None:
    _fill(store)
    first = _draw(store, "random_per_agent", per_agent=3, seed=7)
    again = _draw(store, "random_per_agent", per_agent=3, seed=7)
    assert first == again
    by_agent = {"ann": [c for c in first if c.startswith("ann-")], "bob": [c for c in first if c.startswith("bob-")]}
    assert len(by_agent["ann"]) == 3  # 6 in the week: 3 drawn
    assert set(first) - set(by_agent["ann"]) - {"other-team"} <= {"bob-0", "bob-1", "repeat", "not-repeat"}
    assert "next-week" not in first and "before" not in first and "unanalysed" not in first
    draws = {tuple(_draw(store, "random_per_agent", per_agent=3, seed=s)) for s in range(6)}
    assert len(draws) > 1  # the seed matters


def test_a_random_rule_takes_n_per_agent_per_week_in_all(store: Store) -> None:
    _fill(store)
    rule = add_sampling_rule(store, "two each", "random_per_agent", "lead", per_agent=2)
    first = draw(store, rule, Visibility(), WEEK, NEXT_WEEK, low_confidence=0.65, seed=3)
    assign(store, first[:3], ["rita"], "lead", rule=rule)  # ann's two and one of bob's
    again = draw(store, rule, Visibility(), WEEK, NEXT_WEEK, low_confidence=0.65, seed=3)
    assert not any(c.startswith("ann-") for c in again)  # ann's quota is used up
    assert len([c for c in again if c.startswith(("bob-", "repeat", "not-repeat"))]) == 1


def test_a_random_rule_needs_n_and_kinds_are_checked(store: Store) -> None:
    with pytest.raises(SamplingError, match="per_agent"):
        add_sampling_rule(store, "r", "random_per_agent", "lead")
    with pytest.raises(SamplingError, match="kind"):
        add_sampling_rule(store, "r", "everything", "lead")


def test_assignment_is_round_robin_visible_only_notified_and_never_doubled(store: Store) -> None:
    _fill(store)
    picked = ["ann-0", "ann-1", "ann-2", "other-team"]
    can_see = {"rita": set(picked), "sam": set(picked) - {"other-team"}}
    counts = assign(store, picked, ["rita", "sam"], "lead", can_see=can_see)
    assert counts == {"rita": 2, "sam": 2}
    rita = [i.conversation_id for i in review_queue_of(store, "rita")]
    sam = [i.conversation_id for i in review_queue_of(store, "sam")]
    assert sorted(rita + sam) == sorted(picked) and "other-team" not in sam
    assert assign(store, picked, ["rita", "sam"], "lead") == {"rita": 0, "sam": 0}
    assert [n.link for n in list_notifications(store, "rita")] == ["/my-queue"]
    assert "2 conversations assigned to you" in list_notifications(store, "sam")[0].text

    # A drawn conversation is not drawn again, and neither is a reviewed one.
    add_reviews(store, "bob-0", [ReviewRecord("bob-0", "outcome", "resolved", "resolved", "someone", None,
                                              datetime.now(UTC))])
    assert _draw(store, "low_confidence") == []  # ann-1 assigned, bob-0 reviewed


def test_the_queue_shows_agent_team_channel_date_and_done_by_the_assignee_only(store: Store) -> None:
    _fill(store)
    assign(store, ["ann-0", "bob-1"], ["rita"], "lead")
    items = {i.conversation_id: i for i in review_queue_of(store, "rita", include_done=True)}
    assert items["ann-0"].agents == ("ann",) and items["ann-0"].team == "billing"
    assert items["ann-0"].channel == "chat" and items["ann-0"].started_at == WEEK
    assert not any(i.done for i in items.values())
    later = datetime.now(UTC) + timedelta(seconds=1)
    add_reviews(store, "ann-0", [ReviewRecord("ann-0", "outcome", "resolved", "resolved", "sam", None, later)])
    assert not any(i.done for i in review_queue_of(store, "rita", include_done=True))  # sam's review: not rita's
    add_reviews(store, "ann-0", [ReviewRecord("ann-0", "outcome", "resolved", "unresolved", "rita", None, later)])
    queue = review_queue_of(store, "rita", include_done=True)
    assert [(i.conversation_id, i.done) for i in queue] == [("bob-1", False), ("ann-0", True)]  # open first
    assert [i.conversation_id for i in review_queue_of(store, "rita")] == ["bob-1"]
    assert queue_counts(store, ["rita", "nobody"]) == {"rita": (1, 1), "nobody": (0, 0)}
