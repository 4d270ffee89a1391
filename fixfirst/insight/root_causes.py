"""Root causes: which policies, tool gaps and contact reasons cost unresolved and repeat contacts.

Policy and system names come from the agents' own words (root_cause_terms.yaml: known terms plus
a generic "our <x> policy" pattern). Each contact is charged to every policy and system it names;
contacts with a `policy_stonewall` or `system_gap` finding and no recognised name are charged to
"(unnamed policy)" / "(unnamed system)" so nothing disappears from the totals.

People vs process (the decision the scorecards rely on): a contact is *blocked* - charged to the
process, kept out of the agent's adjusted score - when
- it has a `system_gap` finding (the agent's tools or records failed), or
- it names a policy, the policy said no (a `policy_stonewall` finding, or the contact did not end
  resolved / clear_no / owned_followup), and *colleagues'* contacts naming the same policy (at
  least `min_peers` of them, handled by other agents) found a way out (resolved, owned follow-up,
  or a clear no that is not a stonewall) in fewer than `forced_below` of cases: then the policy
  leaves no way out, and the "no" is the policy's. Judging by colleagues keeps an agent who
  stonewalls on every contact from making the policy look forced by their own refusals.
Where colleagues facing the same policy do find alternatives, a stonewall stays the agent's.
An unrecognised policy is never treated as forced: nobody can check what it allows.

Each cause says whom it is charged to: ``technology`` (a system), ``process`` (a forced policy,
seen with at least two agents), or ``people`` (a policy colleagues find a way around, or one whose
contacts all belong to one agent - issue 12: a "billing policy" charged to the process whose five
contacts were one agent's; that is coaching, not a process fix).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fixfirst.insight.contacts import HELPFUL_OUTCOMES, Contact, positions_by
from fixfirst.insight.lexicon_files import CaselessText, RootCauseTerms, any_of, default_root_cause_terms
from fixfirst.insight.quotes import Quote, quote
from fixfirst.insight.views import ConversationLike
from fixfirst.model import Behaviour, Outcome, Role

UNNAMED_POLICY = "(unnamed policy)"
UNNAMED_SYSTEM = "(unnamed system)"
DEFAULT_FORCED_BELOW = 0.25
DEFAULT_MIN_PEERS = 3
_NOT_HELPED = frozenset({Outcome.UNRESOLVED, Outcome.DEFLECTED})
_MAX_EXAMPLES = 3


class RootCause(BaseModel):
    """One policy or system and what it cost."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["policy", "system"]
    name: str
    contacts: int = Field(description="Contacts naming it (or, for unnamed, with the finding).")
    policy_stonewalls: int
    clear_nos: int
    system_gaps: int
    deflections: int
    unresolved_contacts: int = Field(description="Contacts that ended unresolved or deflected.")
    repeat_contacts: int = Field(
        description="Contacts the customer had to follow with another in the same case."
    )
    cost: int = Field(description="unresolved_contacts + repeat_contacts: the ranking key.")
    alternative_rate: float | None = Field(
        description="Share of its contacts with a way out: resolved, owned follow-up, or a clear no "
        "that is not a stonewall."
    )
    forced: bool = Field(description="Way-out rate under forced_below: the policy (or system) itself blocks.")
    agents: int = Field(default=0, description="Distinct agents on its contacts.")
    charged_to: Literal["people", "process", "technology"] = Field(
        default="process", description="technology: a system; process: a forced policy seen with 2+ agents; "
        "people: a policy colleagues find a way around, or one agent's contacts only."
    )
    examples: tuple[Quote, ...]


class ReasonBreakdown(BaseModel):
    """Contacts by why the customer came."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: str
    contacts: int
    outcomes: dict[str, int]
    helpful_rate: float | None
    policy_stonewalls: int
    system_gaps: int
    deflections: int
    repeat_contacts: int


class RootCauseSummary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    forced_below: float
    policies: tuple[RootCause, ...]
    systems: tuple[RootCause, ...]
    reasons: tuple[ReasonBreakdown, ...]
    blocked: dict[str, str] = Field(description="conversation id -> 'policy:<name>' or 'system:<name>'.")


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding [start, end), so an example reads as what the agent said."""
    left = max(text.rfind(mark, 0, start) for mark in ".!?\n")
    right_marks = [i for i in (text.find(mark, end) for mark in ".!?\n") if i != -1]
    right = min(right_marks) + 1 if right_marks else len(text)
    left += 1
    while left < start and text[left].isspace():
        left += 1
    return left, right


def _named_terms(
    conversation: ConversationLike, terms: Sequence[tuple[str, Sequence[str]]], generic: str | None
) -> dict[str, Quote]:
    """First quote of each named term in the agent turns (first term listed wins per sentence)."""
    found: dict[str, Quote] = {}
    # Most agent turns name no term: one search over every pattern rules such a turn out.
    screen = any_of((*(p for _, patterns in terms for p in patterns), *([generic] if generic else [])))
    for turn in conversation.turns:
        if turn.role is not Role.AGENT:
            continue
        text = CaselessText(turn.text)
        if screen is not None and text.search(screen) is None:
            continue
        claimed: list[tuple[int, int]] = []
        for name, patterns in terms:
            for pattern in patterns:
                match = text.search(pattern)
                if match is None:
                    continue
                if any(s <= match.start() < e for s, e in claimed):
                    break
                claimed.append((match.start(), match.end()))
                q = quote(conversation, turn.index, *_sentence_around(turn.text, match.start(), match.end()))
                if q is not None:
                    found.setdefault(name, q)
                break
        if generic:
            for match in text.finditer(generic):
                if any(s <= match.start() < e or match.start() <= s < match.end() for s, e in claimed):
                    continue
                name = f"{match.group(1).lower()} policy"
                q = quote(conversation, turn.index, *_sentence_around(turn.text, match.start(), match.end()))
                if q is not None:
                    found.setdefault(name, q)
    return found


def named_policies(conversation: ConversationLike, terms: RootCauseTerms | None = None) -> dict[str, Quote]:
    terms = terms or default_root_cause_terms()
    return _named_terms(
        conversation, [(t.name, t.patterns) for t in terms.policies], terms.generic_policy_pattern
    )


def named_systems(conversation: ConversationLike, terms: RootCauseTerms | None = None) -> dict[str, Quote]:
    terms = terms or default_root_cause_terms()
    return _named_terms(conversation, [(t.name, t.patterns) for t in terms.systems], None)


def _finding_quote(contact: Contact, label: str) -> Quote | None:
    for finding in contact.findings(label):
        if q := quote(contact.conversation, finding.turn, finding.start, finding.end):
            return q
    return None


_Charged = dict[str, array]  # name -> positions (array("I"))


def _charged(contacts: Sequence[Contact], terms: RootCauseTerms) -> tuple[_Charged, _Charged]:
    """name -> the positions (ascending) of the contacts charged to it, for policies and systems.
    Positions, not ids and quotes: a large company charges tens of thousands of contacts, and only a
    few examples per name are quoted (`_example_quotes`)."""
    policies: _Charged = {}
    systems: _Charged = {}
    for position, contact in enumerate(contacts):
        conversation = contact.conversation  # read once: a stored contact's turns come from a file
        names = list(named_policies(conversation, terms))
        if not names and contact.has(Behaviour.POLICY_STONEWALL):
            names = [UNNAMED_POLICY]
        for name in names:
            policies.setdefault(name, array("I")).append(position)
        sys_names = list(named_systems(conversation, terms))
        if not sys_names and contact.has(Behaviour.SYSTEM_GAP):
            sys_names = [UNNAMED_SYSTEM]
        for name in sys_names:
            systems.setdefault(name, array("I")).append(position)
    return policies, systems


def _charged_to(positions: array[int], position: int) -> bool:
    """Whether `position` is among the ascending `positions` (bisected, not scanned)."""
    at = bisect_left(positions, position)
    return at < len(positions) and positions[at] == position


def _example_quote(
    kind: Literal["policy", "system"], name: str, contact: Contact, terms: RootCauseTerms
) -> Quote | None:
    """The words that charged `contact` to `name`: the named term's sentence, or for the unnamed
    policy or system the finding's own span (a contact is unnamed only when no term names it)."""
    if name == (UNNAMED_POLICY if kind == "policy" else UNNAMED_SYSTEM):
        return _finding_quote(contact, Behaviour.POLICY_STONEWALL if kind == "policy" else Behaviour.SYSTEM_GAP)
    named = named_policies if kind == "policy" else named_systems
    return named(contact.conversation, terms).get(name)


def _row(
    kind: Literal["policy", "system"],
    name: str,
    positions: array[int],
    contacts: Sequence[Contact],
    repeated: bytearray,
    forced_below: float,
    terms: RootCauseTerms,
) -> RootCause:
    members = [contacts[p] for p in positions]
    analysed = [c for c in members if c.outcome is not None]
    way_out = sum(1 for c in analysed if _found_way_out(c))
    unresolved = sum(1 for c in analysed if c.outcome in _NOT_HELPED)
    repeats = sum(repeated[p] for p in positions)
    alternative_rate = way_out / len(analysed) if analysed else None
    agents = {a for c in members for a in c.agents}
    forced = kind == "system" or (
        name != UNNAMED_POLICY
        and alternative_rate is not None
        and alternative_rate < forced_below
        and len(agents) >= 2
    )
    charged_to: Literal["people", "process", "technology"] = (
        "technology" if kind == "system" else "process" if forced else "people"
    )
    # Examples: unhelped contacts first, so the report shows what the block costs.
    examples: list[Quote] = []
    for contact in sorted(members, key=lambda c: (c.outcome not in _NOT_HELPED, c.id)):
        if len(examples) == _MAX_EXAMPLES:
            break
        if (q := _example_quote(kind, name, contact, terms)) is not None:
            examples.append(q)
    return RootCause(
        kind=kind,
        name=name,
        contacts=len(members),
        policy_stonewalls=sum(1 for c in members if c.has(Behaviour.POLICY_STONEWALL)),
        clear_nos=sum(1 for c in members if c.outcome is Outcome.CLEAR_NO),
        system_gaps=sum(1 for c in members if c.has(Behaviour.SYSTEM_GAP)),
        deflections=sum(
            1 for c in members if c.outcome is Outcome.DEFLECTED or c.has(Behaviour.DEFLECTIVE_TRANSFER)
        ),
        unresolved_contacts=unresolved,
        repeat_contacts=repeats,
        cost=unresolved + repeats,
        alternative_rate=alternative_rate,
        forced=forced,
        agents=len(agents),
        charged_to=charged_to,
        examples=tuple(examples),
    )


def _found_way_out(contact: Contact) -> bool:
    """Fixed, owned, or a clear no that offered something (not a stonewall)."""
    if contact.outcome in (Outcome.RESOLVED, Outcome.OWNED_FOLLOWUP):
        return True
    return contact.outcome is Outcome.CLEAR_NO and not contact.has(Behaviour.POLICY_STONEWALL)


def _forced_for(contact: Contact, members: Sequence[Contact], forced_below: float, min_peers: int) -> bool:
    """Colleagues (contacts without this contact's agents) facing the policy rarely found a way out."""
    peers = [m for m in members if m.outcome is not None and not set(m.agents) & set(contact.agents)]
    if len(peers) < min_peers:
        return False
    return sum(1 for m in peers if _found_way_out(m)) / len(peers) < forced_below


def policy_said_no(contact: Contact) -> bool:
    """The contact ended in a refusal or without help: where a forced policy is to blame."""
    return contact.has(Behaviour.POLICY_STONEWALL) or (
        contact.outcome is not None and contact.outcome not in HELPFUL_OUTCOMES
    )


def repeated_contacts(contacts: Sequence[Contact], case_of: Mapping[str, str]) -> bytearray:
    """Per position in `contacts`, 1 when a later contact in the same case follows that contact (a
    byte a contact, not a set of ids)."""
    case_size = getattr(case_of, "case_size", None)  # a CaseOf knows which cases hold one contact
    groups: dict[str, list[int]] = {}
    for position, contact in enumerate(contacts):
        cid = contact.id
        if case_size is not None and case_size(cid) < 2:
            continue  # alone in its case (most are): nothing follows it
        groups.setdefault(case_of.get(cid, cid), []).append(position)
    repeated = bytearray(len(contacts))
    for members in groups.values():
        last = max(members, key=lambda p: (contacts[p].start or datetime.min, contacts[p].id))
        for position in members:
            repeated[position] = position != last
    return repeated


def find_root_causes(
    contacts: Sequence[Contact],
    case_of: Mapping[str, str],
    *,
    terms: RootCauseTerms | None = None,
    forced_below: float = DEFAULT_FORCED_BELOW,
    min_peers: int = DEFAULT_MIN_PEERS,
) -> RootCauseSummary:
    """Aggregate blocks by named policy, system and contact reason; decide which contacts are blocked."""
    terms = terms or default_root_cause_terms()
    repeated = repeated_contacts(contacts, case_of)
    policies, systems = _charged(contacts, terms)
    policy_rows = [_row("policy", n, ps, contacts, repeated, forced_below, terms) for n, ps in policies.items()]
    system_rows = [_row("system", n, ps, contacts, repeated, forced_below, terms) for n, ps in systems.items()]
    policy_rows.sort(key=lambda r: (-r.cost, -r.contacts, r.name))
    system_rows.sort(key=lambda r: (-r.cost, -r.contacts, r.name))

    blocked: dict[str, str] = {}
    # Whether a policy is forced depends only on the policy and the contact's agents: decided once
    # per (policy, agents) pair, not once per contact (which was quadratic in a policy's contacts).
    forced: dict[tuple[str, tuple[str, ...]], bool] = {}

    def forced_for(name: str, contact: Contact) -> bool:
        key = (name, contact.agents)
        if key not in forced:
            forced[key] = _forced_for(contact, [contacts[p] for p in policies[name]], forced_below, min_peers)
        return forced[key]

    labels: dict[str, str] = {}  # one "system:<name>" string per name, shared by its contacts
    for position, contact in enumerate(contacts):
        if contact.has(Behaviour.SYSTEM_GAP):
            name = next((n for n, ps in systems.items() if _charged_to(ps, position)), UNNAMED_SYSTEM)
            blocked[contact.id] = labels.setdefault(f"system:{name}", f"system:{name}")
        elif policy_said_no(contact):
            name = next(
                (
                    n
                    for n, ps in policies.items()
                    if _charged_to(ps, position) and n != UNNAMED_POLICY and forced_for(n, contact)
                ),
                None,
            )
            if name is not None:
                blocked[contact.id] = labels.setdefault(f"policy:{name}", f"policy:{name}")

    reason_rows = []
    for reason, positions in positions_by(contacts, lambda contact: (contact.reason,)).items():
        members = [contacts[p] for p in positions]  # one reason's contacts at a time
        analysed = [c for c in members if c.outcome is not None]
        outcomes = Counter(str(c.outcome) for c in analysed)
        reason_rows.append(
            ReasonBreakdown(
                reason=reason,
                contacts=len(members),
                outcomes={o.value: outcomes.get(o.value, 0) for o in Outcome},
                helpful_rate=(sum(1 for c in analysed if c.outcome in HELPFUL_OUTCOMES) / len(analysed))
                if analysed
                else None,
                policy_stonewalls=sum(1 for c in members if c.has(Behaviour.POLICY_STONEWALL)),
                system_gaps=sum(1 for c in members if c.has(Behaviour.SYSTEM_GAP)),
                deflections=sum(1 for c in members if c.outcome is Outcome.DEFLECTED),
                repeat_contacts=sum(repeated[p] for p in positions),
            )
        )
    reason_rows.sort(key=lambda r: (-r.contacts, r.reason))
    return RootCauseSummary(
        forced_below=forced_below,
        policies=tuple(policy_rows),
        systems=tuple(system_rows),
        reasons=tuple(reason_rows),
        blocked=blocked,
    )
