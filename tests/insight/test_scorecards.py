"""Scorecard numbers against hand-computed ones; rank uncertainty; style labels."""

from __future__ import annotations

import pytest

from fixfirst.insight.contacts import build_contacts
from fixfirst.insight.scorecards import AgentStyle, build_scorecards, rank_with_uncertainty
from fixfirst.model import Survey

from .handmade import conversation, finding, result


def _hand_set():
    specs = [
        # id, outcome, points, behaviours (label, phrase in agent turn)
        ("a1", "resolved", 80.0, [("specific_acknowledgement", "order 1234")]),
        ("a2", "resolved", 60.0, []),
        (
            "a3",
            "unresolved",
            40.0,
            [
                ("scripted_empathy", "Sorry for the inconvenience"),
                ("hollow_apology", "Sorry for the inconvenience"),
            ],
        ),
        ("a4", "clear_no", 100.0, []),
    ]
    convs, results = [], []
    for cid, outcome, points, behaviours in specs:
        conv = conversation(
            cid,
            [
                ("customer", "Where is order 1234?"),
                ("agent", "Sorry for the inconvenience, I checked order 1234."),
            ],
            agent="ann",
        )
        convs.append(conv)
        results.append(
            result(
                conv,
                outcome,
                [finding(conv, label, 1, phrase) for label, phrase in behaviours],
                points=points,
            )
        )
    return convs, results


def test_agent_scorecard_numbers_match_hand_computation():
    convs, results = _hand_set()
    responses = {
        "a1": Survey(id="s1", conversation_id="a1", csat=5, ces=6),
        "a3": Survey(id="s3", conversation_id="a3", csat=2, ces=2),
    }
    agents, teams = build_scorecards(
        build_contacts(convs, results), responses, {}, {"ann": "Team One"}, min_volume=2
    )
    (ann,) = agents
    assert ann.contacts == 4 and ann.analysed == 4
    assert ann.outcomes["resolved"] == 2 and ann.outcomes["clear_no"] == 1 and ann.outcomes["unresolved"] == 1
    assert ann.fix_rate == 3 / 4 and ann.helpful_rate == 3 / 4
    # points 40, 60, 80, 100: mean 70, median 70, linear quartiles 55 and 85
    assert (ann.score.mean, ann.score.median, ann.score.q1, ann.score.q3) == (70.0, 70.0, 55.0, 85.0)
    assert ann.behaviour_rates["scripted_empathy"] == 1 / 4
    assert ann.behaviour_rates["specific_acknowledgement"] == 1 / 4
    assert ann.sympathy_rate == 1 / 4 and ann.sympathy_without_fixing == 1 / 4
    assert ann.survey.csat_mean == 3.5 and ann.survey.responses == 2 and ann.survey.response_rate == 0.5
    assert [(w.week, w.contacts) for w in ann.weekly] == [("2025-W10", 4)]
    assert teams[0].name == "Team One" and teams[0].contacts == 4


def test_blocked_contacts_leave_the_adjusted_score_only():
    convs, results = _hand_set()
    agents, _ = build_scorecards(
        build_contacts(convs, results), {}, {"a3": "policy:refund policy"}, {}, min_volume=2
    )
    (ann,) = agents
    assert ann.score.mean == 70.0
    assert ann.adjusted_score.mean == pytest.approx(80.0)  # 60, 80, 100
    assert ann.blocked_by_policy == 1 and ann.blocked_by_system == 0


def test_six_conversations_are_never_ranked_however_good():
    groups = {
        "steady": [60.0 + (i % 5) for i in range(40)],
        "rival": [55.0 + (i % 7) for i in range(40)],
        "newbie": [100.0] * 6,
    }
    ranks = rank_with_uncertainty(groups, min_volume=20, seed=1)
    assert ranks["newbie"].ranked is False and ranks["newbie"].rank is None
    assert "insufficient volume" in ranks["newbie"].note
    assert ranks["steady"].rank == 1 and ranks["rival"].rank == 2
    # shrinkage pulls the 6-contact perfect score toward the mean
    assert ranks["newbie"].shrunk_mean < 100.0


def test_close_agents_get_overlapping_rank_ranges_and_clear_gaps_do_not():
    close = rank_with_uncertainty(
        {"a": [50.0, 70.0] * 15, "b": [49.0, 69.0] * 15, "c": [10.0, 20.0] * 15}, min_volume=20, seed=2
    )
    assert close["a"].rank_best == 1 and close["a"].rank_worst == 2
    assert close["b"].rank_best == 1 and close["b"].rank_worst == 2
    assert close["c"].rank_best == close["c"].rank_worst == 3


def _styled(outcome: str, label: str | None, n: int, agent: str):
    convs, results = [], []
    for i in range(n):
        conv = conversation(
            f"{agent}{i}",
            [
                ("customer", "My bill is wrong."),
                ("agent", "I'm sorry for the inconvenience. Please try again later."),
            ],
            agent=agent,
        )
        convs.append(conv)
        results.append(result(conv, outcome, [finding(conv, label, 1)] if label else [], points=50.0))
    return convs, results


@pytest.mark.parametrize(
    ("outcome", "label", "expected"),
    [
        ("unresolved", "hollow_apology", AgentStyle.SYMPATHY_PERFORMER),
        ("resolved", "scripted_empathy", AgentStyle.FIXER),  # sympathy with a fix is not "without fixing"
        ("deflected", "deflective_transfer", AgentStyle.COLD_TRANSFERRER),
        ("unresolved", "policy_stonewall", AgentStyle.POLICY_STONEWALLER),
        ("unresolved", None, AgentStyle.MIXED),
    ],
)
def test_style_labels(outcome, label, expected):
    convs, results = _styled(outcome, label, 25, "zed")
    agents, _ = build_scorecards(build_contacts(convs, results), {}, {}, {})
    assert agents[0].style is expected


def test_policy_stonewalls_charged_to_a_forced_policy_do_not_label_the_agent():
    convs, results = _styled("unresolved", "policy_stonewall", 25, "zed")
    blocked = {c.id: "policy:compensation policy" for c in convs}
    agents, _ = build_scorecards(build_contacts(convs, results), {}, blocked, {})
    assert agents[0].style is not AgentStyle.POLICY_STONEWALLER
    assert agents[0].behaviour_rates["policy_stonewall"] == 1.0  # still shown


def test_small_volume_agent_is_labelled_insufficient():
    convs, results = _styled("resolved", None, 6, "newbie")
    agents, _ = build_scorecards(build_contacts(convs, results), {}, {}, {})
    assert agents[0].style is AgentStyle.INSUFFICIENT_VOLUME and agents[0].rank.ranked is False
