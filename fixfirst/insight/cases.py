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

from array import array
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from fixfirst.insight.case_list import EMPTY_CASES, CaseFacts, CaseList, CaseOf
from fixfirst.insight.contact_reasons import OTHER
from fixfirst.insight.contacts import Contact
from fixfirst.insight.lexicon_files import CaselessText, default_contact_reasons
from fixfirst.insight.text_similarity import TfidfSpace, cosine

DEFAULT_WINDOW_DAYS = 7
DEFAULT_SIMILARITY_THRESHOLD = 0.2

__all__ = ["CaseFacts", "CaseSummary", "link_cases", "summarise_cases"]


class CaseSummary(BaseModel):
    """The repeat-contact numbers over a set of cases, and the cases themselves.

    The cases (`items`, `case_of`) are a packed `CaseList` kept beside the fields, not a field: they
    grow with the contacts, so they are never serialised with the summary (the dashboard keeps the
    numbers and packs the case list on its own).
    """

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
    _cases: CaseList = PrivateAttr(default=EMPTY_CASES)

    @property
    def items(self) -> CaseList:
        """Every case, in report order (empty on a summary read back from JSON)."""
        return self._cases

    @property
    def case_of(self) -> CaseOf:
        """Conversation id -> case id."""
        return self._cases.case_of()

    def case(self, case_id: str) -> CaseFacts:
        index = self._cases.index_of_case(case_id)
        if index is None:
            raise KeyError(case_id)
        return self._cases[index]


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
) -> Iterator[list[int]]:
    """Partition contacts into cases: each a time-ordered list of positions in `contacts`."""
    space = TfidfSpace(_customer_text(c) for c in contacts)
    window = timedelta(days=window_days)
    for positions in _by_customer(contacts):
        if len(positions) == 1:
            yield positions
            continue
        customer_contacts = [contacts[p] for p in positions]
        # Vectors and references only for customers who came back, and only while linking them:
        # most customers have one contact, and holding a vector per contact cost 1.4 KB each.
        vectors = {c.id: space.vector(_customer_text(c)) for c in customer_contacts}
        refs = {c.id: references(c) for c in customer_contacts}
        position_of = {c.id: p for c, p in zip(customer_contacts, positions, strict=True)}
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
        for case in cases:
            yield [position_of[c.id] for c in case]


def _by_customer(contacts: Sequence[Contact]) -> Iterator[list[int]]:
    """Positions of each customer's contacts (in their order); a contact without a customer id or a
    time alone. Grouped by sorting the customers' hashes (16 bytes a contact) instead of a dict of
    lists (about 150 bytes a contact, most customers having one contact)."""
    hashes, positions = array("q"), array("I")
    for position, contact in enumerate(contacts):
        if contact.customer_id and contact.start is not None:
            hashes.append(hash(contact.customer_id))
            positions.append(position)
        else:
            yield [position]
    keys = np.frombuffer(hashes, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    ends = np.append(np.flatnonzero(np.diff(keys[order])) + 1, len(order))  # where each hash's run ends
    start = 0
    for end in ends:
        if end - start == 1:
            yield [positions[order[start]]]
        else:
            same_hash: dict[str | None, list[int]] = {}  # one customer, unless two ids share a hash
            for at in order[start:end]:
                position = positions[at]
                same_hash.setdefault(contacts[position].customer_id, []).append(position)
            yield from same_hash.values()
        start = end


def _last_seen(case: list[Contact]) -> datetime:
    """The latest time of a case's last contact (its end, or its start when it has none)."""
    last = case[-1]
    assert last.start is not None
    return max(last.end or last.start, last.start)


def link_cases(
    contacts: Sequence[Contact],
    *,
    window_days: float = DEFAULT_WINDOW_DAYS,
    similarity_threshold: float = DEFAULT_SIMILARITY_THRESHOLD,
) -> CaseSummary:
    """Link contacts into cases and compute FCR, repeat-contact rate and contacts per case."""
    groups = group_contacts(contacts, window_days=window_days, similarity_threshold=similarity_threshold)
    return summarise_cases(
        CaseList.link(contacts, groups), window_days=window_days, similarity_threshold=similarity_threshold
    )


def summarise_cases(cases: CaseList, *, window_days: float, similarity_threshold: float) -> CaseSummary:
    """The rates over a set of already-linked cases (also used to narrow a summary to one team)."""
    n_cases, n_contacts = len(cases), cases.contact_count()
    sizes = [cases.size(i) for i in range(n_cases)]
    fcr_known = [known for i in range(n_cases) if (known := cases.first_contact_resolved(i)) is not None]
    summary = CaseSummary(
        window_days=window_days,
        similarity_threshold=similarity_threshold,
        contacts=n_contacts,
        cases=n_cases,
        repeat_cases=(repeat_cases := sum(1 for size in sizes if size > 1)),
        repeat_contact_rate=repeat_cases / n_cases if n_cases else None,
        repeat_contact_share=(n_contacts - n_cases) / n_contacts if n_contacts else None,
        contacts_per_case=n_contacts / n_cases if n_cases else None,
        first_contact_resolution=sum(fcr_known) / len(fcr_known) if fcr_known else None,
        first_contact_resolution_n=len(fcr_known),
        customer_effort_cases=sum(1 for i in range(n_cases) if cases.customer_effort(i)),
        system_gap_cases=sum(1 for i in range(n_cases) if cases.system_gap(i)),
    )
    summary._cases = cases
    return summary
