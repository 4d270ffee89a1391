"""A contact table gives back, row by row, every fact of the contacts added to it, keeps their turns
out of the process, and yields the same insights as the contacts held whole."""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from datetime import UTC, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import pytest

from fixfirst.analyze import analyze
from fixfirst.ingest import fixfirst_jsonl, surveys_csv
from fixfirst.insight.contact_table import KEPT_BUILT, ContactTable, StoredContact
from fixfirst.insight.contacts import Contact, contact_of
from fixfirst.insight.insights import insights_from_contacts
from fixfirst.model import Behaviour, Conversation, Outcome, Role, Survey, Turn
from fixfirst.model.frozen import record_json

from .handmade import T0, conversation, finding, result

DEMO = Path(str(resources.files("fixfirst"))) / "demo_data" / "helpdesk"
PARIS = timezone(timedelta(hours=1))


def _odd_ones() -> list[Contact]:
    """Contacts that stress the columns: aware and mixed-zone times, no times at all, no result, a
    result without a score, two agents, a customer turn flagged, unicode text."""
    plain = conversation(
        "c-plain", [("customer", "My café order #12 🍰 never came"), ("agent", "I've refunded £4.50 now.")]
    )
    aware = conversation("c-aware", [("customer", "Still no refund."), ("agent", "Sorry for the wait.")],
                         at=datetime(2025, 3, 4, 10, tzinfo=PARIS))
    mixed = Conversation(
        id="c-mixed", channel="email", company="Acme", team=None, customer_id=None, agent_ids=("a1", "a2"),
        turns=(
            Turn(index=0, role=Role.CUSTOMER, author="pat", text="Hello?", ts=datetime(2025, 3, 5, 9, tzinfo=UTC)),
            Turn(index=1, role=Role.AGENT, author="a1", text="Passing you on.",
                 ts=datetime(2025, 3, 5, 11, tzinfo=PARIS)),
            Turn(index=2, role=Role.AGENT, author="a2", text="Done, the form is fixed.", ts=None),
        ),
    )
    undated = Conversation(
        id="c-undated", channel="chat", turns=(Turn(index=0, role=Role.CUSTOMER, author=None, text="anyone?"),),
    )
    return [
        contact_of(plain, result(plain, Outcome.RESOLVED, [finding(plain, Behaviour.OWNERSHIP, 1, "refunded")],
                                 points=85.5, evidence_turn=1)),
        contact_of(aware, result(aware, Outcome.UNRESOLVED, [finding(aware, Behaviour.HOLLOW_APOLOGY, 1),
                                                             finding(aware, Behaviour.CUSTOMER_EFFORT, 0)])),
        contact_of(mixed, result(mixed, Outcome.DEFLECTED, [finding(mixed, Behaviour.DEFLECTIVE_TRANSFER, 1)],
                                 points=20.0)),
        contact_of(undated, None),
    ]


def _facts(contact: Contact) -> tuple:
    view = contact.conversation
    findings = {label: contact.findings(label) for label in (*Behaviour, "no-such-label")}
    return (
        contact.id, contact.team, contact.channel, contact.customer_id, contact.outcome, contact.points,
        contact.reason, contact.start, contact.end, contact.agents, contact.labels, contact.result, findings,
        [contact.has(label) for label in Behaviour],
        [contact.turn_author(turn) for turn in range(-1, len(view.turns) + 1)],
        view.id, view.channel, view.company, view.team, view.customer_id, view.started_at, view.agent_ids,
        [(t.index, t.role, t.author, t.text, t.ts) for t in view.turns],
        [view.speaker(turn) for turn in range(len(view.turns))],
    )


def test_every_fact_read_from_a_row_is_the_added_contacts() -> None:
    held = _odd_ones()
    table = ContactTable()
    for contact in held:
        table.add(contact)
    assert len(table) == len(held) and all(isinstance(c, StoredContact) for c in table)
    assert [_facts(c) for c in table] == [_facts(c) for c in held]
    # an aware start keeps its zone; a contact's own times are naive UTC
    assert table[1].conversation.started_at == datetime(2025, 3, 4, 10, tzinfo=PARIS)
    assert table[1].start == datetime(2025, 3, 4, 9)
    assert table[3].result is None and table[3].points is None and table[3].start is None
    assert table[1].result is not None and table[1].points is None  # analysed, not scored
    assert table[-1] == table[3] and table[1:3] == [table[1], table[2]] and table[0] != table[1]
    with pytest.raises(IndexError):
        table[len(held)]


def test_rows_read_back_from_the_file_after_more_were_added_and_past_the_kept_ones() -> None:
    """Reads interleave with adds (the file is flushed before a read), and rows long out of the kept
    window come back from the file equal."""
    held = []
    table = ContactTable()
    for number in range(KEPT_BUILT * 2 + 5):
        conv = conversation(f"c{number}", [("customer", f"Order {number} is late " + "x" * (number % 50)),
                                           ("agent", f"Refund {number} sent.")],
                            at=T0 + timedelta(minutes=number), customer=f"cust-{number % 7}")
        contact = contact_of(conv, result(conv, Outcome.RESOLVED, points=float(number % 100)))
        held.append(contact)
        table.add(contact)
        if number % 97 == 0:
            assert _facts(table[number // 2]) == _facts(held[number // 2])
    assert [_facts(c) for c in table] == [_facts(c) for c in held]
    assert [_facts(c) for c in reversed(table)] == [_facts(c) for c in reversed(held)]


def test_the_turns_live_in_the_file_not_in_the_process() -> None:
    """Long transcripts cost the table a few hundred bytes each, not their text."""
    words = " ".join(f"word{n}" for n in range(3000))  # about 26 KB of text a conversation
    convs = [conversation(f"long{n}", [("customer", f"{n} {words}"), ("agent", f"{words} {n}")]) for n in range(60)]
    held = [contact_of(c, None) for c in convs]
    gc.collect()
    tracemalloc.start()
    try:
        table = ContactTable()
        for contact in held:
            table.add(contact)
        gc.collect()
        per_contact = tracemalloc.get_traced_memory()[0] / len(held)
    finally:
        tracemalloc.stop()
    assert per_contact < 2_000, per_contact
    assert table[59].conversation.turns[1].text == f"{words} 59"
    table.close()


def test_the_table_goes_as_soon_as_it_is_dropped() -> None:
    """No reference cycle holds a table (and its open file) until the next garbage collection: a
    server that rebuilds small scopes inline would otherwise pile up open files."""
    table = ContactTable()
    table.add(_odd_ones()[0])
    assert table[0].conversation.turns[0].text.startswith("My café")  # the kept-built cache is in use
    gone = weakref.ref(table)
    gc.disable()
    try:
        del table
        assert gone() is None
    finally:
        gc.enable()


@pytest.fixture(scope="module")
def demo() -> tuple[list[Contact], list[Survey]]:
    conversations = [c for c in fixfirst_jsonl.read(DEMO / "conversations.jsonl") if isinstance(c, Conversation)]
    surveys = [s for s in surveys_csv.read(DEMO / "surveys.csv") if isinstance(s, Survey)]
    results = {r.id: r for r in analyze(conversations[:400])}  # some contacts not analysed
    return [contact_of(c, results.get(c.id)) for c in conversations], surveys


@pytest.mark.parametrize(
    "scope",
    [{}, {"team": "Billing & Accounts"}, {"channel": "email"},
     {"period": (datetime(2025, 3, 10), datetime(2025, 3, 24))}],
    ids=["all", "team", "channel", "period"],
)
def test_insights_over_the_table_equal_those_over_the_held_contacts(demo, scope) -> None:
    held, surveys = demo
    table = ContactTable()
    for contact in held:
        table.add(contact)
    assert any(c.result is None for c in held)
    over_table = insights_from_contacts(table, surveys, bootstrap=50, **scope)
    over_held = insights_from_contacts(held, surveys, bootstrap=50, **scope)
    assert over_table.contacts > 0
    assert over_table.model_dump() == over_held.model_dump()
    assert [record_json(c) for c in over_table.cases.items] == [record_json(c) for c in over_held.cases.items]
    assert dict(over_table.cases.case_of) == dict(over_held.cases.case_of)
