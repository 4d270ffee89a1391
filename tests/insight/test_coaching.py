"""Coaching plans quote the agent's own lines, with spans that match the transcript."""

from __future__ import annotations

import random

from fixfirst.insight.coaching import _by_score, build_coaching
from fixfirst.insight.contacts import build_contacts
from fixfirst.insight.scorecards import build_scorecards

from .handmade import conversation, finding, result

STONEWALL = "That's our refund policy, I'm not allowed to make exceptions."
CLEAR_NO = "I can't refund after 30 days - that's our return policy. What I can do is a repair at no cost."
FIX = "Done - I've reversed the late fee; it shows on your account now."


def _team():
    convs, results = [], []
    # greg: stonewalls in 3 of 5, one clear no of his own
    for i in range(3):
        c = conversation(
            f"g{i}", [("customer", "I want a refund."), ("agent", "Hello. " + STONEWALL)], agent="greg"
        )
        convs.append(c)
        results.append(
            result(c, "unresolved", [finding(c, "policy_stonewall", 1, STONEWALL)], points=10.0 + i)
        )
    c = conversation("g3", [("customer", "Refund please."), ("agent", CLEAR_NO)], agent="greg")
    convs.append(c)
    results.append(result(c, "clear_no", [], points=80.0, evidence_turn=1))
    c = conversation("g4", [("customer", "Late fee?"), ("agent", FIX)], agent="greg")
    convs.append(c)
    results.append(result(c, "resolved", [], points=90.0, evidence_turn=1))
    # priya: never stonewalls
    for i in range(5):
        c = conversation(f"p{i}", [("customer", "Late fee?"), ("agent", FIX)], agent="priya")
        convs.append(c)
        results.append(
            result(
                c,
                "resolved",
                [finding(c, "ownership", 1, "I've reversed the late fee")],
                points=90.0,
                evidence_turn=1,
            )
        )
    return build_contacts(convs, results)


def test_plan_targets_the_agents_gap_and_quotes_their_own_lines():
    contacts = _team()
    agents, teams = build_scorecards(
        contacts, {}, {}, {"greg": "Team One", "priya": "Team One"}, min_volume=1
    )
    plans, team_plans = build_coaching(contacts, agents, teams, drivers=None)
    greg = next(p for p in plans if p.agent == "greg")
    # No driver effects: every behaviour weighs the fallback 0.25, so priority = 0.25 x gap.
    # ownership: team 5/10, greg 0 -> 0.125; stonewall: greg 3/5 vs team 3/10 -> 0.075.
    assert [(i.behaviour, round(i.priority, 6)) for i in greg.items][:2] == [
        ("ownership", 0.125),
        ("policy_stonewall", 0.075),
    ]
    first = greg.items[1]
    assert first.direction == "less"
    assert first.agent_rate == 3 / 5 and first.team_rate == 3 / 10
    assert first.worst is not None and first.worst.text == STONEWALL
    # Lowest score first, but g0's line already illustrates the higher-priority item ("more ownership"):
    # each line serves one item of a plan where the contacts allow.
    assert greg.items[0].worst is not None and greg.items[0].worst.conversation_id == "g0"
    assert first.worst.author == "greg" and first.worst.conversation_id == "g1"
    lines = [(q.conversation_id, q.turn) for i in greg.items for q in (i.worst, i.best) if q is not None]
    assert len(lines) == len(set(lines))
    assert first.best is not None and first.best_from == "own" and first.best.text == CLEAR_NO
    by_id = {c.id: c.conversation for c in contacts}
    for item in greg.items:
        for quote in (item.worst, item.best):
            if quote is not None:
                assert (
                    by_id[quote.conversation_id].turns[quote.turn].text[quote.start : quote.end] == quote.text
                )
    # "more ownership": greg lacks it, priya shows it; greg has no example of his own
    ownership = next(i for i in greg.items if i.behaviour == "ownership")
    assert ownership.best_from == "team" and ownership.best.author == "priya"
    priya = next(p for p in plans if p.agent == "priya")
    assert all(i.behaviour != "policy_stonewall" for i in priya.items)
    assert team_plans[0].team == "Team One" and len(team_plans[0].items) <= 3
    # Team plan: priority = 0.25 x exposure. More ownership (half the team lacks it) first, then less
    # stonewalling (3 of 10) with greg most affected; nothing for behaviours nobody here shows.
    team_items = [(i.behaviour, i.direction, round(i.priority, 6)) for i in team_plans[0].items]
    assert team_items == [("ownership", "more", 0.125), ("policy_stonewall", "less", 0.075)]
    stonewall = team_plans[0].items[1]
    assert stonewall.agents_most_affected == ("greg",) and stonewall.team_rate == 3 / 10
    assert stonewall.example is not None and stonewall.example.text == CLEAR_NO


def test_driver_effects_weight_priorities():
    from fixfirst.insight.drivers import DriverAnalysis, DriverEffect
    from fixfirst.model import Outcome

    def effect(label: str, estimate: float) -> DriverEffect:
        return DriverEffect(
            factor=f"behaviour:{label}",
            kind="behaviour",
            label=label,
            versus=None,
            estimate=estimate,
            low=estimate - 0.1,
            high=estimate + 0.1,
            n=100,
            n_versus=100,
            enough_data=True,
            sentence="",
        )

    drivers = DriverAnalysis(
        target="csat",
        n=200,
        reference_outcome=Outcome.UNRESOLVED,
        baseline=2.0,
        r_squared=0.5,
        bootstrap=10,
        seed=1,
        confidence=0.95,
        min_n=20,
        max_width=1.5,
        effects=(effect("policy_stonewall", -0.1), effect("ownership", 1.5)),
        note="",
    )
    contacts = _team()
    agents, teams = build_scorecards(
        contacts, {}, {}, {"greg": "Team One", "priya": "Team One"}, min_volume=1
    )
    plans, _ = build_coaching(contacts, agents, teams, drivers)
    greg = next(p for p in plans if p.agent == "greg")
    # ownership's big effect now outranks the stonewall whose measured effect is small
    assert greg.items[0].behaviour == "ownership"
    assert greg.items[0].priority > next(i.priority for i in greg.items if i.behaviour == "policy_stonewall")


def test_plans_keep_the_cards_order_and_take_team_examples_from_the_agents_own_team():
    """Plans are made team by team (one team's contacts read at a time) but come back in the
    scorecards' order, and a 'do more' example comes from the agent's own team."""
    one = list(_team())
    two_convs, two_results = [], []
    for i in range(5):
        c = conversation(f"b{i}", [("customer", "Refund?"), ("agent", "Hi. " + STONEWALL)], agent="bob",
                         team="Team Two")
        two_convs.append(c)
        two_results.append(result(c, "unresolved", [finding(c, "policy_stonewall", 1, STONEWALL)], points=5.0))
        c = conversation(f"a{i}", [("customer", "Late fee?"), ("agent", FIX)], agent="ann", team="Team Two")
        two_convs.append(c)
        two_results.append(
            result(c, "resolved", [finding(c, "ownership", 1, "I've reversed the late fee")], points=95.0)
        )
    two = build_contacts(two_convs, two_results)
    contacts = [x for pair in zip(one, two, strict=True) for x in pair]  # the teams interleaved
    agent_teams = {"greg": "Team One", "priya": "Team One", "bob": "Team Two", "ann": "Team Two"}
    agents, teams = build_scorecards(contacts, {}, {}, agent_teams, min_volume=1)
    assert [c.team for c in agents] != sorted(c.team for c in agents)  # the cards' order mixes the teams
    plans, _ = build_coaching(contacts, agents, teams, drivers=None)
    assert [p.agent for p in plans] == [c.name for c in agents]
    coached = [p for p in plans if p.agent in {"greg", "bob"}]
    examples = {p.agent: next(i for i in p.items if i.behaviour == "ownership").best for p in coached}
    assert examples["greg"].author == "priya" and examples["bob"].author == "ann"


class _Scored:
    """Just what `_by_score` reads of a contact."""

    def __init__(self, cid: str, points: float | None) -> None:
        self.id, self.points = cid, points


def test_contacts_by_score_come_in_the_order_of_one_sort_on_score_then_id() -> None:
    """The lazy order (scores as an array, each tied run by id a few at a time) is the full sort's."""
    rng = random.Random(5)
    scores = [None, 0.0, -0.0, 40.0, 65.0, 65.0, 100.0, 12.5]
    contacts = [_Scored(f"c{rng.randrange(10**6):06d}-{i}", rng.choice(scores)) for i in range(3000)]
    for best_first in (True, False):
        expected = sorted(
            contacts, key=lambda c: ((-(c.points or 0.0)) if best_first else (c.points or 0.0), c.id)
        )
        assert list(_by_score(contacts, best_first)) == expected  # type: ignore[arg-type]
    first = next(_by_score(contacts, best_first=True))  # type: ignore[arg-type]
    assert first.points == 100.0 and first.id == min(c.id for c in contacts if c.points == 100.0)
    assert list(_by_score([], best_first=True)) == []
