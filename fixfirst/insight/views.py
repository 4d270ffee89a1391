"""Compact, read-only views of a conversation and its analysis result: what the insight stage reads.

Why: a report covers every contact of a company, and the full pydantic models cost about 15 KB a
contact in memory (7 KB the conversation, 8 KB the result with its explanations), so 100,000
contacts needed 2.2 GiB. The insight stage only reads who, when, which channel, the turns' words
(to quote them) and the findings' spans, so it holds these slotted views instead - the same
attribute names as the models, so `quote()` and every insight module read either - and the few
conversations a report shows in full are read back from the store (`report_from_insights`).
Repeated strings (agents' names, teams, channels, labels) are interned once.

A report or dashboard scope read from a store goes one step further and holds its contacts column
by column, their packed turns in a temporary file (`fixfirst.insight.contact_table`); these views
are what a row is read back as.

A conversation's turns are packed (`PackedTurns`: one compressed UTF-8 blob, one byte a role, times
as integers) and unpacked into `TurnView`s on each read: the per-turn objects (a view, a string and
a datetime each) were a third of a contact's memory, and a contact's turns are read a handful of
times (reason, references, promises, quotes), which costs microseconds. Turn indices are positions
(`Conversation` enforces 0..n-1).
"""

from __future__ import annotations

import struct
import sys
import threading
import zlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import NamedTuple

from fixfirst.model import AnalysisResult, Conversation, Outcome, Role


def _intern(value: str | None) -> str | None:
    return None if value is None else sys.intern(value)


@dataclass(frozen=True, slots=True)
class TurnView:
    """One turn: its position, speaker and words (what quotes and promise checks read); its time is
    read from the packed turns only when asked for (few readers need it)."""

    index: int
    role: Role
    author: str | None
    text: str
    packed: PackedTurns = field(repr=False, compare=False)

    @property
    def ts(self) -> datetime | None:
        return self.packed.stamp(self.index)


_ROLES = tuple(Role)
_ROLE_CODE = {role: code for code, role in enumerate(_ROLES)}
_NAIVE_EPOCH = datetime(1970, 1, 1)
_AWARE_EPOCH = _NAIVE_EPOCH.replace(tzinfo=UTC)


#: Stands for "no time" in a column of times (no real time is this far from 1970).
NO_TIME = -(2**63)
#: Start of a packed blob: the number of turns, then whether times follow (1) or not (0).
_HEAD = struct.Struct("<IB")


def epoch_micros(moment: datetime | None) -> int:
    """Microseconds since 1970 (a naive time is read as UTC; None is `NO_TIME`): 8 bytes in an array
    where a datetime object costs 48, and the same order as the times themselves."""
    if moment is None:
        return NO_TIME
    epoch = _NAIVE_EPOCH if moment.tzinfo is None else _AWARE_EPOCH
    return (moment - epoch) // timedelta(microseconds=1)


class TurnParts(NamedTuple):
    """A turn's stored columns, enough to pack it (the model's `Turn` has the same attributes)."""

    role: Role
    author: str | None
    text: str
    ts: datetime | None


@dataclass(frozen=True, slots=True)
class PlainConversation:
    """A stored conversation's columns as plain values (`Store.iter_analysed_rows`), with the
    attributes the insight stage reads of a `Conversation`: the report reads every contact, and
    building and validating the model for each cost a tenth of its time."""

    id: str
    channel: str
    company: str | None
    team: str | None
    customer_id: str | None
    started_at: datetime | None
    agent_ids: tuple[str, ...]
    turns: tuple[TurnParts, ...]

    def customer_turns(self) -> list[TurnParts]:
        return [t for t in self.turns if t.role is Role.CUSTOMER]


@dataclass(frozen=True, slots=True, eq=False)
class PackedTurns:
    """A conversation's turns in a few small objects; `unpack()` gives back equal `TurnView`s.

    `speakers` holds one byte a role, then each turn's index into `authors` (the distinct authors;
    one byte each, two when there are more than 256), so who spoke a turn is read without
    decompressing. `blob` is one zlib-compressed byte string: the turn count, whether times follow,
    the byte offset where each turn's text ends, the times as microseconds since the epoch (when
    the turns share one time zone, `zone`) and the UTF-8 texts. Separate arrays for each cost a
    header each, more than their data; a conversation whose turns mix zones keeps its datetimes as
    they are (`stamps`).
    """

    speakers: bytes
    authors: tuple[str | None, ...]
    blob: bytes
    zone: tzinfo | None
    stamps: tuple[datetime | None, ...] | None  # only when the turns' zones differ

    @classmethod
    def of(cls, turns: Sequence) -> PackedTurns:
        encoded = [t.text.encode("utf-8") for t in turns]
        # Agents' names are shared by many conversations, so they are interned; a customer's name
        # (often a pseudonym of one customer) is not: the interned table never shrinks back, and at
        # a million contacts it grew by 190 MB.
        authors = tuple(dict.fromkeys(_intern(t.author) if t.role is Role.AGENT else t.author for t in turns))
        author_code = {author: code for code, author in enumerate(authors)}
        ends, offset = array("I"), 0
        for chunk in encoded:
            offset += len(chunk)
            ends.append(offset)
        stamps = [t.ts for t in turns]
        zones = {s.tzinfo for s in stamps if s is not None}
        micros = stamps_kept = zone = None
        if len(zones) == 1:
            zone = next(iter(zones))
            micros = array("q", (epoch_micros(s) for s in stamps))
        elif zones:
            stamps_kept = tuple(stamps)
        width = _author_width(len(authors))
        codes = b"".join(author_code[t.author].to_bytes(width, "little") for t in turns)
        parts = [
            _HEAD.pack(len(turns), micros is not None),
            ends.tobytes(),
            b"" if micros is None else micros.tobytes(),
            *encoded,
        ]
        return cls(
            speakers=bytes(_ROLE_CODE[t.role] for t in turns) + codes,
            authors=authors,
            blob=zlib.compress(b"".join(parts)),
            zone=zone,
            stamps=stamps_kept,
        )

    def __len__(self) -> int:
        return len(self.speakers) // (1 + _author_width(len(self.authors)))

    def speaker(self, index: int) -> tuple[Role, str | None]:
        """Role and author of turn `index` (0 <= index < len(self))."""
        width = _author_width(len(self.authors))
        at = len(self.speakers) // (1 + width) + index * width
        return _ROLES[self.speakers[index]], self.authors[int.from_bytes(self.speakers[at : at + width], "little")]

    def stamp(self, index: int) -> datetime | None:
        if self.stamps is not None:
            return self.stamps[index]
        micros = _decoded(self)[1]
        if micros is None or micros[index] == NO_TIME:
            return None
        if self.zone is None:
            return _NAIVE_EPOCH + timedelta(microseconds=micros[index])
        return (_AWARE_EPOCH + timedelta(microseconds=micros[index])).astimezone(self.zone)

    def unpack(self) -> tuple[TurnView, ...]:
        return _decoded(self)[0]


def _author_width(distinct: int) -> int:
    """Bytes per author index: one for up to 256 distinct authors, else two (a turn limit keeps
    a conversation far under 65,536 authors)."""
    return 1 if distinct <= 256 else 2


def _array(typecode: str, raw: bytes, start: int, count: int) -> tuple[array, int]:
    values = array(typecode)
    end = start + count * values.itemsize
    values.frombytes(raw[start:end])
    return values, end


@lru_cache(maxsize=256)
def _decoded(packed: PackedTurns) -> tuple[tuple[TurnView, ...], array | None]:
    """The turns of `packed` and their times (microseconds, or None); the last few conversations'
    stay decoded, since insight functions read a contact's turns several times in a row (its
    reason, then a quote from it). Keyed by identity (PackedTurns has eq=False)."""
    raw = zlib.decompress(packed.blob)
    count, timed = _HEAD.unpack_from(raw)
    ends, position = _array("I", raw, _HEAD.size, count)
    micros, position = _array("q", raw, position, count) if timed else (None, position)
    authors = _author_indices(packed, count)
    views, start = [], position
    for index in range(count):
        end = position + ends[index]
        role, author = _ROLES[packed.speakers[index]], packed.authors[authors[index]]
        views.append(TurnView(index, role, author, raw[start:end].decode("utf-8"), packed))
        start = end
    return tuple(views), micros


def _author_indices(packed: PackedTurns, count: int) -> Sequence[int]:
    codes = packed.speakers[count:]
    if _author_width(len(packed.authors)) == 1:
        return codes
    return [int.from_bytes(codes[at : at + 2], "little") for at in range(0, len(codes), 2)]


@dataclass(frozen=True, slots=True)
class ConversationView:
    """A conversation without metadata or per-turn flags; `turns[i].text` is the stored text."""

    id: str
    channel: str
    company: str | None
    team: str | None
    customer_id: str | None
    started_at: datetime | None
    agent_ids: tuple[str, ...]
    packed: PackedTurns

    @property
    def turns(self) -> tuple[TurnView, ...]:
        """The turns, unpacked on each read (keep the tuple while you use it)."""
        return self.packed.unpack()

    @classmethod
    def of(cls, conversation: Conversation | PlainConversation | ConversationView) -> ConversationView:
        if isinstance(conversation, ConversationView):
            return conversation
        return cls(
            id=conversation.id,
            channel=sys.intern(conversation.channel),
            company=_intern(conversation.company),
            team=_intern(conversation.team),
            customer_id=conversation.customer_id,
            started_at=conversation.started_at,
            agent_ids=tuple(sys.intern(a) for a in conversation.agent_ids),
            packed=PackedTurns.of(conversation.turns),
        )

    def speaker(self, turn: int) -> tuple[Role, str | None] | None:
        """Role and author of turn `turn` without decompressing the texts; None when out of range."""
        if not 0 <= turn < len(self.packed):
            return None
        return self.packed.speaker(turn)

    def customer_turns(self) -> list[TurnView]:
        return [t for t in self.turns if t.role is Role.CUSTOMER]

    def agent_turns(self) -> list[TurnView]:
        return [t for t in self.turns if t.role is Role.AGENT]


@dataclass(frozen=True, slots=True)
class SpanView:
    """Where a finding (or a piece of outcome evidence) points: [start, end) of one turn's text."""

    label: str
    turn: int
    start: int
    end: int
    confidence: float


#: One span in a packed result: label code, turn, start, end, confidence (exact: a float64).
_SPAN = struct.Struct("<IIIId")
_SPAN_LABELS: list[str] = []
_SPAN_CODE: dict[str, int] = {}
_SPAN_LOCK = threading.Lock()


def _pack_spans(spans: Iterable[tuple[str, int, int, int, float]]) -> bytes:
    packed = bytearray()
    for label, turn, start, end, confidence in spans:
        code = _SPAN_CODE.get(label)
        if code is None:
            with _SPAN_LOCK:
                code = _SPAN_CODE.get(label)
                if code is None:
                    code = _SPAN_CODE[label] = len(_SPAN_LABELS)
                    _SPAN_LABELS.append(sys.intern(label))
        packed += _SPAN.pack(code, turn, start, end, confidence)
    return bytes(packed)


@lru_cache(maxsize=1024)
def _unpack_spans(packed: bytes, start: int, stop: int) -> tuple[SpanView, ...]:
    """The spans `start:stop` of `packed`; recent ones stay built (a contact's findings are read
    by several insight functions in a row, and equal bytes are equal spans)."""
    return tuple(
        SpanView(_SPAN_LABELS[code], turn, begin, end, confidence)
        for code, turn, begin, end, confidence in _SPAN.iter_unpack(packed[start * _SPAN.size : stop * _SPAN.size])
    )


def packed_findings(spans: bytes, evidence_count: int) -> tuple[SpanView, ...]:
    """The findings of a packed result (`ResultView.spans`): the spans after its evidence."""
    return _unpack_spans(spans, evidence_count, len(spans) // _SPAN.size)


@dataclass(frozen=True, slots=True)
class OutcomeView:
    label: Outcome
    confidence: float
    evidence: tuple[SpanView, ...]


@dataclass(frozen=True, slots=True)
class ScoreView:
    points: float


@dataclass(frozen=True, slots=True)
class ResultView:
    """An analysis result without explanations, copied texts or the score breakdown.

    The outcome's evidence and the findings are packed in one byte string (`spans`, the first
    `evidence_count` spans are the evidence) and built into `SpanView`s when read: a span object
    with its numbers cost about 100 bytes against 24 packed, and a report holds every contact's.
    """

    id: str
    label: Outcome
    confidence: float
    points: float | None
    spans: bytes = field(repr=False)
    evidence_count: int

    @property
    def outcome(self) -> OutcomeView:
        return OutcomeView(self.label, self.confidence, _unpack_spans(self.spans, 0, self.evidence_count))

    @property
    def findings(self) -> tuple[SpanView, ...]:
        return packed_findings(self.spans, self.evidence_count)

    @property
    def score(self) -> ScoreView | None:
        return None if self.points is None else ScoreView(self.points)

    @classmethod
    def of(cls, result: AnalysisResult | ResultView, *, id: str | None = None) -> ResultView:
        """`id`: the conversation's own id string, shared instead of holding a second copy."""
        if isinstance(result, ResultView):
            return result
        verdict = result.outcome
        return cls.from_parts(
            id=id if id == result.id else result.id,
            label=verdict.label,
            confidence=verdict.confidence,
            points=None if result.score is None else result.score.points,
            evidence=[(e.turn, e.start, e.end) for e in verdict.evidence],
            findings=[(f.label, f.turn, f.start, f.end, f.confidence) for f in result.findings],
        )

    @classmethod
    def from_parts(
        cls,
        *,
        id: str,  # noqa: A002 - the model's field name
        label: Outcome,
        confidence: float,
        points: float | None,
        evidence: Sequence[tuple[int, int, int]],
        findings: Sequence[tuple[str, int, int, int, float]],
    ) -> ResultView:
        """From stored columns: `evidence` as (turn, start, end), `findings` as (label, turn,
        start, end, confidence) in the result's order."""
        spans = [(label.value, turn, start, end, confidence) for turn, start, end in evidence]
        return cls(
            id=id,
            label=label,
            confidence=confidence,
            points=points,
            spans=_pack_spans([*spans, *findings]),
            evidence_count=len(spans),
        )


#: What insight functions accept where they read a conversation's words.
ConversationLike = Conversation | ConversationView | PlainConversation
