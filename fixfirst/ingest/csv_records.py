"""CSV reading shared by the CSV-shaped adapters: header-keyed rows with their source line.

Built on `source_lines`, so a bad byte or an over-long line is a reject for that line, not an
exception, and each row knows the 1-based line (and byte offset) where it starts - multi-line
quoted fields included.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fixfirst.ingest.reject import Reject
from fixfirst.ingest.source_lines import DEFAULT_MAX_LINE_BYTES, SourceLine, iter_source_lines, read_head

csv.field_size_limit(DEFAULT_MAX_LINE_BYTES)


@dataclass(frozen=True, slots=True)
class CsvRecord:
    """One data row: values keyed by (stripped) header name, where it starts, decoding notes."""

    line: int
    offset: int
    values: dict[str, str]
    raw: str
    notes: tuple[str, ...] = field(default=())


def sniff_delimiter(path: str | Path) -> str:
    """`,`, `;`, tab or `|`, whichever splits the header line into the most columns."""
    header = read_head(path, 16 * 1024).splitlines()[:1]
    if not header:
        return ","
    return max(",;\t|", key=lambda d: header[0].count(d))


def read_header(path: str | Path, delimiter: str | None = None) -> list[str]:
    """The header row, stripped and lower-cased; [] when the file is empty or not CSV."""
    head = read_head(path, 64 * 1024)
    delimiter = delimiter or sniff_delimiter(path)
    try:
        row = next(csv.reader(head.splitlines()[:1], delimiter=delimiter), [])
    except csv.Error:
        return []
    return [cell.strip().lower() for cell in row]


def iter_csv_records(
    path: str | Path, delimiter: str | None = None, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[CsvRecord | Reject]:
    """Yield each data row of a headed CSV as a CsvRecord, or a Reject with the line and why."""
    delimiter = delimiter or sniff_delimiter(path)
    pending: list[SourceLine] = []
    rejected: list[Reject] = []

    def feed() -> Iterator[str]:
        for line in iter_source_lines(path, max_line_bytes):
            if line.text is None:
                rejected.append(Reject.of(path, line.number, line.note or "unreadable line"))
                continue
            pending.append(line)
            yield line.text + "\n"

    reader = csv.reader(feed(), delimiter=delimiter)
    header: list[str] | None = None
    while True:
        pending.clear()
        try:
            row = next(reader)
        except StopIteration:
            yield from rejected
            return
        except csv.Error as error:
            yield from rejected
            rejected.clear()
            start = pending[0] if pending else None
            yield Reject.of(
                path, start.number if start else 0, f"malformed CSV: {error}", start.text if start else ""
            )
            continue
        yield from rejected
        rejected.clear()
        if not pending:
            continue
        first = pending[0]
        if header is None:
            header = [cell.strip().lower() for cell in row]
            continue
        if not any(cell.strip() for cell in row):
            continue
        raw = "\n".join(line.text or "" for line in pending)
        if len(row) != len(header):
            yield Reject.of(
                path, first.number, f"row has {len(row)} fields, the header has {len(header)}", raw
            )
            continue
        notes = tuple(f"line {line.number}: {line.note}" for line in pending if line.note)
        yield CsvRecord(first.number, first.offset, dict(zip(header, row, strict=True)), raw, notes)
