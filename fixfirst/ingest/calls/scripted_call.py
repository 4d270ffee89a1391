"""Scripted test calls: agent and customer lines rendered by espeak-ng to two voices and mixed to a
stereo (or mono) WAV with known timings - silences, an announced hold, an overlap. The tests and
`benchmarks/calls.py` check transcription, speaker split and every call metric against them.

Needs the `espeak-ng` program (Debian package; `scripts/install_browser.sh` installs it for tests).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from fixfirst.ingest.calls.timeline import TimedTurn

RATE = 22_050
VOICES = {"agent": "en-us", "customer": "en-gb+f3"}


@dataclass(frozen=True)
class Line:
    party: str
    text: str
    gap_s: float = 0.7  # silence after the previous line ends (negative: overlap)


@dataclass
class ScriptedCall:
    """The rendered call and what is known about it."""

    path: Path
    lines: list[Line]
    spans: list[tuple[float, float]] = field(default_factory=list)  # speech [start, end) of each line
    duration_s: float = 0.0

    def intervals(self, party: str) -> list[tuple[float, float]]:
        return [span for line, span in zip(self.lines, self.spans, strict=True) if line.party == party]


#: A support call: greeting after 1.5 s, an announced 9 s hold, the customer talking over the agent.
SUPPORT_CALL = [
    Line("agent", "Thank you for calling Brightwave, my name is Sam, how can I help you today?", 1.5),
    Line("customer", "Hi, my internet has been down since Monday and I already restarted the router twice."),
    Line("agent", "I am sorry to hear that. Let me check your line, I will put you on hold for a moment."),
    Line("agent", "Thank you for holding. I can see a fault at the exchange, an engineer will fix it by Thursday.",
         9.0),
    Line("customer", "Thursday is too late for me, I work from home.", -0.8),
    Line("agent", "I understand. I have added a credit of ten pounds to your account and I will call you on "
         "Thursday morning.", 0.6),
    Line("customer", "Okay, thank you very much, goodbye."),
]


#: A billing call: a slow first answer (4 s), a refund refused with an alternative, no hold.
BILLING_CALL = [
    Line("agent", "Good morning, billing team, this is Priya speaking.", 4.0),
    Line("customer", "I was charged twice for my March bill and I want the money back please."),
    Line("agent", "I can see both payments of forty two pounds. I have refunded the second one now.", 1.2),
    Line("customer", "Great, when will I see it?", -0.6),
    Line("agent", "It will be back on your card within five working days, and I will send you an email "
         "confirmation today.", 0.8),
    Line("customer", "Perfect, thanks for your help."),
]

SCRIPTS = {"support": SUPPORT_CALL, "billing": BILLING_CALL}


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def render(text: str, voice: str) -> np.ndarray:
    """One line spoken by espeak-ng, as float32 samples at RATE, leading and trailing silence trimmed."""
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", "150", "--stdout", text], check=True, capture_output=True
    ).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16).astype(np.float32) / 32768
    loud = np.flatnonzero(np.abs(samples) > 0.02)
    return samples[loud[0] : loud[-1] + 1] if loud.size else samples


def build_call(path: Path, lines: list[Line] = SUPPORT_CALL, *, stereo: bool = True, agent_left: bool = True,
               tail_s: float = 1.0) -> ScriptedCall:
    """Render `lines` into a 16-bit WAV at `path`: stereo (agent on the left unless `agent_left` is
    False) or both parties mixed to mono."""
    clips = [render(line.text, VOICES[line.party]) for line in lines]
    spans: list[tuple[float, float]] = []
    cursor = 0.0
    for line, clip in zip(lines, clips, strict=True):
        start = max(0.0, cursor + line.gap_s)
        spans.append((start, start + len(clip) / RATE))
        cursor = spans[-1][1]
    duration = max(end for _, end in spans) + tail_s
    tracks = {"agent": np.zeros(int(duration * RATE) + 1, np.float32),
              "customer": np.zeros(int(duration * RATE) + 1, np.float32)}
    for line, clip, (start, _end) in zip(lines, clips, spans, strict=True):
        at = int(start * RATE)
        tracks[line.party][at : at + len(clip)] += clip
    left, right = (tracks["agent"], tracks["customer"]) if agent_left else (tracks["customer"], tracks["agent"])
    frames = np.stack([left, right], axis=1) if stereo else ((left + right) / 2)[:, None]
    pcm = (np.clip(frames, -1, 1) * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(pcm.shape[1])
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        writer.writeframes(pcm.tobytes())
    return ScriptedCall(path, list(lines), spans, duration)


def speaker_accuracy(call: ScriptedCall, turns: Sequence[TimedTurn]) -> float:
    """Share of the script's words whose line is covered mostly by a turn of the right party."""
    right = total = 0
    for line, (start, end) in zip(call.lines, call.spans, strict=True):
        words = len(line.text.split())
        total += words
        cover = {}
        for turn in turns:
            shared = min(end, turn.end) - max(start, turn.start)
            if shared > 0:
                cover[turn.party] = cover.get(turn.party, 0.0) + shared
        if cover and max(cover, key=cover.get) == line.party:
            right += words
    return right / total


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance / reference words (lower case, punctuation ignored)."""
    ref = [w for w in "".join(c if c.isalnum() else " " for c in reference.lower()).split()]
    hyp = [w for w in "".join(c if c.isalnum() else " " for c in hypothesis.lower()).split()]
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(len(ref), 1)
