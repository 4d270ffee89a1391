"""Ingest: turn source files into canonical Conversations and Surveys, with rejects, never a traceback.

Formats (name: adapter module):

- ``fixfirst_jsonl``: FixFirst JSONL, one conversation per line (`fixfirst_jsonl`)
- ``zendesk``: Zendesk tickets with comments, JSON document or JSONL (`zendesk_json`)
- ``twcs``: Kaggle "Customer Support on Twitter" twcs.csv, threads rebuilt (`twcs_csv`)
- ``surveys``: survey responses CSV -> Survey (`surveys_csv`)
- ``csv``: generic CSV with a column mapping (`generic_csv`, keys in `csv_mapping`)

Every adapter yields lazily; a bad record becomes a `Reject` (file, line, reason, excerpt)
and the good records of the same file still come through. Ids are stable: re-reading a
source yields the same ids. Text is redacted by default (`redaction.Redactor`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Union

from fixfirst.errors import InputError
from fixfirst.ingest.call_audio import is_sidecar, read_calls
from fixfirst.ingest.calls.recording import CallOptions, require_calls_extra
from fixfirst.ingest.csv_mapping import CsvMapping, coerce_mapping, load_csv_mapping
from fixfirst.ingest.formats import FORMAT_NAMES, adapter_for, detect_format
from fixfirst.ingest.redaction import REDACTION_VERSION, Redactor
from fixfirst.ingest.reject import Reject, RejectsWriter
from fixfirst.model import Conversation, Survey

IngestItem = Union[Conversation, Survey, Reject]  # noqa: UP007 - a runtime alias, readable in docs

__all__ = [
    "FORMAT_NAMES",
    "REDACTION_VERSION",
    "CsvMapping",
    "IngestItem",
    "Redactor",
    "Reject",
    "RejectsWriter",
    "detect_format",
    "load_csv_mapping",
    "read_sources",
]


def expand_paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    files: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            files += [p for p in found if not is_sidecar(p)]
        else:
            files.append(path)
    return files


def read_sources(
    paths: str | Path | Iterable[str | Path],
    format: str = "auto",  # noqa: A002 - the CLI's --format, same word
    *,
    csv_mapping: CsvMapping | dict | str | Path | None = None,
    redact: bool | Redactor = True,
    call_options: CallOptions | None = None,
    call_workers: int = 1,
) -> Iterator[IngestItem]:
    """Yield Conversations, Surveys and Rejects from files (or directories of files), lazily.

    Args:
        paths: one path or many; a directory means its (non-hidden) files, sorted.
        format: ``auto`` (sniff each file) or one of `FORMAT_NAMES` for all files.
        csv_mapping: for the generic CSV format: a CsvMapping, a dict of its keys, or a YAML file.
        redact: True (default) redacts text with a default Redactor, a Redactor uses that one,
            False keeps text as it is (only for data that is already de-identified).
        call_options: for call recordings: the agent's stereo channel and the ASR model.
        call_workers: processes that transcribe recordings in parallel (one CPU thread each).

    Raises:
        InputError: a file is missing, unreadable, or of no known format - checked for every
            file before anything is yielded, so a typo in the last path fails fast.
        ConfigError: the CSV mapping is invalid.
    """
    files = expand_paths(paths)
    if not files:
        raise InputError("no input files given")
    mapping = coerce_mapping(csv_mapping)
    plan = [
        (file, detect_format(file, mapping) if format == "auto" else (adapter_for(format) and format))
        for file in files
    ]
    redactor = redact if isinstance(redact, Redactor) else (Redactor() if redact else None)
    recordings = [file for file, name in plan if name == "call"]
    if recordings:
        require_calls_extra(call_options)
    transcribed = read_calls(recordings, call_options, workers=call_workers) if recordings else iter(())
    for file, name in plan:
        adapter = adapter_for(name)
        if name == "csv":
            items = adapter.read(file, mapping=mapping)
        elif name == "call":
            items = next(transcribed)  # in input order, transcribed by `call_workers` processes
        else:
            items = adapter.read(file)
        for item in items:
            yield item if redactor is None else redactor.redact_item(item)
