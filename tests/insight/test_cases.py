"""Case linking: same customer + within the window + same topic = one case; FCR and repeat rates."""

from __future__ import annotations

from datetime import timedelta

from fixfirst.insight.cases import link_cases
from fixfirst.insight.contacts import build_contacts

from .handmade import T0, conversation, result

ROUTER_1 = "My new Hub 4 router (order BW-482913) was supposed to arrive on Friday and it hasn't come."
ROUTER_2 = "Chasing order BW-482913 again, the Hub 4 router still hasn't arrived."
ROUTER_3 = "Third time about order BW-482913 - where is my Hub 4 router?"
FEE = "I've been charged a late fee on my February bill but I paid on time by direct debit."
SPEED = "My broadband speed is really slow in the evenings, about 5Mb."


def _linked(conversations, outcomes):
    results = [result(c, outcomes[c.id]) for c in conversations]
    return link_cases(build_contacts(conversations, results))


def test_three_contacts_two_channels_within_window_are_one_case_and_others_split():
    convs = [
        conversation("c1", [("customer", ROUTER_1), ("agent", "Please contact the courier.")], at=T0),
        conversation(
            "c2",
            [("customer", ROUTER_2), ("agent", "Sorry about that.")],
            at=T0 + timedelta(days=2),
            channel="email",
        ),
        # same customer, other topic, inside the window: its own case
        conversation(
            "c3", [("customer", FEE), ("agent", "Done - I've reversed the fee.")], at=T0 + timedelta(days=3)
        ),
        conversation(
            "c4",
            [("customer", ROUTER_3), ("agent", "I've shipped a replacement.")],
            at=T0 + timedelta(days=4),
        ),
        # same topic again, but 16 days after the last contact: a new case
        conversation(
            "c5", [("customer", ROUTER_1), ("agent", "I've shipped it.")], at=T0 + timedelta(days=20)
        ),
        # another customer with the same words: never linked across customers
        conversation(
            "c6",
            [("customer", ROUTER_1), ("agent", "I've shipped it.")],
            at=T0 + timedelta(days=1),
            customer="cust-2",
        ),
    ]
    outcomes = {
        "c1": "deflected",
        "c2": "unresolved",
        "c3": "resolved",
        "c4": "resolved",
        "c5": "resolved",
        "c6": "resolved",
    }
    summary = _linked(convs, outcomes)

    groups = sorted(item.case.conversation_ids for item in summary.items)
    assert groups == [("c1", "c2", "c4"), ("c3",), ("c5",), ("c6",)]
    router = summary.case(summary.case_of["c1"])
    assert router.case.channels == ("chat", "email")
    assert router.contacts == 3
    assert router.first_contact_resolved is False
    assert summary.case(summary.case_of["c3"]).first_contact_resolved is True
    # 4 cases, 1 with repeats; 6 contacts of which 2 are repeats; FCR = 3 of 4 first contacts.
    assert summary.cases == 4
    assert summary.repeat_cases == 1
    assert summary.repeat_contact_rate == 1 / 4
    assert summary.repeat_contact_share == 2 / 6
    assert summary.contacts_per_case == 6 / 4
    assert summary.first_contact_resolution == 3 / 4


def test_window_is_configurable():
    convs = [
        conversation("a", [("customer", ROUTER_1), ("agent", "I'll look.")], at=T0),
        conversation("b", [("customer", ROUTER_2), ("agent", "I'll look.")], at=T0 + timedelta(days=5)),
    ]
    outcomes = {"a": "unresolved", "b": "unresolved"}
    assert _linked(convs, outcomes).cases == 1
    results = [result(c, outcomes[c.id]) for c in convs]
    assert link_cases(build_contacts(convs, results), window_days=3).cases == 2


def test_refer_back_with_same_reason_links_despite_different_words():
    convs = [
        conversation("a", [("customer", SPEED), ("agent", "Try again later.")], at=T0),
        conversation(
            "b",
            [
                ("customer", "I called yesterday and my internet is still not working properly."),
                ("agent", "I've reset the line."),
            ],
            at=T0 + timedelta(days=1),
        ),
    ]
    summary = _linked(convs, {"a": "unresolved", "b": "resolved"})
    assert summary.cases == 1


def test_clear_no_first_contact_counts_as_resolution_and_unanalysed_is_excluded():
    convs = [
        conversation("a", [("customer", FEE), ("agent", "I can't remove it - policy. What I can do is...")]),
        conversation("b", [("customer", SPEED), ("agent", "hm")], customer="cust-9"),
    ]
    contacts = build_contacts(convs, [result(convs[0], "clear_no")])
    summary = link_cases(contacts)
    assert summary.first_contact_resolution == 1.0
    assert summary.first_contact_resolution_n == 1


def test_flags_customer_effort_and_system_gap_with_quotes():
    from .handmade import finding

    c1 = conversation("a", [("customer", ROUTER_1), ("agent", "Please contact the courier.")])
    c2 = conversation(
        "b",
        [
            ("customer", ROUTER_2 + " I already explained all of this."),
            ("agent", "I can't see your previous ticket on my system."),
        ],
        at=T0 + timedelta(days=1),
    )
    results = [
        result(c1, "deflected"),
        result(
            c2,
            "unresolved",
            [
                finding(c2, "customer_effort", 0, "I already explained all of this"),
                finding(c2, "system_gap", 1, "I can't see your previous ticket"),
            ],
        ),
    ]
    summary = link_cases(build_contacts([c1, c2], results))
    (item,) = summary.items
    assert item.customer_effort and item.system_gap
    assert summary.customer_effort_cases == 1 and summary.system_gap_cases == 1
    assert {q.text for q in item.flag_quotes} == {
        "I already explained all of this",
        "I can't see your previous ticket",
    }
