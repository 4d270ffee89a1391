"""A conversation joined with what the engine said about it, plus the facts every insight needs.

Joining once (by id) keeps every module working on the same view: who the agents were, when it
happened, which outcome and findings it has, and why the customer came.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from fixfirst.insight.contact_reasons import contact_reason
from fixfirst.insight.views import ConversationLike, ConversationView, ResultView, SpanView
from fixfirst.model import AnalysisResult, Conversation, Outcome, Role

#: Outcomes that close the customer's question inside the contact.
CLOSING_OUTCOMES = frozenset({Outcome.RESOLVED, Outcome.CLEAR_NO})
#: Outcomes where the agent did their part (fixed, said a clear no, or owns the next step).
HELPFUL_OUTCOMES = frozenset({Outcome.RESOLVED, Outcome.CLEAR_NO, Outcome.OWNED_FOLLOWUP})


def as_naive_utc(moment: datetime | None) -> datetime | None:
    """Aware times to naive UTC, so sources with and without zones compare (naive = already UTC)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def started_at(conversation: ConversationLike) -> datetime | None:
    """When the contact began (naive UTC): `started_at`, else the first turn timestamp."""
    if conversation.started_at is not None:
        return as_naive_utc(conversation.started_at)
    return as_naive_utc(next((t.ts for t in conversation.turns if t.ts is not None), None))


def ended_at(conversation: ConversationLike) -> datetime | None:
    """The last timestamp seen in the contact (naive UTC; falls back to its start)."""
    stamps = [as_naive_utc(t.ts) for t in conversation.turns if t.ts is not None]
    return max(s for s in stamps if s is not None) if stamps else started_at(conversation)


def agents_of(conversation: ConversationLike) -> tuple[str, ...]:
    """Listed agents plus authors of agent turns, in first-seen order."""
    seen = dict.fromkeys(conversation.agent_ids)
    for turn in conversation.turns:
        if turn.role is Role.AGENT and turn.author:
            seen.setdefault(turn.author)
    return tuple(seen)


class Contact:
    """What every insight module reads of a contact: one conversation with its analysis result (None
    when the engine has not seen it) and the facts insights need.

    Two kinds exist. `HeldContact` holds its compact views (`fixfirst.insight.views`); a report
    over a store reads `StoredContact`s instead, rows of a `ContactTable`
    (`fixfirst.insight.contact_table`) that keep a scope's contacts column by column, because a
    company's contacts are all held at once and a held one costs 1.6 KB. Subclasses give
    `conversation`, `result`, `reason`, `start`, `end`, `agents` and `labels`; the reads below are
    shared.
    """

    __slots__ = ()

    conversation: ConversationView
    result: ResultView | None
    reason: str
    start: datetime | None
    end: datetime | None  # the last time seen in it (naive UTC), `start` when it has no later one
    agents: tuple[str, ...]
    labels: frozenset[str]

    @property
    def id(self) -> str:
        return self.conversation.id

    @property
    def team(self) -> str | None:
        return self.conversation.team

    @property
    def channel(self) -> str:
        return self.conversation.channel

    @property
    def customer_id(self) -> str | None:
        return self.conversation.customer_id

    @property
    def outcome(self) -> Outcome | None:
        return None if self.result is None else self.result.label

    @property
    def points(self) -> float | None:
        return None if self.result is None else self.result.points

    def has(self, label: str) -> bool:
        return label in self.labels

    def findings(self, label: str) -> list[SpanView]:
        if label not in self.labels:  # most asks are for labels a contact does not have
            return []
        assert self.result is not None
        return [f for f in self.result.findings if f.label == label]

    def turn_author(self, turn: int) -> str | None:
        speaker = self.conversation.speaker(turn)
        return None if speaker is None else speaker[1]


@dataclass(frozen=True, slots=True)
class HeldContact(Contact):
    """A contact holding its compact views (`contact_of`)."""

    conversation: ConversationView
    result: ResultView | None
    reason: str
    start: datetime | None
    agents: tuple[str, ...]
    labels: frozenset[str] = field(default_factory=frozenset)
    end: datetime | None = None


def contact_of(conversation: ConversationLike, result: AnalysisResult | ResultView | None) -> HeldContact:
    """One contact: the conversation and its result reduced to views, with the facts insights need."""
    view = ConversationView.of(conversation)
    summary = None if result is None else ResultView.of(result, id=view.id)
    start, end = started_at(conversation), ended_at(conversation)
    return HeldContact(
        conversation=view,
        result=summary,
        reason=contact_reason(conversation),  # read from the turns before they are packed
        start=start,
        end=start if end == start else end,  # one object when equal
        agents=_shared(agents_of(conversation), view.agent_ids),
        labels=_label_set(f.label for f in summary.findings) if summary else frozenset(),
    )


def _shared(value: tuple[str, ...], same: tuple[str, ...]) -> tuple[str, ...]:
    """`same` when equal (a contact's agents are mostly its listed agents): one tuple, not two."""
    return same if value == same else value


@lru_cache(maxsize=4096)
def _shared_label_set(labels: tuple[str, ...]) -> frozenset[str]:
    return frozenset(labels)


def _label_set(labels: Iterable[str]) -> frozenset[str]:
    """One frozenset per distinct set of labels (few exist), shared by every contact that has it."""
    return _shared_label_set(tuple(sorted(set(labels))))


def build_contacts(
    conversations: Iterable[Conversation], results: Iterable[AnalysisResult] | Mapping[str, AnalysisResult]
) -> list[Contact]:
    """Join conversations with results by id; keeps conversation order."""
    by_id = dict(results) if isinstance(results, Mapping) else {r.id: r for r in results}
    return [contact_of(conversation, by_id.get(conversation.id)) for conversation in conversations]


def team_of_agents(contacts: Iterable[Contact]) -> dict[str, str | None]:
    """Each agent's team: the team most of their contacts belong to (ties: alphabetical)."""
    votes: dict[str, Counter[str]] = {}
    for contact in contacts:
        for agent in contact.agents:
            counter = votes.setdefault(agent, Counter())
            if contact.team:
                counter[contact.team] += 1
    return {agent: (min(c, key=lambda team: (-c[team], team)) if c else None) for agent, c in votes.items()}


def positions_by(contacts: Iterable[Contact], keys: Callable[[Contact], Iterable[str]]) -> dict[str, array[int]]:
    """Each key's contacts as positions in `contacts` (4 bytes a contact), in first-seen key order.

    Why: grouping contacts by agent or team held every contact in a list while every group was
    summarised; with positions, a group's contacts are read back (`contacts[p]`) while that group is
    summarised, so one group's are held at a time.
    """
    groups: dict[str, array[int]] = {}
    for position, contact in enumerate(contacts):
        for key in keys(contact):
            groups.setdefault(key, array("I")).append(position)
    return groups


def team_key(contact: Contact) -> tuple[str]:
    """The contact's team as a group key ("(no team)" when it has none)."""
    return (contact.team or "(no team)",)
