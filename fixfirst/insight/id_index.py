"""Conversation id -> position in a scope's contacts, in 12 bytes a contact instead of a dict.

Why: the case list answers "which case is this conversation in" for every contact several times
(promises, root causes, surveys), so it needs the position of an id. A dict of a million ids to
their positions cost about 90 bytes a contact (its entries and an int object each). Here the ids'
hashes are kept sorted in one array with the position of each beside it; a lookup bisects the
hashes (in C) and confirms the id itself, so two ids with one hash still find their own rows.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence

import numpy as np

from fixfirst.insight.contacts import Contact


class IdIndex:
    """Positions of `ids` (unique) by id; the ids themselves stay with their owner."""

    __slots__ = ("_ids", "_hashes", "_positions")

    def __init__(self, ids: Sequence[str]) -> None:
        self._ids = ids
        hashes = np.fromiter((hash(i) for i in ids), dtype=np.int64, count=len(ids))
        order = np.argsort(hashes, kind="stable")
        self._hashes = array("q", hashes[order].tobytes())
        self._positions = array("I", order.astype(np.uint32).tobytes())

    @classmethod
    def of_contacts(cls, contacts: Sequence[Contact]) -> IdIndex:
        """The index of a contacts sequence: a ContactTable's own (built once, shared by every reader),
        else one that reads each id from its contact (no list of id strings held)."""
        shared = getattr(contacts, "id_index", None)
        return shared if isinstance(shared, IdIndex) else cls(_IdsOf(contacts))

    def get(self, conversation_id: str) -> int | None:
        """The position of `conversation_id` in the ids (None when it is not among them)."""
        wanted = hash(conversation_id)
        at = bisect_left(self._hashes, wanted)
        while at < len(self._hashes) and self._hashes[at] == wanted:
            position = self._positions[at]
            if self._ids[position] == conversation_id:
                return position
            at += 1
        return None

    def __len__(self) -> int:
        return len(self._positions)


class _IdsOf(Sequence[str]):
    """The ids of `contacts`, each read from its contact when asked for."""

    __slots__ = ("_contacts",)

    def __init__(self, contacts: Sequence[Contact]) -> None:
        self._contacts = contacts

    def __getitem__(self, position: int) -> str:  # type: ignore[override]
        return self._contacts[position].id

    def __len__(self) -> int:
        return len(self._contacts)

    def __iter__(self) -> Iterator[str]:
        return (c.id for c in self._contacts)
