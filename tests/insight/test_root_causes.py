"""Root causes: counts by named policy, system and contact reason; which contacts are blocked."""

from __future__ import annotations

import pytest

from fixfirst.insight.cases import link_cases
from fixfirst.insight.contact_reasons import classify_text
from fixfirst.insight.contacts import build_contacts
from fixfirst.insight.root_causes import UNNAMED_POLICY, find_root_causes, named_policies, named_systems

from .handmade import conversation, finding, result


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("I was charged a late fee on my bill", "billing"),
        ("I still haven't had my refund for the return", "refund"),
        ("The parcel never arrived, tracking says delivered", "delivery"),
        ("My broadband keeps dropping out, the wifi is slow", "technical"),
        ("I can't log in, my password reset fails", "account"),
        ("What are your opening hours?", "other"),
    ],
)
def test_contact_reason_classifier(text, reason):
    assert classify_text(text) == reason


@pytest.mark.parametrize(
    ("agent_line", "policies", "systems"),
    [
        ("I can't take it back - that's our 30-day return policy.", {"30-day return policy"}, set()),
        ("Our compensation policy only covers 5 days.", {"compensation policy"}, set()),
        ("That's against our price match policy.", {"price match policy"}, set()),
        ("There's no record of your repair order on my screen.", set(), {"repair order records"}),
        ("I don't have access to the billing system.", set(), {"agent access"}),
        ("I can't see your previous ticket.", set(), {"ticket history not visible"}),
        ("I've reversed the fee.", set(), set()),
    ],
)
def test_named_policies_and_systems(agent_line, policies, systems):
    conv = conversation("x", [("customer", "Help"), ("agent", agent_line)])
    assert set(named_policies(conv)) == policies
    assert set(named_systems(conv)) == systems
    for quote in [*named_policies(conv).values(), *named_systems(conv).values()]:
        assert conv.turns[quote.turn].text[quote.start : quote.end] == quote.text


RETURN_NO = "I'm afraid our 30-day return policy doesn't allow it."
RETURN_CLEAR = "I can't accept it after 30 days under our 30-day return policy. What I can do is a repair."
COMP_NO = "Our compensation policy only pays for outages over 5 days, so there's nothing I can add."


def _contacts():
    rows = [
        # id, customer, agent, customer text, agent text, outcome, labels
        (
            "r1",
            "c1",
            "greg",
            "I want to return my router bought 6 weeks ago",
            RETURN_NO,
            "unresolved",
            ["policy_stonewall"],
        ),
        (
            "r2",
            "c2",
            "greg",
            "Return my router please, 5 weeks old",
            RETURN_NO,
            "unresolved",
            ["policy_stonewall"],
        ),
        ("r3", "c3", "priya", "Can I return my router from last month", RETURN_CLEAR, "clear_no", []),
        ("r4", "c4", "lena", "Return the router I bought 40 days ago", RETURN_CLEAR, "clear_no", []),
        ("r5", "c5", "sam", "Return my router from two months ago", RETURN_CLEAR, "clear_no", []),
        (
            "o1",
            "c6",
            "priya",
            "My broadband was down 3 days, I want compensation",
            COMP_NO,
            "clear_no",
            ["policy_stonewall"],
        ),
        (
            "o2",
            "c7",
            "lena",
            "Broadband outage for 2 days, refund please",
            COMP_NO,
            "clear_no",
            ["policy_stonewall"],
        ),
        (
            "o3",
            "c8",
            "sam",
            "Outage compensation for my broadband please",
            COMP_NO,
            "unresolved",
            ["policy_stonewall"],
        ),
        (
            "o4",
            "c9",
            "greg",
            "I want money back for the broadband outage",
            COMP_NO,
            "unresolved",
            ["policy_stonewall"],
        ),
        (
            "s1",
            "c10",
            "kim",
            "Where is my engineer? My broadband is down",
            "There's no record of your repair order on my screen.",
            "unresolved",
            ["system_gap"],
        ),
        (
            "u1",
            "c11",
            "tom",
            "My bill is wrong",
            "Those are the rules, I can't change it.",
            "unresolved",
            ["policy_stonewall"],
        ),
    ]
    convs, results = [], []
    for cid, customer, agent, ctext, atext, outcome, labels in rows:
        conv = conversation(cid, [("customer", ctext), ("agent", atext)], customer=customer, agent=agent)
        convs.append(conv)
        results.append(result(conv, outcome, [finding(conv, label, 1) for label in labels]))
    # a repeat contact for the stonewalled return r1
    again = conversation(
        "r1b",
        [("customer", "I want to return my router bought 6 weeks ago, again"), ("agent", RETURN_CLEAR)],
        customer="c1",
        agent="priya",
    )
    convs.append(again)
    results.append(result(again, "clear_no"))
    return build_contacts(convs, results)


def test_root_cause_counts_costs_and_blocks():
    contacts = _contacts()
    cases = link_cases(contacts)
    summary = find_root_causes(contacts, cases.case_of)
    rows = {r.name: r for r in summary.policies}
    returns = rows["30-day return policy"]
    assert (returns.contacts, returns.policy_stonewalls, returns.clear_nos) == (6, 2, 4)
    assert (returns.unresolved_contacts, returns.repeat_contacts, returns.cost) == (2, 1, 3)
    assert returns.alternative_rate == 4 / 6 and not returns.forced
    comp = rows["compensation policy"]
    assert (comp.contacts, comp.policy_stonewalls, comp.unresolved_contacts) == (4, 4, 2)
    assert comp.alternative_rate == 0.0 and comp.forced
    assert rows[UNNAMED_POLICY].contacts == 1 and not rows[UNNAMED_POLICY].forced
    assert returns.examples and returns.examples[0].text == RETURN_NO  # unhelped contacts first
    assert [r.name for r in summary.policies][:2] == [
        "30-day return policy",
        "compensation policy",
    ]  # by cost

    # People vs process: greg's return stonewalls stay his (colleagues found a way out);
    # every compensation refusal is the policy's; the system gap is the system's; tom's unnamed no is his.
    assert summary.blocked == {
        "o1": "policy:compensation policy",
        "o2": "policy:compensation policy",
        "o3": "policy:compensation policy",
        "o4": "policy:compensation policy",
        "s1": "system:repair order records",
    }
    (system,) = summary.systems
    assert (system.name, system.system_gaps, system.forced) == ("repair order records", 1, True)
    assert (returns.charged_to, comp.charged_to, system.charged_to) == ("people", "process", "technology")
    assert (comp.agents, returns.agents) == (4, 4)


def test_a_policy_only_one_agent_meets_is_coaching_not_process():
    """Issue 12: a 'billing policy' whose 5 contacts all belonged to one agent was charged to the process."""
    convs, results = [], []
    for i in range(5):
        conv = conversation(f"b{i}", [("customer", "Refund my late fee please"), ("agent", COMP_NO)],
                            customer=f"cust{i}", agent="greg")
        convs.append(conv)
        results.append(result(conv, "unresolved", [finding(conv, "policy_stonewall", 1)]))
    contacts = build_contacts(convs, results)
    summary = find_root_causes(contacts, link_cases(contacts).case_of)
    (policy,) = [r for r in summary.policies if r.name == "compensation policy"]
    assert policy.alternative_rate == 0.0 and policy.agents == 1
    assert not policy.forced and policy.charged_to == "people"
    assert summary.blocked == {}


def test_reason_breakdown_counts():
    contacts = _contacts()
    summary = find_root_causes(contacts, link_cases(contacts).case_of)
    reasons = {r.reason: r for r in summary.reasons}
    assert sum(r.contacts for r in summary.reasons) == len(contacts)
    assert reasons["refund"].contacts + reasons["technical"].contacts >= 4
    assert all(sum(r.outcomes.values()) == r.contacts for r in summary.reasons)
