"""Compact, read-only views of a conversation and its analysis result: what the insight stage reads.

Why: a report covers every contact of a company, and the full pydantic models cost about 15 KB a
contact in memory (7 KB the conversation, 8 KB the result with its explanations), so 100,000
contacts needed 2.2 GiB. The insight stage only reads who, when, which channel, the turns' words
(to quote them) and the findings' spans, so it holds these slotted views instead - the same
attribute names as the models, so `quote()` and every insight module read either - and the few
conversations a report shows in full are read back from the store (`report_from_insights`).
Repeated strings (authors, teams, channels, labels) are interned once.

A conversation's turns are packed (`PackedTurns`: one compressed UTF-8 blob, one byte a role, times
as integers) and unpacked into `TurnView`s on each read: the per-turn objects (a view, a string and
a datetime each) were a third of a contact's memory, and a contact's turns are read a handful of
times (reason, references, promises, quotes), which costs microseconds. Turn indices are positions
(`Conversation` enforces 0..n-1).
"""

from __future__ import annotations

import sys
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache

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


#: Stands for "no time" among a conversation's turn times (no real time is this far from 1970).
_NO_TIME = -(2**63)


def _micros(moment: datetime) -> int:
    epoch = _NAIVE_EPOCH if moment.tzinfo is None else _AWARE_EPOCH
    return (moment - epoch) // timedelta(microseconds=1)


@dataclass(frozen=True, slots=True, eq=False)
class PackedTurns:
    """A conversation's turns in a few flat objects; `unpack()` gives back equal `TurnView`s.

    Texts are one zlib-compressed UTF-8 blob with the byte offset where each turn ends; times are
    microseconds since the epoch with the one time zone they share (a conversation whose turns mix
    zones keeps its datetimes as they are).
    """

    roles: bytes
    authors: tuple[str | None, ...]
    blob: bytes
    ends: array
    micros: array | None  # None when no turn has a time; _NO_TIME for a turn without one
    zone: tzinfo | None
    stamps: tuple[datetime | None, ...] | None  # only when the turns' zones differ

    @classmethod
    def of(cls, turns: Sequence) -> PackedTurns:
        encoded = [t.text.encode("utf-8") for t in turns]
        ends, offset = array("I"), 0
        for chunk in encoded:
            offset += len(chunk)
            ends.append(offset)
        stamps = [t.ts for t in turns]
        zones = {s.tzinfo for s in stamps if s is not None}
        micros = stamps_kept = None
        zone = None
        if len(zones) == 1:
            zone = next(iter(zones))
            micros = array("q", (_NO_TIME if s is None else _micros(s) for s in stamps))
        elif zones:
            stamps_kept = tuple(stamps)
        return cls(
            roles=bytes(_ROLE_CODE[t.role] for t in turns),
            authors=tuple(_intern(t.author) for t in turns),
            blob=zlib.compress(b"".join(encoded)),
            ends=ends,
            micros=micros,
            zone=zone,
            stamps=stamps_kept,
        )

    def stamp(self, index: int) -> datetime | None:
        if self.stamps is not None:
            return self.stamps[index]
        if self.micros is None or self.micros[index] == _NO_TIME:
            return None
        if self.zone is None:
            return _NAIVE_EPOCH + timedelta(microseconds=self.micros[index])
        return (_AWARE_EPOCH + timedelta(microseconds=self.micros[index])).astimezone(self.zone)

    def unpack(self) -> tuple[TurnView, ...]:
        return _unpacked(self)


@lru_cache(maxsize=256)
def _unpacked(packed: PackedTurns) -> tuple[TurnView, ...]:
    """The turns of `packed`; the last few conversations' stay unpacked, since insight functions read
    a contact's turns several times in a row (its reason, then a quote from it). Keyed by identity
    (PackedTurns has eq=False)."""
    raw = zlib.decompress(packed.blob)
    views, start = [], 0
    for index, end in enumerate(packed.ends):
        text = raw[start:end].decode("utf-8")
        views.append(TurnView(index, _ROLES[packed.roles[index]], packed.authors[index], text, packed))
        start = end
    return tuple(views)


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
    def of(cls, conversation: Conversation | ConversationView) -> ConversationView:
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
        """Role and author of turn `turn` without unpacking the texts; None when out of range."""
        packed = self.packed
        if not 0 <= turn < len(packed.roles):
            return None
        return _ROLES[packed.roles[turn]], packed.authors[turn]

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
    """An analysis result without explanations, copied texts or the score breakdown."""

    id: str
    outcome: OutcomeView
    findings: tuple[SpanView, ...]
    score: ScoreView | None

    @classmethod
    def of(cls, result: AnalysisResult | ResultView) -> ResultView:
        if isinstance(result, ResultView):
            return result
        verdict = result.outcome
        return cls(
            id=result.id,
            outcome=OutcomeView(
                label=verdict.label,
                confidence=verdict.confidence,
                evidence=tuple(
                    SpanView(verdict.label.value, e.turn, e.start, e.end, verdict.confidence)
                    for e in verdict.evidence
                ),
            ),
            findings=tuple(
                SpanView(sys.intern(f.label), f.turn, f.start, f.end, f.confidence) for f in result.findings
            ),
            score=None if result.score is None else ScoreView(result.score.points),
        )


#: What insight functions accept where they read a conversation's words.
ConversationLike = Conversation | ConversationView
