"""Speaker turns from timed speech: each party's transcribed segments, merged in time order.

Stereo recordings (one party per channel) give each segment its speaker for free; a turn is the
run of one party's segments until the other party speaks or a pause longer than `TURN_GAP_S`.
"""

from __future__ import annotations

from dataclasses import dataclass

#: A pause this long inside one party's speech starts a new turn.
TURN_GAP_S = 2.0


@dataclass(frozen=True)
class Segment:
    """Speech of one party: [start, end) seconds from the start of the recording, and its words."""

    party: str  # "agent" or "customer"
    start: float
    end: float
    text: str
    words: int = 0
    #: Each word with its [start, end) seconds in the recording (from Whisper's word times).
    timed_words: tuple[tuple[float, float, str], ...] = ()


@dataclass(frozen=True)
class TimedTurn:
    party: str
    start: float
    end: float
    text: str
    words: int


def turns_of(segments: list[Segment], *, gap_s: float = TURN_GAP_S) -> list[TimedTurn]:
    """Segments of both parties in start order, consecutive ones of a party within `gap_s` joined."""
    turns: list[TimedTurn] = []
    for seg in sorted((s for s in segments if s.text.strip()), key=lambda s: (s.start, s.party)):
        last = turns[-1] if turns else None
        if last is not None and last.party == seg.party and seg.start - last.end <= gap_s:
            turns[-1] = TimedTurn(last.party, last.start, max(last.end, seg.end),
                                  f"{last.text} {seg.text.strip()}", last.words + seg.words)
        else:
            turns.append(TimedTurn(seg.party, seg.start, seg.end, seg.text.strip(), seg.words))
    return turns
