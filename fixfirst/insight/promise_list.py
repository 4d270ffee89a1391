"""A scope's promises packed in arrays, each `Promise` record built again from its contacts when read.

Why: about one contact in five makes a promise, and held as records (the promise, two quotes with
their text, its id, case id and times) a promise cost about 780 bytes, so a million contacts held
some 140 MB of promises of which a report shows a dozen. Here a promise costs its contact's
position, which of that contact's promise sentences it is, the position of the later contact that
decided its verdict, its status, team and time: about 30 bytes. Reading one re-extracts that
contact's promises and re-judges it against that one later contact, which gives the same record
(the verdict is the first later contact that chases it or shows it done, or none).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from fixfirst.insight.built_on_read import BuiltOnRead
from fixfirst.insight.views import NO_TIME, epoch_micros
from fixfirst.model import stable_id

if TYPE_CHECKING:
    from fixfirst.insight.commitments import Promise, PromiseStatus

#: Position of "no later contact decided it" in the later-contact column.
NO_LATER = 0xFFFFFFFF

#: Builds a promise again: (contact position, index among that contact's promises, later position).
Rebuild = Callable[[int, int, int], "Promise"]


class PromiseList(BuiltOnRead["Promise"]):
    """Promises in the order they were made (contact after contact, sentence after sentence)."""

    def __init__(self, contacts: Sequence[object], rebuild: Rebuild | None) -> None:
        self._contacts = contacts  # whatever `rebuild` reads; only ids are read here
        self._rebuild = rebuild
        self._position = array("I")
        self._nth = array("H")
        self._later = array("I")
        self._status: list[PromiseStatus] = []  # shared enum members: 8 bytes a promise
        self._team: list[str | None] = []  # shared strings
        self._made_at = array("q")
        self._turn = array("I")
        self._start = array("I")

    def append(self, promise: Promise, position: int, nth: int, later: int) -> None:
        """Keep `promise` (made at contact `position`, its `nth` promise) by what rebuilds it."""
        self._position.append(position)
        self._nth.append(nth)
        self._later.append(later)
        self._status.append(promise.status)
        self._team.append(promise.team)
        self._made_at.append(epoch_micros(promise.made_at))
        self._turn.append(promise.evidence.turn)
        self._start.append(promise.evidence.start)

    def subset(self, indices: Iterable[int]) -> PromiseList:
        """The promises at `indices`, in their order here."""
        kept = PromiseList(self._contacts, self._rebuild)
        for i in sorted(indices):
            kept._position.append(self._position[i])
            kept._nth.append(self._nth[i])
            kept._later.append(self._later[i])
            kept._status.append(self._status[i])
            kept._team.append(self._team[i])
            kept._made_at.append(self._made_at[i])
            kept._turn.append(self._turn[i])
            kept._start.append(self._start[i])
        return kept

    # Columns, read without building a record.
    def status(self, index: int) -> PromiseStatus:
        return self._status[index]

    def statuses(self) -> Iterator[PromiseStatus]:
        return iter(self._status)

    def team(self, index: int) -> str | None:
        return self._team[index]

    def conversation_id(self, index: int) -> str:
        return self._contacts[self._position[index]].id  # type: ignore[attr-defined, no-any-return]

    def sort_key(self, index: int) -> tuple[bool, int, str]:
        """(no time, time, id): the order of `(made_at is None, made_at, id)` over the records."""
        made_at = self._made_at[index]
        promise_id = stable_id("promise", self.conversation_id(index), self._turn[index], self._start[index])
        return made_at == NO_TIME, 0 if made_at == NO_TIME else made_at, promise_id

    def _item(self, index: int) -> Promise:
        assert self._rebuild is not None
        return self._rebuild(self._position[index], self._nth[index], self._later[index])

    def __len__(self) -> int:
        return len(self._position)


NO_PROMISES = PromiseList((), None)
