"""Call metrics from speech intervals and timed turns - what a contact-centre QA lead reads first.

- talk seconds per party and the agent's talk/listen ratio;
- the longest silence (nobody speaking, between the first and the last speech) and total dead air
  (silences of `DEAD_AIR_S` or more, announced holds excluded);
- hold: from the agent's "let me put you on hold" to their "thanks for holding" (announced holds;
  a long silence the agent thanks the customer for is a hold too);
- overtalk: seconds where both parties speak at once;
- the customer's wait before the agent's first words; words per minute per party.

Speech intervals come from voice-activity detection per channel, not from ASR word times, so the
timing does not depend on how well the words were recognised.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from fixfirst.ingest.calls.timeline import TimedTurn

#: A silence this long is dead air (a finding when it is not an announced hold).
DEAD_AIR_S = 8.0
HOLD_START = re.compile(
    r"\b(?:put|place|placing|putting) you on (?:a (?:brief |short )?)?hold\b"
    r"|\bhold (?:on|the line) (?:for )?a (?:moment|minute|second)\b",
    re.I,
)
HOLD_END = re.compile(
    r"\b(?:thanks?|thank you) (?:(?:so|very) much )?for (?:holding|waiting|your patience)\b"
    r"|\bsorry (?:to keep|for keeping) you waiting\b",
    re.I,
)

Interval = tuple[float, float]


@dataclass(frozen=True)
class Hold:
    start: float
    end: float
    start_turn: int
    end_turn: int


@dataclass(frozen=True)
class Silence:
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class CallMetrics:
    duration_s: float
    agent_talk_s: float
    customer_talk_s: float
    talk_listen_ratio: float | None
    longest_silence_s: float
    dead_air_s: float
    hold_s: float
    overtalk_s: float
    first_answer_s: float | None
    agent_wpm: float | None
    customer_wpm: float | None
    holds: tuple[Hold, ...]
    dead_air: tuple[Silence, ...]

    def as_dict(self) -> dict:
        return asdict(self)


def merged(intervals: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def total(intervals: list[Interval]) -> float:
    return sum(end - start for start, end in merged(intervals))


def overlap(a: list[Interval], b: list[Interval]) -> float:
    """Seconds covered by both interval sets (linear two-pointer walk)."""
    a, b = merged(a), merged(b)
    i = j = 0
    shared = 0.0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        shared += max(0.0, high - low)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return shared


def silences(speech: list[Interval]) -> list[Silence]:
    """Gaps where nobody speaks, between the first and the last speech."""
    spoken = merged(speech)
    return [Silence(prev[1], nxt[0]) for prev, nxt in zip(spoken, spoken[1:], strict=False) if nxt[0] > prev[1]]


def announced_holds(turns: list[TimedTurn]) -> list[Hold]:
    """Each agent turn announcing a hold, to the next agent turn thanking for holding.

    A hold is also taken when only its end is heard: an agent turn thanking for holding after a
    silence of `DEAD_AIR_S` or more holds from the turn before it (the announcement may be misheard -
    "on fold" - or never said; the agent's thanks still says the customer was waiting on them).
    """
    holds = []
    opened: int | None = None
    for index, turn in enumerate(turns):
        if turn.party != "agent":
            continue
        if opened is None and HOLD_START.search(turn.text):
            opened = index
        elif HOLD_END.search(turn.text):
            if opened is not None:
                holds.append(Hold(turns[opened].end, turn.start, opened, index))
            elif index > 0 and turn.start - turns[index - 1].end >= DEAD_AIR_S:
                holds.append(Hold(turns[index - 1].end, turn.start, index - 1, index))
            opened = None
    return holds


def _wpm(words: int, seconds: float) -> float | None:
    return round(words / seconds * 60, 1) if seconds > 0 and words else None


def call_metrics(
    agent: list[Interval], customer: list[Interval], turns: list[TimedTurn], duration_s: float
) -> CallMetrics:
    """The metrics of one call from each party's speech intervals and the timed turns."""
    agent_talk, customer_talk = total(agent), total(customer)
    holds = announced_holds(turns)
    gaps = silences(agent + customer)
    in_hold = [(h.start, h.end) for h in holds]
    dead = [g for g in gaps if g.seconds >= DEAD_AIR_S and overlap([(g.start, g.end)], in_hold) < g.seconds / 2]
    agent_words = sum(t.words for t in turns if t.party == "agent")
    customer_words = sum(t.words for t in turns if t.party == "customer")
    return CallMetrics(
        duration_s=round(duration_s, 2),
        agent_talk_s=round(agent_talk, 2),
        customer_talk_s=round(customer_talk, 2),
        talk_listen_ratio=round(agent_talk / customer_talk, 2) if customer_talk else None,
        longest_silence_s=round(max((g.seconds for g in gaps), default=0.0), 2),
        dead_air_s=round(sum(g.seconds for g in dead), 2),
        hold_s=round(sum(h.end - h.start for h in holds), 2),
        overtalk_s=round(overlap(agent, customer), 2),
        first_answer_s=round(min(s for s, _ in agent), 2) if agent else None,
        agent_wpm=_wpm(agent_words, agent_talk),
        customer_wpm=_wpm(customer_words, customer_talk),
        holds=tuple(holds),
        dead_air=tuple(dead),
    )
