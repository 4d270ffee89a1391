"""Link a customer's contacts about one issue into cases; first-contact resolution and repeats.

Rule (documented in the report): contacts of the same customer are walked in time order. A
contact joins the customer's open case when it starts at most `window_days` after that case's
latest contact (a chain, so a case that keeps being chased stays one case) AND it is about the
same thing: TF-IDF cosine of the customer's words against any contact in the case at least
`similarity_threshold`, or a shared order / ticket reference quoted by either side (an agent's
call-back quotes the ticket), or the same contact reason with words that refer back to an
earlier contact ("again", "still", "I called yesterday"). Otherwise it opens a new case. Contacts without
a customer id or a time each make their own case: they cannot be linked safely.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field

from fixfirst.insight.contact_reasons import OTHER
from fixfirst.insight.contacts import CLOSING_OUTCOMES, Contact
from fixfirst.insight.lexicon_files import CaselessText, default_contact_reasons
from fixfirst.insight.quotes import Quote, quote
from fixfirst.insight.text_similarity import TfidfSpace, cosine
from fixfirst.model import Behaviour, Case, Outcome, stable_id
from fixfirst.model.frozen import frozen_record

DEFAULT_WINDOW_DAYS = 7
DEFAULT_SIMILARITY_THRESHOLD = 0.2


@frozen_record
class CaseFacts:
    """One case with what happened in it."""

    case: Case
    contacts: int = Field(ge=1)
    outcomes: tuple[Outcome | None, ...]
    reason: str
    first_contact_resolved: bool | None = Field(
        description="First contact resolved or a clear no, and no later contact; None if not analysed."
    )
    customer_effort: bool
    system_gap: bool
    flag_quotes: tuple[Quote, ...] = Field(default=(), description="customer_effort / system_gap evidence.")


class CaseSummary(BaseModel):
    """Cases and the repeat-contact numbers over them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window_days: float
    similarity_threshold: float
    contacts: int
    cases: int
    repeat_cases: int = Field(description="Cases with two or more contacts.")
    repeat_contact_rate: float | None = Field(description="repeat_cases / cases.")
    repeat_contact_share: float | None = Field(description="Contacts after a case's first / all contacts.")
    contacts_per_case: float | None
    first_contact_resolution: float | None = Field(
        description="Share of cases (first contact analysed) closed by it."
    )
    first_contact_resolution_n: int
    customer_effort_cases: int
    system_gap_cases: int
    items: tuple[CaseFacts, ...]
    case_of: dict[str, str] = Field(description="conversation id -> case id")

    def case(self, case_id: str) -> CaseFacts:
        return self._by_case_id[case_id]

    @cached_property
    def _by_case_id(self) -> dict[str, CaseFacts]:
        """Built once on first use: a lookup per contact must not scan every case (O(contacts x cases))."""
        return {item.case.id: item for item in self.items}


def _refers_back(contact: Contact) -> bool:
    cues = default_contact_reasons().refer_back
    text = CaselessText(" ".join(t.text for t in contact.conversation.customer_turns()))
    return any(text.search(rf"\b(?:{cue})\b") for cue in cues)


def references(contact: Contact) -> frozenset[str]:
    """Order / ticket / return references quoted anywhere in the contact (lower-case)."""
    found: set[str] = set()
    texts = [CaselessText(turn.text) for turn in contact.conversation.turns]
    for pattern in default_contact_reasons().reference_patterns:
        for text in texts:
            found.update(m.group(1).lower() for m in text.finditer(pattern))
    return frozenset(found)


def _customer_text(contact: Contact) -> str:
    return " ".join(t.text for t in contact.conversation.customer_turns())


def group_contacts(
    contacts: Sequence[Contact],
    *,
    window_days: float = DEFAULT_WINDOW_DAYS,
    similarity_threshold: float = DEFAULT_SIMILARITY_THRESHOLD,
) -> list[list[Contact]]:
    """Partition contacts into cases (each a time-ordered list)."""
    space = TfidfSpace(_customer_text(c) for c in contacts)
    window = timedelta(days=window_days)
    by_customer: dict[str, list[Contact]] = defaultdict(list)
    groups: list[list[Contact]] = []
    for contact in contacts:
        if contact.customer_id and contact.start is not None:
            by_customer[contact.customer_id].append(contact)
        else:
            groups.append([contact])
    for customer_contacts in by_customer.values():
        if len(customer_contacts) == 1:
            groups.append(customer_contacts)
            continue
        # Vectors and references only for customers who came back, and only while linking them:
        # most customers have one contact, and holding a vector per contact cost 1.4 KB each.
        vectors = {c.id: space.vector(_customer_text(c)) for c in customer_contacts}
        refs = {c.id: references(c) for c in customer_contacts}
        cases: list[list[Contact]] = []  # in the order they were opened
        open_cases: list[list[Contact]] = []  # those still inside the window, same order
        for contact in sorted(customer_contacts, key=lambda c: (c.start, c.id)):
            assert contact.start is not None
            # Contacts come in time order, so a case past the window now stays past it: dropping it
            # keeps a customer with years of contacts linear instead of comparing with every case.
            open_cases = [case for case in open_cases if contact.start - _last_seen(case) <= window]
            best: list[Contact] | None = None
            best_score = -1.0
            for case in open_cases:
                similarity = max(cosine(vectors[contact.id], vectors[m.id]) for m in case)
                same_reason = contact.reason != OTHER and any(m.reason == contact.reason for m in case)
                shared_reference = any(refs[contact.id] & refs[m.id] for m in case)
                linked = (
                    similarity >= similarity_threshold
                    or shared_reference
                    or (same_reason and _refers_back(contact))
                )
                score = similarity + (1.0 if shared_reference else 0.0)
                if linked and score > best_score:
                    best, best_score = case, score
            if best is None:
                best = []
                cases.append(best)
                open_cases.append(best)
            best.append(contact)
        groups.extend(cases)
    return groups


def _last_seen(case: list[Contact]) -> datetime:
    """The latest time of a case's last contact (its end, or its start when it has none)."""
    last = case[-1]
    assert last.start is not None
    return max(last.end or last.start, last.start)


def _flag_quotes(members: list[Contact]) -> tuple[Quote, ...]:
    quotes = []
    for contact in members:
        for label in (Behaviour.CUSTOMER_EFFORT, Behaviour.SYSTEM_GAP):
            for finding in contact.findings(label):
                q = quote(contact.conversation, finding.turn, finding.start, finding.end)
                if q is not None:
                    quotes.append(q)
    return tuple(quotes)


def link_cases(
    contacts: Sequence[Contact],
    *,
    window_days: float = DEFAULT_WINDOW_DAYS,
    similarity_threshold: float = DEFAULT_SIMILARITY_THRESHOLD,
) -> CaseSummary:
    """Link contacts into cases and compute FCR, repeat-contact rate and contacts per case."""
    items = []
    for members in group_contacts(
        contacts, window_days=window_days, similarity_threshold=similarity_threshold
    ):
        first = members[0]
        customer = first.customer_id or f"unknown:{first.id}"
        opened = first.start  # one time object for both ends of a one-contact case (most cases)
        last = opened if len(members) == 1 else members[-1].start
        case = Case(
            id=stable_id("case", customer, first.id),
            customer_id=customer,
            conversation_ids=tuple(m.id for m in members),
            channels=tuple(dict.fromkeys(m.channel for m in members)),
            opened_at=opened,
            last_contact_at=last,
            topic=first.reason,
        )
        fcr = None if first.outcome is None else (first.outcome in CLOSING_OUTCOMES and len(members) == 1)
        items.append(
            CaseFacts(
                case=case,
                contacts=len(members),
                outcomes=tuple(m.outcome for m in members),
                reason=first.reason,
                first_contact_resolved=fcr,
                customer_effort=any(m.has(Behaviour.CUSTOMER_EFFORT) for m in members),
                system_gap=any(m.has(Behaviour.SYSTEM_GAP) for m in members),
                flag_quotes=_flag_quotes(members),
            )
        )
    return summarise_cases(items, window_days=window_days, similarity_threshold=similarity_threshold)


def summarise_cases(
    items: Sequence[CaseFacts], *, window_days: float, similarity_threshold: float
) -> CaseSummary:
    """The rates over a set of already-linked cases (also used to narrow a summary to one team)."""
    items = list(items)
    items.sort(key=lambda item: (item.case.opened_at is None, item.case.opened_at, item.case.id))
    n_cases, n_contacts = len(items), sum(item.contacts for item in items)
    repeat_cases = sum(1 for item in items if item.contacts > 1)
    fcr_known = [item.first_contact_resolved for item in items if item.first_contact_resolved is not None]
    return CaseSummary(
        window_days=window_days,
        similarity_threshold=similarity_threshold,
        contacts=n_contacts,
        cases=n_cases,
        repeat_cases=repeat_cases,
        repeat_contact_rate=repeat_cases / n_cases if n_cases else None,
        repeat_contact_share=(n_contacts - n_cases) / n_contacts if n_contacts else None,
        contacts_per_case=n_contacts / n_cases if n_cases else None,
        first_contact_resolution=sum(fcr_known) / len(fcr_known) if fcr_known else None,
        first_contact_resolution_n=len(fcr_known),
        customer_effort_cases=sum(1 for item in items if item.customer_effort),
        system_gap_cases=sum(1 for item in items if item.system_gap),
        items=tuple(items),
        case_of={cid: item.case.id for item in items for cid in item.case.conversation_ids},
    )
