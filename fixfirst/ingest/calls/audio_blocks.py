"""A recording read in blocks of a minute, so memory stays flat however long the call is.

Why: a whole hour at 16 kHz is 230 MB per channel as float32, and a contact centre's longest calls
(escalations, a day's chat log read aloud) are exactly the ones worth scoring. Every pass over a
recording - finding speech, transcribing, writing a kept copy - reads it again block by block
(decoding costs a few seconds per hour; transcription dominates), and holds at most one block plus
the speech carried over from the block before.

Samples are produced exactly as `faster_whisper.audio.decode_audio` produces them (PyAV resampled
to 16-bit at 16 kHz, then scaled to float32), so a call read in blocks hears the same audio as one
read whole (tested).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fixfirst.errors import InputError

SAMPLE_RATE = 16_000
#: Seconds of audio per block: about 4 MB a channel as float32, and silero VAD's working memory
#: grows with the block (300-second blocks peaked 270 MiB higher than 60-second ones).
BLOCK_S = 60.0
#: A speech region ending this close to a block's end may go on in the next block: it is carried over.
CARRY_MARGIN_S = 2.0

Interval = tuple[float, float]


@dataclass(frozen=True)
class Block:
    """Samples [start, start + len/SAMPLE_RATE) seconds of each channel."""

    start: float
    channels: list[np.ndarray]

    @property
    def end(self) -> float:
        return self.start + len(self.channels[0]) / SAMPLE_RATE


def _open(path: Path):  # noqa: ANN202 - an av container, imported lazily
    import av

    return av.open(str(path), metadata_errors="ignore")


def _channels(container) -> int:  # noqa: ANN001 - an av container
    return 2 if container.streams.audio[0].channels >= 2 else 1


def _unreadable(path: Path, error: Exception) -> InputError:
    return InputError(f"{path}: not a readable recording ({error.__class__.__name__}: {error})")


def channel_count(path: Path) -> int:
    """1 (mono) or 2 (stereo: more channels are read as their first two)."""
    import av

    try:
        with _open(path) as container:
            return _channels(container)
    except (av.error.FFmpegError, IndexError, ValueError, OSError) as error:
        raise _unreadable(path, error) from None


def blocks(path: Path, block_s: float = BLOCK_S) -> Iterator[Block]:
    """The recording at 16 kHz in consecutive blocks of `block_s` seconds (the last one shorter)."""
    import av

    pending: list[np.ndarray] = []
    held = 0
    emitted = 0  # samples per channel already yielded
    stereo = False

    def block_of(samples: np.ndarray) -> Block:
        audio = samples.astype(np.float32) / 32768.0
        channels = [audio[0::2], audio[1::2]] if stereo else [audio]
        return Block(emitted / SAMPLE_RATE, channels)

    try:
        with _open(path) as container:
            stereo = _channels(container) == 2
            size = int(block_s * SAMPLE_RATE) * (2 if stereo else 1)
            resampler = av.audio.resampler.AudioResampler(
                format="s16", layout="stereo" if stereo else "mono", rate=SAMPLE_RATE
            )
            frames = (out for frame in container.decode(audio=0) for out in resampler.resample(frame))
            for frame in _with_flush(frames, resampler):
                pending.append(frame.to_ndarray().reshape(-1))
                held += pending[-1].size
                while held >= size:
                    joined = np.concatenate(pending)
                    pending, held = [joined[size:].copy()], joined.size - size  # no view keeps `joined` alive
                    yield block_of(joined[:size])
                    emitted += size // (2 if stereo else 1)
                    del joined
    except (av.error.FFmpegError, IndexError, ValueError, OSError) as error:
        raise _unreadable(path, error) from None
    if held:
        yield block_of(np.concatenate(pending))


def _with_flush(frames: Iterator, resampler) -> Iterator:  # noqa: ANN001 - av types, imported lazily
    """The resampled frames, then what the resampler still holds at the end."""
    yield from frames
    yield from resampler.resample(None)


def speech_intervals(audio: np.ndarray) -> list[Interval]:
    """Seconds of speech in `audio`, by silero VAD (shipped inside faster-whisper)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    found = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=300, speech_pad_ms=30))
    return [(r["start"] / SAMPLE_RATE, r["end"] / SAMPLE_RATE) for r in found]


def _carry_from(regions: list[list[Interval]], cut: float) -> float:
    """Where the next block must start again: at `cut`, or earlier at the start of any region that
    reaches past it - and of any region overlapping that start, on either channel."""
    start = cut
    while True:
        earlier = [s for channel in regions for s, e in channel if s < start < e or (e >= cut and s < start)]
        if not earlier:
            return start
        start = min(earlier)


def streamed_speech(path: Path, block_s: float = BLOCK_S) -> tuple[list[list[Interval]], float]:
    """Each channel's speech over the whole recording, found block by block, and its length in seconds.

    Speech that may go on past a block's end (a region reaching within `CARRY_MARGIN_S` of it) is
    carried into the next block with everything after it, and found again there whole, so a block
    border never splits a region; continuous speech longer than two blocks is cut where it stands.
    """
    found: list[list[Interval]] = []
    carry: list[np.ndarray] = []
    carry_start = duration = 0.0
    for block in blocks(path, block_s):
        duration = block.end
        audio = block.channels if not carry else [np.concatenate(p) for p in zip(carry, block.channels, strict=True)]
        start = carry_start if carry else block.start
        found = found or [[] for _ in audio]
        end = start + len(audio[0]) / SAMPLE_RATE
        cut = end - CARRY_MARGIN_S
        regions = [[(start + s, start + e) for s, e in speech_intervals(channel)] for channel in audio]
        again = _carry_from(regions, cut)
        if again <= start + 1 / SAMPLE_RATE and end - start >= 2 * block_s:
            again = cut  # never carry more than two blocks: cut the speech at `cut`
            regions = [[(s, min(e, cut)) for s, e in channel if s < cut] for channel in regions]
        for kept, channel in zip(found, regions, strict=True):
            kept.extend((s, e) for s, e in channel if e <= again)
        offset = max(0, int(round((again - start) * SAMPLE_RATE)))
        carry = [channel[offset:] for channel in audio]
        carry_start = start + offset / SAMPLE_RATE
    if carry and len(carry[0]):
        for kept, channel in zip(found, carry, strict=True):
            kept.extend((carry_start + s, carry_start + e) for s, e in speech_intervals(channel))
    return found, duration
