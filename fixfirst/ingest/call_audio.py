"""Ingest adapter for call recordings (WAV, MP3, FLAC, OGG): one recording, one Conversation.

The transcript's turns are the parties' speech in time order (`fixfirst.ingest.calls`); each turn
keeps its start and end seconds in ``metadata.call.turn_times`` (and ``ts`` when the call's start
time is known), and the call metrics go to ``metadata.call.metrics``. Who and when come from a
sidecar JSON next to the file (``call-17.wav.json`` or ``call-17.json``: ``call_id``, ``agent_id``,
``team``, ``customer_id``, ``started_at``, ``queue``, ``company``); without one, the file name is the
id. The audio is not stored unless `CallOptions.keep_audio` names a folder: then a 16 kHz copy is
kept there with the turns that hold personal data silenced, and ``metadata.call`` records its file
name, ``keep_until`` (the retention) and the silenced turns. Redaction runs on the transcript like
on any text.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fixfirst.errors import InputError
from fixfirst.ingest.calls.recording import AUDIO_SUFFIXES, CallOptions, Recording, read_recording
from fixfirst.ingest.conversation_builder import RecordError, build_conversation
from fixfirst.ingest.reject import Reject, summarise_validation_error
from fixfirst.model import Conversation

NAME = "call"
SIDECAR_KEYS = ("call_id", "agent_id", "team", "customer_id", "started_at", "queue", "company")


def sniff(path: str | Path) -> bool:
    return Path(path).suffix.lower() in AUDIO_SUFFIXES


def is_sidecar(path: Path) -> bool:
    """A recording's metadata file (`x.wav.json` or `x.json` beside `x.wav`): read with it, not as input."""
    if path.suffix.lower() != ".json":
        return False
    stem = path.with_suffix("")
    if stem.suffix.lower() in AUDIO_SUFFIXES:
        return stem.is_file()
    return any(stem.with_suffix(suffix).is_file() for suffix in AUDIO_SUFFIXES)


def sidecar(path: Path) -> dict[str, Any]:
    """The recording's metadata file, if there is one (InputError when it is not a JSON object)."""
    for candidate in (path.with_name(path.name + ".json"), path.with_suffix(".json")):
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise InputError(f"{candidate}: not a readable JSON object ({error})") from None
            if not isinstance(data, dict):
                raise InputError(f"{candidate}: must be a JSON object with {', '.join(SIDECAR_KEYS)}")
            return data
    return {}


def call_id(path: Path, meta: dict[str, Any]) -> str:
    return str(meta.get("call_id") or f"call-{path.stem}")


def audio_name(conversation_id: str) -> str:
    """The kept copy's file name: the id made safe for any file system, plus a short digest so two ids
    that differ only in unsafe characters never share a file."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", conversation_id)[:100]
    return f"{safe}-{hashlib.sha256(conversation_id.encode()).hexdigest()[:8]}.wav"


def record_of(
    path: Path, recording: Recording, meta: dict[str, Any], kept: KeptAudio | None = None
) -> dict[str, Any]:
    """The FixFirst record of a transcribed call (what `build_conversation` validates)."""
    started = meta.get("started_at")
    start_time = datetime.fromisoformat(started) if isinstance(started, str) else None
    agent, customer = meta.get("agent_id"), meta.get("customer_id")
    turns = [
        {
            "role": t.party,
            "author": agent if t.party == "agent" else customer,
            "text": t.text,
            **({"ts": (start_time + timedelta(seconds=t.start)).isoformat()} if start_time else {}),
        }
        for t in recording.turns
    ]
    return {
        "id": call_id(path, meta),
        "channel": "call",
        "company": meta.get("company"),
        "started_at": started,
        "customer_id": customer,
        "agent_ids": [agent] if agent else [],
        "team": meta.get("team"),
        "turns": turns,
        "metadata": {
            "queue": meta.get("queue"),
            "call": {
                "recording": path.name,
                "channels": recording.channels,
                "turn_times": [[round(t.start, 2), round(t.end, 2)] for t in recording.turns],
                "metrics": recording.metrics.as_dict(),
                **(kept.metadata(recording) if kept else {}),
            },
        },
    }


def _read_all(path: Path, options: CallOptions | None) -> list[Conversation | Reject]:
    return list(read(path, options))


def read_calls(
    paths: list[Path], options: CallOptions | None, *, workers: int = 1
) -> Iterator[list[Conversation | Reject]]:
    """Each recording's items, in input order; with `workers` > 1 recordings are transcribed in that
    many processes at once (each loads the model once and uses one CPU thread), the output the same."""
    if workers <= 1 or len(paths) <= 1:
        for path in paths:
            yield _read_all(path, options)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(workers, len(paths)), mp_context=context) as pool:
        yield from pool.map(_read_all, paths, [options] * len(paths))


@dataclass(frozen=True)
class KeptAudio:
    """Where a call's audio copy is kept and until when it may be played."""

    name: str
    keep_until: date

    def metadata(self, recording: Recording) -> dict[str, Any]:
        return {"audio": self.name, "keep_until": self.keep_until.isoformat(),
                "silenced_turns": list(recording.silenced_turns)}


def read(path: str | Path, options: CallOptions | None = None) -> Iterator[Conversation | Reject]:
    """Transcribe one recording; a Reject naming the file and the reason when it cannot be read."""
    file = Path(path)
    kept = None
    try:
        meta = sidecar(file)
        if options is not None and options.keep_audio is not None:
            kept = KeptAudio(audio_name(call_id(file, meta)), date.today() + timedelta(days=options.retention_days))
        recording = read_recording(file, options, keep_as=options.keep_audio / kept.name if kept else None)
    except InputError as error:
        yield Reject.of(file, 1, str(error).removeprefix(f"{file}: "))
        return
    if not recording.turns:
        yield Reject.of(file, 1, "no speech found in the recording")
        return
    try:
        yield build_conversation(record_of(file, recording, meta, kept))
    except RecordError as error:
        yield Reject.of(file, 1, str(error))
    except ValidationError as error:
        yield Reject.of(file, 1, summarise_validation_error(error))
