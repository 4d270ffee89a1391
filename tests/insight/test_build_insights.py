"""The aggregate entry point: period and team filters, one typed object."""

from __future__ import annotations

from datetime import timedelta

from fixfirst.insight import Insights, build_insights
from fixfirst.model import Survey

from .handmade import T0, conversation, result

ROUTER = "My Hub 4 router (order BW-482913) hasn't arrived."


def _data():
    convs = [
        conversation(
            "t1", [("customer", ROUTER), ("agent", "Please call the courier.")], team="Orders", agent="al"
        ),
        conversation(
            "t2",
            [("customer", ROUTER + " Again."), ("agent", "I've shipped a replacement.")],
            at=T0 + timedelta(days=1),
            team="Billing",
            agent="bo",
        ),
        conversation(
            "t3",
            [("customer", "My bill has a late fee."), ("agent", "I've reversed the fee.")],
            at=T0 + timedelta(days=10),
            customer="cust-2",
            team="Billing",
            agent="bo",
        ),
    ]
    outcomes = {"t1": "deflected", "t2": "resolved", "t3": "resolved"}
    results = [result(c, outcomes[c.id], points=20.0 if c.id == "t1" else 90.0) for c in convs]
    surveys = [Survey(id="s", conversation_id="t2", csat=4)]
    return convs, results, surveys


def test_whole_set():
    convs, results, surveys = _data()
    insights = build_insights(convs, results, surveys, bootstrap=20)
    assert isinstance(insights, Insights)
    assert insights.contacts == 3 and insights.cases.cases == 2 and insights.cases.repeat_cases == 1
    assert {card.name for card in insights.agents} == {"al", "bo"}
    assert insights.voice.overall.responses == 1


def test_team_filter_keeps_cross_team_cases_whole():
    convs, results, surveys = _data()
    insights = build_insights(convs, results, surveys, team="Billing", bootstrap=20)
    assert insights.contacts == 2
    assert {card.name for card in insights.agents} == {"bo"}
    # t2's case started with team Orders but is still a repeat-contact case
    assert insights.cases.cases == 2 and insights.cases.repeat_cases == 1
    assert insights.cases.contacts == 3


def test_period_filter_is_half_open_on_start_time():
    convs, results, surveys = _data()
    insights = build_insights(convs, results, surveys, period=(T0, T0 + timedelta(days=10)), bootstrap=20)
    assert insights.contacts == 2 and insights.period_end == T0 + timedelta(days=10)
