"""The packed case list: the same cases as records would hold, in report order, at a fraction of
the memory; narrowed lists and the conversation -> case lookup agree with the records."""

from __future__ import annotations

import gc
import tracemalloc
from datetime import timedelta

import pytest

from fixfirst.insight.cases import CaseSummary, link_cases, summarise_cases
from fixfirst.insight.contacts import build_contacts
from fixfirst.insight.root_causes import repeated_contacts

from .handmade import T0, conversation, finding, result

ORDER = "Where is my order BW-{n}? It was due on Friday."
FEE = "I was charged a late fee of {n} pounds but I paid on time."


def _contacts(customers: int):
    """Per customer: an order chased twice (one case), then a fee question (its own case); plus a
    contact with no customer id and one with no time (each its own case)."""
    conversations, results = [], []
    for n in range(customers):
        customer = f"cust-{n}"
        day = T0 + timedelta(hours=n)
        texts = [ORDER.format(n=100000 + n), f"Still no sign of order BW-{100000 + n}.", FEE.format(n=n)]
        for k, text in enumerate(texts):
            conv = conversation(f"c{n}-{k}", [("customer", text), ("agent", "Let me check.")],
                                at=day + timedelta(days=k), customer=customer, channel=("chat", "email")[k % 2])
            conversations.append(conv)
            findings = [finding(conv, "customer_effort", 0)] if k == 1 else []
            results.append(result(conv, ("unresolved", "resolved", "clear_no")[k], findings))
    loose = conversation("loose", [("customer", "hello?"), ("agent", "Hi")], customer=None)
    conversations.append(loose)
    results.append(result(loose, "resolved"))
    return build_contacts(conversations, results)


def _key(item):
    return (item.case.opened_at is None, item.case.opened_at, item.case.id)


def test_cases_come_in_report_order_and_each_conversation_finds_its_own() -> None:
    contacts = _contacts(6)
    summary = link_cases(contacts)
    items = list(summary.items)
    assert [_key(i) for i in items] == sorted(_key(i) for i in items)
    assert len(items) == summary.cases == 6 * 2 + 1
    linked = [cid for item in items for cid in item.case.conversation_ids]
    assert sorted(linked) == sorted(c.id for c in contacts) and len(summary.case_of) == len(linked)
    for index, item in enumerate(items):
        assert all(summary.case_of[cid] == item.case.id for cid in item.case.conversation_ids)
        assert summary.case(item.case.id) == item == summary.items[index]
    chased = summary.case(summary.case_of["c2-0"])
    assert chased.case.conversation_ids == ("c2-0", "c2-1") and chased.case.channels == ("chat", "email")
    assert chased.outcomes == ("unresolved", "resolved") and chased.first_contact_resolved is False
    assert chased.customer_effort and [q.conversation_id for q in chased.flag_quotes] == ["c2-1"]
    assert chased.case.last_contact_at == T0 + timedelta(hours=2, days=1)
    assert summary.case(summary.case_of["c2-2"]).first_contact_resolved is True  # a clear no closes it
    assert summary.case(summary.case_of["loose"]).case.customer_id == "unknown:loose"
    assert "nope" not in summary.case_of and 7 not in summary.case_of
    with pytest.raises(KeyError):
        summary.case_of["nope"]
    with pytest.raises(KeyError):
        summary.case("case-00000000000000000000")
    assert summary.items[-1] == items[-1] and summary.items[1:3] == items[1:3]


def test_the_summary_counts_what_its_cases_hold() -> None:
    summary = link_cases(_contacts(5))
    items = list(summary.items)
    assert summary.repeat_cases == sum(1 for i in items if i.contacts > 1) == 5
    assert summary.contacts == sum(i.contacts for i in items) == 16
    assert summary.customer_effort_cases == sum(1 for i in items if i.customer_effort) == 5
    known = [i.first_contact_resolved for i in items if i.first_contact_resolved is not None]
    assert summary.first_contact_resolution == sum(known) / len(known)


def test_a_narrowed_list_keeps_its_cases_and_only_their_conversations() -> None:
    summary = link_cases(_contacts(4))
    chosen = [1, 4, 6]
    narrowed = summarise_cases(summary.items.subset(reversed(chosen)), window_days=7, similarity_threshold=0.2)
    assert list(narrowed.items) == [summary.items[i] for i in chosen]
    inside = {cid for i in chosen for cid in summary.items[i].case.conversation_ids}
    assert set(narrowed.case_of) == inside and len(narrowed.case_of) == len(inside) == narrowed.contacts
    outside = next(cid for cid in summary.case_of if cid not in inside)
    assert outside not in narrowed.case_of
    assert narrowed.cases == 3


def test_the_summary_is_serialised_without_its_cases() -> None:
    summary = link_cases(_contacts(3))
    text = summary.model_dump_json()
    assert summary.items[0].case.id not in text and "c1-0" not in text
    again = CaseSummary.model_validate_json(text)
    assert again.model_dump() == summary.model_dump() and len(again.items) == 0 and not again.case_of


def test_cases_are_held_packed_not_as_records() -> None:
    """Records (a Case and its CaseFacts) cost about 670 bytes a case; packed, about 60 plus the
    conversation id index."""
    contacts = _contacts(1500)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        summary = link_cases(contacts)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert summary.cases == 3001
    assert held / len(contacts) < 200, f"{held / len(contacts):.0f} bytes a contact"


def test_repeated_contacts_skip_lone_cases_and_agree_with_a_plain_mapping() -> None:
    contacts = _contacts(4)
    summary = link_cases(contacts)
    assert summary.case_of.case_size("c1-0") == 2 and summary.case_of.case_size("c1-2") == 1
    assert summary.case_of.case_size("nope") == 0
    expected = {f"c{n}-0" for n in range(4)}  # each first order contact is chased later
    for case_of in (summary.case_of, dict(summary.case_of)):
        flags = repeated_contacts(contacts, case_of)
        assert len(flags) == len(contacts) and set(flags) <= {0, 1}
        assert {c.id for c, flag in zip(contacts, flags, strict=True) if flag} == expected
