"""A scope's cases packed in arrays over the contacts they link, built into records only when read.

Why: a report links every contact of a company into cases at once, and held as records (a `Case`
and its `CaseFacts`, their tuples, the case id and the flag quotes) a case cost about 670 bytes, so
a million contacts held over 600 MB of cases no report page shows one by one. Here a case costs its
members' positions in the linked contacts, a 10-byte digest (its id), a first-contact-resolved
code and two flags; `CaseList[i]` builds the `CaseFacts` record from the contacts when a reader
asks (the dashboard packs each one as JSON once), and `CaseOf` answers "which case is this
conversation in" from two arrays and one id index shared by every narrowed list.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property

import numpy as np
from pydantic import Field

from fixfirst.insight.built_on_read import BuiltOnRead
from fixfirst.insight.contacts import CLOSING_OUTCOMES, Contact
from fixfirst.insight.id_index import IdIndex
from fixfirst.insight.quotes import Quote, quote
from fixfirst.insight.views import epoch_micros
from fixfirst.model import Behaviour, Case, Outcome, stable_id
from fixfirst.model.frozen import frozen_record

_PREFIX = "case-"
_DIGEST_BYTES = 10  # stable_id keeps 20 hex digits
_NOT_LINKED = 0xFFFFFFFF
_FCR_CODE = {None: -1, False: 0, True: 1}
_FCR_VALUE = {-1: None, 0: False, 1: True}
_EFFORT, _GAP = 1, 2


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


def case_id_of(first: Contact) -> str:
    """A case's id, from its customer and first contact (stable across runs and stores)."""
    return stable_id("case", first.customer_id or f"unknown:{first.id}", first.id)


class CaseList(BuiltOnRead[CaseFacts]):
    """Cases in report order (opened first; no time last; then id), each read as a `CaseFacts`."""

    def __init__(
        self,
        contacts: Sequence[Contact],
        positions: IdIndex,
        members: array[int],
        ends: array[int],
        digests: bytes,
        fcr: array[int],
        flags: bytes,
    ) -> None:
        self._contacts = contacts
        self._positions = positions  # conversation id -> position in `contacts`
        self._members = members  # positions in `contacts`, case after case
        self._ends = ends  # end of each case's members in `_members`
        self._digests = digests
        self._fcr = fcr
        self._flags = flags

    @cached_property
    def _case_at(self) -> array[int]:
        """Position in `contacts` -> index of its case here (built at the first lookup)."""
        case_at = array("I", [_NOT_LINKED]) * len(self._contacts)
        for index in range(len(self._ends)):
            for position in self._members_of(index):
                case_at[position] = index
        return case_at

    @classmethod
    def link(cls, contacts: Sequence[Contact], groups: Iterable[Sequence[int]]) -> CaseList:
        """Cases from `groups` (positions in `contacts`, each group in time order), sorted into
        report order. Columns are filled group by group: no record per case is ever built."""
        members, ends, digests = array("I"), array("I"), bytearray()
        fcr, flags, no_time, opened = array("b"), bytearray(), array("b"), array("q")
        for group in groups:
            first = contacts[group[0]]
            members.extend(group)
            ends.append(len(members))
            digests += bytes.fromhex(case_id_of(first)[len(_PREFIX) :])
            outcome = first.outcome
            fcr.append(_FCR_CODE[None if outcome is None else (outcome in CLOSING_OUTCOMES and len(group) == 1)])
            grouped = [contacts[p] for p in group] if len(group) > 1 else [first]
            flags.append(
                (_EFFORT if any(m.has(Behaviour.CUSTOMER_EFFORT) for m in grouped) else 0)
                | (_GAP if any(m.has(Behaviour.SYSTEM_GAP) for m in grouped) else 0)
            )
            start = first.start
            no_time.append(start is None)
            opened.append(0 if start is None else epoch_micros(start))
        # Report order as summarise_cases always had it: (no time, opened, id); the digest's bytes
        # sort as its hex id does.
        keys = np.frombuffer(bytes(digests), dtype=np.uint8).reshape(-1, _DIGEST_BYTES)
        hi = keys[:, :8].copy().view(">u8").ravel() if len(keys) else np.empty(0, ">u8")
        lo = keys[:, 8:].copy().view(">u2").ravel() if len(keys) else np.empty(0, ">u2")
        order = np.lexsort((lo, hi, np.frombuffer(opened, dtype=np.int64), np.frombuffer(no_time, dtype=np.int8)))
        linked = cls(contacts, IdIndex.of_contacts(contacts), members, ends, bytes(digests), fcr, bytes(flags))
        return linked._in_order(order)

    def subset(self, indices: Iterable[int]) -> CaseList:
        """The cases at `indices` (kept in report order), over the same contacts."""
        return self._in_order(sorted(indices))

    def _in_order(self, order: Iterable[int]) -> CaseList:
        """The cases at the indices of `order`, in that order, over the same contacts and index."""
        members, ends, digests, fcr, flags = array("I"), array("I"), bytearray(), array("b"), bytearray()
        for index in order:
            index = int(index)
            members.extend(self._members_of(index))
            ends.append(len(members))
            digests += self._digests[index * _DIGEST_BYTES : (index + 1) * _DIGEST_BYTES]
            fcr.append(self._fcr[index])
            flags.append(self._flags[index])
        return CaseList(self._contacts, self._positions, members, ends, bytes(digests), fcr, bytes(flags))

    # Columns, read without building a record.
    def size(self, index: int) -> int:
        """How many contacts case `index` links."""
        return self._ends[index] - (self._ends[index - 1] if index else 0)

    def first_contact_resolved(self, index: int) -> bool | None:
        return _FCR_VALUE[self._fcr[index]]

    def customer_effort(self, index: int) -> bool:
        return bool(self._flags[index] & _EFFORT)

    def system_gap(self, index: int) -> bool:
        return bool(self._flags[index] & _GAP)

    def case_id(self, index: int) -> str:
        return _PREFIX + self._digests[index * _DIGEST_BYTES : (index + 1) * _DIGEST_BYTES].hex()

    def index_of(self, conversation_id: str) -> int | None:
        """The index of the case that links `conversation_id` (None when no case here does)."""
        position = self._positions.get(conversation_id)
        if position is None:
            return None
        index = self._case_at[position]
        return None if index == _NOT_LINKED else index

    def index_of_case(self, case_id: str) -> int | None:
        """The index of case `case_id` (a scan of the digests: for lookups by id, not per contact)."""
        if not case_id.startswith(_PREFIX):
            return None
        try:
            wanted = bytes.fromhex(case_id[len(_PREFIX) :])
        except ValueError:
            return None
        found = self._digests.find(wanted)
        while found >= 0 and found % _DIGEST_BYTES:
            found = self._digests.find(wanted, found + 1)
        return None if found < 0 else found // _DIGEST_BYTES

    def contact_count(self) -> int:
        return len(self._members)

    def case_of(self) -> CaseOf:
        return CaseOf(self)

    def conversation_ids(self) -> Iterator[str]:
        """The ids of the conversations linked, case after case."""
        return (self._contacts[position].id for position in self._members)

    def _members_of(self, index: int) -> array[int]:
        return self._members[self._ends[index - 1] if index else 0 : self._ends[index]]

    def _item(self, index: int) -> CaseFacts:
        members = [self._contacts[p] for p in self._members_of(index)]
        first = members[0]
        case = Case(
            id=self.case_id(index),
            customer_id=first.customer_id or f"unknown:{first.id}",
            conversation_ids=tuple(m.id for m in members),
            channels=tuple(dict.fromkeys(m.channel for m in members)),
            opened_at=first.start,
            last_contact_at=first.start if len(members) == 1 else members[-1].start,
            topic=first.reason,
        )
        return CaseFacts(
            case=case,
            contacts=len(members),
            outcomes=tuple(m.outcome for m in members),
            reason=first.reason,
            first_contact_resolved=self.first_contact_resolved(index),
            customer_effort=self.customer_effort(index),
            system_gap=self.system_gap(index),
            flag_quotes=_flag_quotes(members) if self._flags[index] else (),
        )

    def __len__(self) -> int:
        return len(self._ends)


class CaseOf(Mapping[str, str]):
    """Conversation id -> case id, for the conversations a `CaseList` links (no dict of them)."""

    def __init__(self, cases: CaseList) -> None:
        self._cases = cases

    def __getitem__(self, conversation_id: str) -> str:
        index = self._cases.index_of(conversation_id)
        if index is None:
            raise KeyError(conversation_id)
        return self._cases.case_id(index)

    def __contains__(self, conversation_id: object) -> bool:
        return isinstance(conversation_id, str) and self._cases.index_of(conversation_id) is not None

    def __len__(self) -> int:
        return self._cases.contact_count()

    def case_size(self, conversation_id: str) -> int:
        """How many contacts the case of `conversation_id` links (0 when none here does)."""
        index = self._cases.index_of(conversation_id)
        return 0 if index is None else self._cases.size(index)

    def __iter__(self) -> Iterator[str]:
        return self._cases.conversation_ids()


def _flag_quotes(members: list[Contact]) -> tuple[Quote, ...]:
    """customer_effort / system_gap evidence of a case, quoted from its contacts."""
    quotes = []
    for contact in members:
        for label in (Behaviour.CUSTOMER_EFFORT, Behaviour.SYSTEM_GAP):
            for finding in contact.findings(label):
                q = quote(contact.conversation, finding.turn, finding.start, finding.end)
                if q is not None:
                    quotes.append(q)
    return tuple(quotes)


EMPTY_CASES = CaseList.link((), ())
