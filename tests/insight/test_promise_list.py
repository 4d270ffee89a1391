"""The packed promise list: every promise read back equals the record judged when it was made, in
the same order; narrowing, ordering and serialising work from the columns."""

from __future__ import annotations

import gc
import tracemalloc
from datetime import timedelta

import pytest

from fixfirst.insight.cases import link_cases
from fixfirst.insight.commitments import CommitmentSummary, PromiseStatus, check_commitments
from fixfirst.insight.contacts import build_contacts
from fixfirst.insight.promise_list import PromiseList

from .handmade import T0, conversation, result

PROMISE = "I've logged order BW-{n}. I'll call you tomorrow by noon with the slot."
UNDATED = "I will get back to you about order BW-{n}."
CHASE = "Still nothing on order BW-{n}, you said you'd call."
TEAMS = {"lena": "Team One", "sam": "Team Two", "kim": "Team Two"}
DONE = "Thanks, the engineer came for order BW-{n} as promised."


def _contacts(customers: int):
    """Per customer: a dated and an undated promise; the next contact chases (broken), shows it done
    (kept) or never comes (pending or kept by deadline), by customer."""
    convs = []
    for n in range(customers):
        at = T0 + timedelta(hours=n)
        agent, team = (("lena", "Team One"), ("sam", "Team Two"))[n % 2]
        convs.append(conversation(
            f"p{n}", [("customer", f"Where is my engineer for order BW-{n}?"),
                      ("agent", PROMISE.format(n=n) + " " + UNDATED.format(n=n))],
            at=at, customer=f"cust-{n}", agent=agent, team=team, channel=("chat", "email")[n % 3 == 0],
        ))
        follow = (CHASE, DONE, None)[n % 3]
        if follow is not None:
            convs.append(conversation(
                f"f{n}", [("customer", follow.format(n=n)), ("agent", "Sorry about that.")],
                at=at + timedelta(days=2), customer=f"cust-{n}", agent="kim", team=team,
            ))
    return build_contacts(convs, [result(c, "owned_followup") for c in convs])


@pytest.fixture
def made(monkeypatch):
    """The records as check_commitments judged them, before they were packed."""
    records = []
    append = PromiseList.append

    def keep(self, promise, position, nth, later):
        records.append(promise)
        append(self, promise, position, nth, later)

    monkeypatch.setattr(PromiseList, "append", keep)
    return records


def _summary(customers: int) -> CommitmentSummary:
    contacts = _contacts(customers)
    return check_commitments(
        contacts, link_cases(contacts).case_of, agent_teams=TEAMS, end_of_data=T0 + timedelta(days=20)
    )


def test_every_promise_read_back_is_the_one_judged(made) -> None:
    summary = _summary(9)
    assert len(made) == len(summary.promises) == 18
    assert list(summary.promises) == made
    assert {p.status for p in made} == {PromiseStatus.BROKEN, PromiseStatus.KEPT, PromiseStatus.UNDATED}
    broken = next(p for p in made if p.status is PromiseStatus.BROKEN)
    assert broken.status_evidence is not None and broken.status_evidence.conversation_id.startswith("f")
    assert summary.promises[-1] == made[-1] and summary.promises[2:5] == made[2:5]
    assert [summary.promises.status(i) for i in range(len(made))] == [p.status for p in made]
    assert summary.total.made == 18 and summary.total.broken == sum(p.status is PromiseStatus.BROKEN for p in made)


def test_promises_sort_and_narrow_from_their_columns(made) -> None:
    summary = _summary(6)
    promises = summary.promises
    by_key = sorted(range(len(promises)), key=promises.sort_key)
    assert [made[i] for i in by_key] == sorted(made, key=lambda p: (p.made_at is None, p.made_at, p.id))
    team_two = summary.narrowed(i for i in range(len(promises)) if promises.team(i) == "Team Two")
    assert list(team_two.promises) == [p for p in made if p.team == "Team Two"] != []
    assert team_two.by_team == summary.by_team and len(summary.promises) == len(made)


def test_the_summary_is_serialised_without_its_promises() -> None:
    summary = _summary(3)
    text = summary.model_dump_json()
    assert "p1" not in text and "promises" not in text
    again = CommitmentSummary.model_validate_json(text)
    assert again.model_dump() == summary.model_dump() and len(again.promises) == 0


def test_promises_are_held_packed_not_as_records() -> None:
    contacts = _contacts(600)
    case_of = link_cases(contacts).case_of
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        summary = check_commitments(contacts, case_of, end_of_data=T0 + timedelta(days=20))
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(summary.promises) == 1200
    # About 30 bytes of columns and caches the promise language keeps; records cost about 780.
    assert held / 1200 < 300, f"{held / 1200:.0f} bytes a promise"
