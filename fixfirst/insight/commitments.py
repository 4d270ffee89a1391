"""Commitments kept: every agent promise, its owner and deadline, and whether it was kept.

A promise is an agent sentence in commitment language (promise_language.yaml: "I'll call you",
"the refund posts in 3-5 days"). Owner = the author of the turn; deadline = resolved from the
sentence relative to the turn's timestamp (deadlines.py). Verdict, from the later contacts of the
same case, in time order:

- broken: a later contact that starts after the deadline has the customer chasing
  ("still haven't", "you said you'd call");
- kept: a later contact shows it done ("as promised", "the refund came through"), or the
  deadline passed before the end of the data and nobody chased;
- pending: the deadline has not passed by the end of the data and nothing showed it done;
- undated: no deadline in the words and no later chase or sign of it done.

A chase before the deadline is impatience, not a broken promise, and is skipped.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from fixfirst.insight.contacts import Contact, as_naive_utc
from fixfirst.insight.deadlines import resolve_deadline
from fixfirst.insight.lexicon_files import CaselessText, PromiseLanguage, any_of, default_promise_language
from fixfirst.insight.promise_list import NO_LATER, NO_PROMISES, PromiseList
from fixfirst.insight.quotes import Quote, quote
from fixfirst.insight.views import ConversationLike
from fixfirst.model import Role, stable_id
from fixfirst.model.frozen import frozen_record

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


class PromiseStatus(StrEnum):
    KEPT = "kept"
    BROKEN = "broken"
    PENDING = "pending"
    UNDATED = "undated"


@frozen_record
class Promise:
    """One agent commitment, with its evidence and verdict."""

    id: str
    conversation_id: str
    case_id: str | None
    owner: str | None = Field(description="The agent who made it (author of the turn).")
    team: str | None
    made_at: datetime | None
    deadline: datetime | None
    deadline_phrase: str = ""
    evidence: Quote
    status: PromiseStatus
    status_reason: str
    status_evidence: Quote | None = None


class PromiseTally(BaseModel):
    """Promises made vs kept for one agent or team."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    made: int
    kept: int
    broken: int
    pending: int
    undated: int
    keep_rate: float | None = Field(description="kept / (kept + broken); None when nothing was judged.")


class CommitmentSummary(BaseModel):
    """Promise tallies by agent and team, and the promises themselves.

    The promises are a packed `PromiseList` kept beside the fields, not a field: they grow with the
    contacts, so they are never serialised with the summary (the dashboard keeps only the tallies).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    end_of_data: datetime | None
    by_agent: tuple[PromiseTally, ...]
    by_team: tuple[PromiseTally, ...]
    total: PromiseTally
    _promises: PromiseList = PrivateAttr(default=NO_PROMISES)

    @property
    def promises(self) -> PromiseList:
        """Every promise, in the order made (empty on a summary read back from JSON)."""
        return self._promises

    def narrowed(self, indices: Iterable[int]) -> CommitmentSummary:
        """The same tallies with only the promises at `indices` (a team's or a channel's)."""
        copy = self.model_copy()
        copy._promises = self._promises.subset(indices)
        return copy


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def _matches(patterns: Sequence[str], text: str) -> re.Match[str] | None:
    caseless = CaselessText(text)
    for pattern in patterns:
        if match := caseless.search(pattern):
            return match
    return None


def extract_promises(
    conversation: ConversationLike, *, language: PromiseLanguage | None = None
) -> list[tuple[Quote, datetime | None, datetime | None, str]]:
    """(evidence, made_at, deadline, deadline phrase) for each promise sentence in agent turns."""
    language = language or default_promise_language()
    found = []
    # A sentence is a stretch of its turn cut at punctuation, so a turn no promise pattern matches
    # holds no promise sentence: one search rules out most turns.
    screen = any_of(tuple(language.promise))
    for turn in conversation.turns:
        if turn.role is not Role.AGENT or (screen is not None and CaselessText(turn.text).search(screen) is None):
            continue
        made_at = turn.ts or conversation.started_at
        for start, end in _sentences(turn.text):
            sentence = turn.text[start:end]
            if _matches(language.promise, sentence) is None or sentence.rstrip().endswith("?"):
                continue
            evidence = quote(conversation, turn.index, start, end)
            assert evidence is not None
            deadline = resolve_deadline(sentence, made_at)
            found.append(
                (evidence, made_at, deadline.at if deadline else None, deadline.phrase if deadline else "")
            )
    return found


def _first_match_quote(contact: Contact, role: Role, patterns: Sequence[str]) -> Quote | None:
    for turn in contact.conversation.turns:
        if turn.role is role and (match := _matches(patterns, turn.text)):
            return quote(contact.conversation, turn.index, match.start(), match.end())
    return None


def _before(a: datetime, b: datetime) -> bool:
    x, y = as_naive_utc(a), as_naive_utc(b)
    assert x is not None and y is not None
    return x < y


def judge_promise(
    made_at: datetime | None,
    deadline: datetime | None,
    later: Sequence[Contact],
    end_of_data: datetime | None,
    *,
    language: PromiseLanguage | None = None,
) -> tuple[PromiseStatus, str, Quote | None]:
    """Verdict for one promise from the later contacts of its case (time-ordered)."""
    status, reason, evidence, _ = _judge(made_at, deadline, later, end_of_data, language or default_promise_language())
    return status, reason, evidence


def _judge(
    made_at: datetime | None,
    deadline: datetime | None,
    later: Sequence[Contact],
    end_of_data: datetime | None,
    language: PromiseLanguage,
) -> tuple[PromiseStatus, str, Quote | None, int | None]:
    """`judge_promise`, and the index in `later` of the contact that decided it (None when none did):
    judged against that contact alone, the promise gets the same verdict."""
    for index, contact in enumerate(later):
        if contact.start is None or (made_at is not None and not _before(made_at, contact.start)):
            continue
        after_deadline = deadline is None or not _before(contact.start, deadline)
        chase = _first_match_quote(contact, Role.CUSTOMER, language.chase)
        if chase is not None and after_deadline:
            when = "after the deadline" if deadline is not None else "in a later contact"
            return PromiseStatus.BROKEN, f"the customer chased it {when} ({contact.id})", chase, index
        done = _first_match_quote(contact, Role.CUSTOMER, language.done) or _first_match_quote(
            contact, Role.AGENT, language.done
        )
        if done is not None:
            return PromiseStatus.KEPT, f"a later contact shows it done ({contact.id})", done, index
    if deadline is None:
        return PromiseStatus.UNDATED, "no deadline given and no later chase or sign it was done", None, None
    if end_of_data is not None and _before(deadline, end_of_data):
        return PromiseStatus.KEPT, "the deadline passed with no chase from the customer", None, None
    return PromiseStatus.PENDING, "the deadline had not passed by the end of the data", None, None


def _tally(name: str, statuses: Sequence[PromiseStatus]) -> PromiseTally:
    counts = Counter(statuses)
    judged = counts[PromiseStatus.KEPT] + counts[PromiseStatus.BROKEN]
    return PromiseTally(
        name=name,
        made=len(statuses),
        kept=counts[PromiseStatus.KEPT],
        broken=counts[PromiseStatus.BROKEN],
        pending=counts[PromiseStatus.PENDING],
        undated=counts[PromiseStatus.UNDATED],
        keep_rate=counts[PromiseStatus.KEPT] / judged if judged else None,
    )


def _time_order(contact: Contact) -> tuple[bool, datetime, str]:
    return (contact.start is None, contact.start or datetime.min, contact.id)


def check_commitments(
    contacts: Sequence[Contact],
    case_of: Mapping[str, str],
    *,
    agent_teams: dict[str, str | None] | None = None,
    end_of_data: datetime | None = None,
    language: PromiseLanguage | None = None,
) -> CommitmentSummary:
    """Extract every promise and judge it against the later contacts of the same case."""
    language = language or default_promise_language()
    agent_teams = agent_teams or {}
    if end_of_data is None:
        end_of_data = max((c.end for c in contacts if c.end is not None), default=None)
    # Promises first, then the later contacts of only the cases they were made in: grouping every
    # contact by case held a key and a list per contact (most make no promise).
    # Positions only: a promise's quotes are extracted again when it is judged, rather than holding
    # every promising contact's quotes through the grouping.
    made = array("I")
    promised_in: set[str] = set()
    for position, contact in enumerate(contacts):
        if extract_promises(contact.conversation, language=language):
            made.append(position)
            promised_in.add(case_of.get(contact.id, contact.id))
    members: dict[str, list[int]] = {}
    for position, contact in enumerate(contacts):
        key = case_of.get(contact.id, contact.id)
        if key in promised_in:
            members.setdefault(key, []).append(position)
    for group in members.values():
        group.sort(key=lambda p: _time_order(contacts[p]))

    def promise(
        contact: Contact, found: tuple[Quote, datetime | None, datetime | None, str], later: Sequence[Contact]
    ) -> tuple[Promise, int | None]:
        evidence, made_at, deadline, phrase = found
        owner = evidence.author or (contact.agents[0] if contact.agents else None)
        status, reason, status_quote, decided = _judge(made_at, deadline, later, end_of_data, language)
        record = Promise(
            id=stable_id("promise", contact.id, evidence.turn, evidence.start),
            conversation_id=contact.id,
            case_id=case_of.get(contact.id),
            owner=owner,
            team=agent_teams.get(owner) if owner else contact.team,
            made_at=made_at,
            deadline=deadline,
            deadline_phrase=phrase,
            evidence=evidence,
            status=status,
            status_reason=reason,
            status_evidence=status_quote,
        )
        return record, decided

    def rebuild(position: int, nth: int, later: int) -> Promise:
        contact = contacts[position]
        found = extract_promises(contact.conversation, language=language)[nth]
        return promise(contact, found, [] if later == NO_LATER else [contacts[later]])[0]

    promises = PromiseList(contacts, rebuild)
    by_agent: dict[str, list[PromiseStatus]] = {}
    by_team: dict[str, list[PromiseStatus]] = {}
    for position in made:
        contact = contacts[position]
        group = members[case_of.get(contact.id, contact.id)]
        later = group[group.index(position) + 1 :]
        later_contacts = [contacts[p] for p in later]
        for nth, found in enumerate(extract_promises(contact.conversation, language=language)):
            record, decided = promise(contact, found, later_contacts)
            promises.append(record, position, nth, NO_LATER if decided is None else later[decided])
            by_agent.setdefault(record.owner or "(unknown)", []).append(record.status)
            by_team.setdefault(record.team or "(no team)", []).append(record.status)
    summary = CommitmentSummary(
        end_of_data=end_of_data,
        by_agent=tuple(_tally(name, ps) for name, ps in sorted(by_agent.items())),
        by_team=tuple(_tally(name, ps) for name, ps in sorted(by_team.items())),
        total=_tally("all", list(promises.statuses())),
    )
    summary._promises = promises
    return summary
