"""A scope's contacts held column by column, their turns spilled to a temporary file.

Why: a report or a dashboard scope reads every contact of a company at once. Held whole
(`HeldContact`), a contact costs about 1.6 KB - three slotted views, datetimes, floats, strings and
its packed turns - so a million contacts took 1.6 GB before any insight was computed. Here a contact
costs its id and customer id strings (shared with every case and quote that names them), a 4-byte
code for each of its few-valued facts (channel, company, team, reason, agents, label set, outcome),
its times and numbers in arrays, and the offset of its turns and finding spans in an unnamed
temporary file. The turns - compressed text, speakers and authors, the bulk of a contact - and the
packed spans are read back from that file only when a module reads `contact.conversation` (a
reason, a quote, a promise, a named policy) or the findings of a label the contact has (its label
set is a column, so `has` reads no file); the last few read stay built.

Rows are handed out as `StoredContact`s: two-slot handles that read the columns on each access, so
every insight module reads them as it reads a `HeldContact`, and a list of them costs 64 bytes a
contact. The file lives as long as the table (the operating system removes it when it is closed).
"""

from __future__ import annotations

import math
import os
import pickle
import tempfile
from array import array
from collections.abc import Hashable
from datetime import datetime, timedelta
from functools import cached_property, lru_cache, partial
from typing import Generic, TypeVar

from fixfirst.insight.built_on_read import BuiltOnRead
from fixfirst.insight.contacts import Contact
from fixfirst.insight.id_index import IdIndex
from fixfirst.insight.packed_strings import PackedStrings
from fixfirst.insight.views import (
    NO_TIME,
    ConversationView,
    PackedTurns,
    ResultView,
    SpanView,
    epoch_micros,
    packed_findings,
)
from fixfirst.model import Outcome, Role

T = TypeVar("T", bound=Hashable)

_EPOCH = datetime(1970, 1, 1)
#: Conversations whose turns stay built after a read: modules read one contact's turns a few times
#: in a row (its reason, then a quote from it).
KEPT_BUILT = 256


class _Codes(Generic[T]):
    """A column of few distinct values (teams, reasons, agent tuples, label sets): a 4-byte code a
    row, each distinct value held once."""

    __slots__ = ("values", "_code_of", "codes")

    def __init__(self) -> None:
        self.values: list[T] = []
        self._code_of: dict[T, int] = {}
        self.codes = array("I")

    def append(self, value: T) -> None:
        code = self._code_of.get(value)
        if code is None:
            code = self._code_of[value] = len(self.values)
            self.values.append(value)
        self.codes.append(code)

    def __getitem__(self, row: int) -> T:
        return self.values[self.codes[row]]


class _Times:
    """Naive datetimes (a contact's start and end are naive UTC) as microseconds since 1970: 8 bytes
    a row instead of a 48-byte object."""

    __slots__ = ("_micros",)

    def __init__(self) -> None:
        self._micros = array("q")

    def append(self, moment: datetime | None) -> None:
        if moment is not None and moment.tzinfo is not None:
            raise ValueError(f"a contact's times are naive UTC, got {moment.isoformat()}")
        self._micros.append(epoch_micros(moment))

    def __getitem__(self, row: int) -> datetime | None:
        micros = self._micros[row]
        return None if micros == NO_TIME else _EPOCH + timedelta(microseconds=micros)


class _Spill:
    """Byte records appended to an unnamed temporary file and read back by offset: the operating
    system's page cache holds them, not the process."""

    __slots__ = ("_file", "_ends", "_size", "_flushed")

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="fixfirst-contacts-")  # noqa: SIM115 - lives with the table
        self._ends = array("Q")
        self._size = 0
        self._flushed = True

    def append(self, record: bytes) -> None:
        self._file.write(record)
        self._size += len(record)
        self._ends.append(self._size)
        self._flushed = False

    def __getitem__(self, row: int) -> bytes:
        if not self._flushed:
            self._file.flush()
            self._flushed = True
        start = self._ends[row - 1] if row else 0
        return os.pread(self._file.fileno(), self._ends[row] - start, start)

    def close(self) -> None:
        self._file.close()


def _read_turns(spill: _Spill, row: int) -> tuple[datetime | None, PackedTurns, bytes]:
    """A row's start, turns and packed finding spans, as `ContactTable.add` wrote them."""
    started_at, speakers, authors, blob, zone, stamps, spans = pickle.loads(spill[row])
    packed = PackedTurns(speakers=speakers, authors=authors, blob=blob, zone=zone, stamps=stamps)
    return started_at, packed, spans


class ContactTable(BuiltOnRead["StoredContact"]):
    """Contacts added one by one (`add`), read back as `StoredContact`s equal, attribute by
    attribute, to what was added."""

    def __init__(self) -> None:
        self.ids = PackedStrings()
        self.customer_ids = PackedStrings()
        self.channels: _Codes[str] = _Codes()
        self.companies: _Codes[str | None] = _Codes()
        self.teams: _Codes[str | None] = _Codes()
        self.agent_ids: _Codes[tuple[str, ...]] = _Codes()
        self.agents: _Codes[tuple[str, ...]] = _Codes()
        self.reasons: _Codes[str] = _Codes()
        self.labels: _Codes[frozenset[str]] = _Codes()
        self.outcomes: _Codes[Outcome | None] = _Codes()
        self.starts = _Times()
        self.ends = _Times()
        self._confidence = array("d")
        self._points = array("d")  # NaN: no score
        self._evidence = array("I")
        self._turns = _Spill()
        # Cached over the file, not the table: no cycle, so the file closes as soon as the table goes.
        self._built_turns = lru_cache(maxsize=KEPT_BUILT)(partial(_read_turns, self._turns))

    def add(self, contact: Contact) -> None:
        """Keep `contact` (a `HeldContact` from `contact_of`): its turns go to the file."""
        view, result = contact.conversation, contact.result
        self.__dict__.pop("id_index", None)  # built over the rows there were
        self.ids.append(view.id)
        self.customer_ids.append(view.customer_id)
        self.channels.append(view.channel)
        self.companies.append(view.company)
        self.teams.append(view.team)
        self.agent_ids.append(view.agent_ids)
        self.agents.append(contact.agents)
        self.reasons.append(contact.reason)
        self.labels.append(contact.labels)
        self.starts.append(contact.start)
        self.ends.append(contact.end)
        self.outcomes.append(None if result is None else result.label)
        points = None if result is None else result.points
        self._confidence.append(math.nan if result is None else result.confidence)
        self._points.append(math.nan if points is None else points)
        self._evidence.append(0 if result is None else result.evidence_count)
        packed = view.packed  # its fields as a tuple: unpickling a slotted dataclass is 3x slower
        spans = b"" if result is None else result.spans
        record = (view.started_at, packed.speakers, packed.authors, packed.blob, packed.zone, packed.stamps, spans)
        self._turns.append(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))

    @cached_property
    def id_index(self) -> IdIndex:
        """Conversation id -> row, built at the first lookup and shared by every reader of the table
        (cases, surveys, a report's quotes): 12 bytes a row once, not once per reader."""
        return IdIndex(self.ids)

    def conversation(self, row: int) -> ConversationView:
        started_at, packed, _ = self._built_turns(row)
        return ConversationView(
            id=self.ids[row],
            channel=self.channels[row],
            company=self.companies[row],
            team=self.teams[row],
            customer_id=self.customer_ids[row],
            started_at=started_at,
            agent_ids=self.agent_ids[row],
            packed=packed,
        )

    def result(self, row: int) -> ResultView | None:
        label = self.outcomes[row]
        if label is None:
            return None
        return ResultView(
            id=self.ids[row],
            label=label,
            confidence=self._confidence[row],
            points=self.points(row),
            spans=self._built_turns(row)[2],
            evidence_count=self._evidence[row],
        )

    def findings(self, row: int) -> tuple[SpanView, ...]:
        """The result's findings, without building the result (empty when not analysed)."""
        return packed_findings(self._built_turns(row)[2], self._evidence[row])

    def speaker(self, row: int, turn: int) -> tuple[Role, str | None] | None:
        """Role and author of turn `turn` of `row` (None when out of range), without building its view."""
        packed = self._built_turns(row)[1]
        return packed.speaker(turn) if 0 <= turn < len(packed) else None

    def points(self, row: int) -> float | None:
        """The score's points (None when not analysed or not scored)."""
        points = self._points[row]
        return None if math.isnan(points) else points

    def close(self) -> None:
        """Give the turns' file back now (it also goes with the table)."""
        self._built_turns.cache_clear()
        self._turns.close()

    def __len__(self) -> int:
        return len(self._evidence)  # a plain array: asked for on every row read

    def _item(self, index: int) -> StoredContact:
        return StoredContact(self, index)


class StoredContact(Contact):
    """One row of a `ContactTable`; every attribute is read from the table when asked for."""

    __slots__ = ("_table", "_row")

    def __init__(self, table: ContactTable, row: int) -> None:
        self._table = table
        self._row = row

    def __repr__(self) -> str:
        return f"StoredContact({self.id!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StoredContact):
            return NotImplemented
        return self._table is other._table and self._row == other._row

    def __hash__(self) -> int:
        return hash((id(self._table), self._row))

    @property
    def conversation(self) -> ConversationView:  # type: ignore[override]
        return self._table.conversation(self._row)

    @property
    def result(self) -> ResultView | None:  # type: ignore[override]
        return self._table.result(self._row)

    @property
    def reason(self) -> str:  # type: ignore[override]
        column = self._table.reasons
        return column.values[column.codes[self._row]]

    @property
    def start(self) -> datetime | None:  # type: ignore[override]
        return self._table.starts[self._row]

    @property
    def end(self) -> datetime | None:  # type: ignore[override]
        return self._table.ends[self._row]

    @property
    def agents(self) -> tuple[str, ...]:  # type: ignore[override]
        column = self._table.agents
        return column.values[column.codes[self._row]]

    @property
    def labels(self) -> frozenset[str]:  # type: ignore[override]
        labels = self._table.labels
        return labels.values[labels.codes[self._row]]

    # The reads below skip building views: they are asked for every contact, several times.
    @property
    def id(self) -> str:
        return self._table.ids[self._row]

    @property
    def team(self) -> str | None:
        column = self._table.teams
        return column.values[column.codes[self._row]]

    @property
    def channel(self) -> str:
        column = self._table.channels
        return column.values[column.codes[self._row]]

    @property
    def customer_id(self) -> str | None:
        return self._table.customer_ids[self._row]

    @property
    def outcome(self) -> Outcome | None:
        outcomes = self._table.outcomes
        return outcomes.values[outcomes.codes[self._row]]

    @property
    def points(self) -> float | None:
        return self._table.points(self._row)

    def has(self, label: str) -> bool:
        labels = self._table.labels
        return label in labels.values[labels.codes[self._row]]

    def findings(self, label: str) -> list[SpanView]:
        if label not in self._table.labels[self._row]:
            return []
        return [f for f in self._table.findings(self._row) if f.label == label]

    def turn_author(self, turn: int) -> str | None:
        speaker = self._table.speaker(self._row, turn)
        return None if speaker is None else speaker[1]

