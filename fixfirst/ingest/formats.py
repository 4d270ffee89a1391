"""The explicit registry of source formats: name -> adapter module, in sniffing order.

Order matters: the specific CSV shapes (twcs, surveys) are tried before the generic CSV, and
FixFirst JSONL before Zendesk JSONL.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from fixfirst.errors import InputError
from fixfirst.ingest import (
    call_audio,
    conversations_parquet,
    fixfirst_jsonl,
    generic_csv,
    surveys_csv,
    twcs_csv,
    zendesk_json,
)
from fixfirst.ingest.csv_mapping import CsvMapping
from fixfirst.ingest.csv_records import read_header
from fixfirst.ingest.source_lines import open_binary, read_head

ADAPTERS: dict[str, ModuleType] = {
    call_audio.NAME: call_audio,
    conversations_parquet.NAME: conversations_parquet,
    fixfirst_jsonl.NAME: fixfirst_jsonl,
    zendesk_json.NAME: zendesk_json,
    twcs_csv.NAME: twcs_csv,
    surveys_csv.NAME: surveys_csv,
    generic_csv.NAME: generic_csv,
}
FORMAT_NAMES: tuple[str, ...] = tuple(ADAPTERS)
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def adapter_for(name: str) -> ModuleType:
    """The adapter module for a format name; InputError listing the names when unknown."""
    try:
        return ADAPTERS[name]
    except KeyError:
        raise InputError(f"unknown format {name!r}; use one of: auto, {', '.join(FORMAT_NAMES)}") from None


def detect_format(path: str | Path, csv_mapping: CsvMapping | None = None) -> str:
    """The format name of `path`, by content; InputError naming the file when none fits.

    With a `csv_mapping`, a CSV whose header has the mapped conversation id column is ``csv``
    even when its column names are not ones the generic sniffer knows.
    """
    file = Path(path)
    open_binary(file).close()  # missing / directory / unreadable -> InputError naming the file
    if call_audio.sniff(file):  # binary, by name: a recording is never read as text
        return call_audio.NAME
    if conversations_parquet.sniff(file):  # binary: sniffed before anything reads it as text
        return conversations_parquet.NAME
    head = read_head(file)
    if not head.strip():
        raise InputError(f"{file}: is empty")
    for name, adapter in ADAPTERS.items():
        if adapter.sniff(file):
            return name
    if csv_mapping is not None:
        header = read_header(file, csv_mapping.delimiter)
        if csv_mapping.normalised().conversation_id in header:
            return generic_csv.NAME
    if file.suffix.lower() in JSON_LINES_SUFFIXES:
        # Nothing in the head parses (every line there is broken): the name still says JSON lines,
        # so the reader runs and each bad line becomes a reject instead of the run stopping.
        return fixfirst_jsonl.NAME
    raise InputError(
        f"{file}: format not recognised (tried {', '.join(FORMAT_NAMES)}); "
        "pass format=... or, for a CSV, a column mapping naming the conversation id column"
    )
