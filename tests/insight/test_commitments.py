"""Promises: extraction with owner, deadline and span; kept, broken, pending and undated verdicts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from fixfirst.insight.cases import link_cases
from fixfirst.insight.commitments import PromiseStatus, check_commitments, extract_promises
from fixfirst.insight.contacts import build_contacts
from fixfirst.insight.deadlines import resolve_deadline

from .handmade import T0, conversation, result

WED = datetime(2025, 3, 5, 10, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'll call you tomorrow by noon with the slot.", datetime(2025, 3, 6, 12, 0)),
        ("The refund posts in 3-5 days.", datetime(2025, 3, 10, 23, 59, 59)),
        ("The refund posts in 3-5 working days.", datetime(2025, 3, 12, 23, 59, 59)),
        ("I'll email you by Friday.", datetime(2025, 3, 7, 23, 59, 59)),
        ("I'll call you back by 4pm.", datetime(2025, 3, 5, 16, 0)),
        ("I'll update you within 24 hours.", datetime(2025, 3, 6, 10, 30)),
        ("I'll ring you tomorrow afternoon.", datetime(2025, 3, 6, 17, 0)),
        ("I'll send it next week.", datetime(2025, 3, 14, 23, 59, 59)),
        ("I'll look into it.", None),
    ],
)
def test_deadline_resolution(text, expected):
    deadline = resolve_deadline(text, WED)
    assert (deadline.at if deadline else None) == expected


def test_extracts_promise_with_owner_span_and_skips_questions_and_customer_lines():
    conv = conversation(
        "p",
        [
            ("customer", "I'll call you tomorrow if it's not fixed."),
            (
                "agent",
                "Thanks. I've opened ticket 4471. I'll call you tomorrow by noon with the slot. "
                "Shall I email you?",
            ),
        ],
        agent="lena",
    )
    (found,) = extract_promises(conv)
    evidence, made_at, deadline, phrase = found
    assert evidence.text == "I'll call you tomorrow by noon with the slot."
    assert conv.turns[evidence.turn].text[evidence.start : evidence.end] == evidence.text
    assert evidence.author == "lena"
    assert deadline == datetime(2025, 3, 4, 12, 0)
    assert phrase == "tomorrow"


PROMISE = "I've opened repair ticket 4471 for order BW-555123. I'll call you tomorrow by noon with the slot."


def _judge(later_turns, later_offset, *, end_offset=timedelta(days=10)):
    first = conversation(
        "first",
        [("customer", "My broadband order BW-555123 has no engineer slot."), ("agent", PROMISE)],
        agent="lena",
    )
    convs = [first]
    if later_turns is not None:
        convs.append(conversation("later", later_turns, at=T0 + later_offset, agent="sam"))
    contacts = build_contacts(convs, [result(c, "owned_followup") for c in convs])
    cases = link_cases(contacts)
    assert cases.cases == 1
    summary = check_commitments(
        contacts, cases.case_of, agent_teams={"lena": "Team One"}, end_of_data=T0 + end_offset
    )
    return next(p for p in summary.promises if p.conversation_id == "first"), summary


def test_customer_chasing_after_deadline_breaks_the_promise():
    chase = [
        ("customer", "I was promised a call back yesterday about order BW-555123 and nobody called."),
        ("agent", "I'm sorry, let me check."),
    ]
    promise, summary = _judge(chase, timedelta(days=2))
    assert promise.status is PromiseStatus.BROKEN
    assert promise.owner == "lena" and promise.team == "Team One"
    assert promise.status_evidence is not None and "promised" in promise.status_evidence.text
    lena = next(t for t in summary.by_agent if t.name == "lena")
    assert (lena.made, lena.kept, lena.broken, lena.keep_rate) == (1, 0, 1, 0.0)


def test_later_contact_showing_it_done_keeps_the_promise():
    done = [
        ("agent", "Hi, it's Lena calling as promised about ticket 4471 for order BW-555123."),
        ("customer", "Great, thanks for calling back."),
    ]
    promise, _ = _judge(done, timedelta(hours=20))
    assert promise.status is PromiseStatus.KEPT
    shown = promise.status_evidence
    assert shown is not None and shown.conversation_id == "later"
    assert shown.text.lower() in {"as promised", "thanks for calling"}


def test_no_chase_after_the_deadline_is_kept_and_deadline_after_data_end_is_pending():
    promise, _ = _judge(None, timedelta(0))
    assert promise.status is PromiseStatus.KEPT
    pending, _ = _judge(None, timedelta(0), end_offset=timedelta(hours=12))
    assert pending.status is PromiseStatus.PENDING


def test_a_chase_before_the_deadline_does_not_break_it():
    early = [
        ("customer", "Still haven't heard anything about order BW-555123!"),
        ("agent", "It's due tomorrow."),
    ]
    promise, _ = _judge(early, timedelta(hours=3))
    assert promise.status is PromiseStatus.KEPT  # deadline passed before the end of data, no later chase


def test_undated_promise_without_follow_up_is_undated():
    conv = conversation(
        "u", [("customer", "Can you fix my bill?"), ("agent", "I'll escalate it to billing.")]
    )
    contacts = build_contacts([conv], [result(conv, "owned_followup")])
    summary = check_commitments(contacts, link_cases(contacts).case_of, end_of_data=T0 + timedelta(days=9))
    (promise,) = summary.promises
    assert promise.deadline is None and promise.status is PromiseStatus.UNDATED
