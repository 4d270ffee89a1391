"""Adapter: any support-export CSV, one row per turn or one row per conversation.

The column mapping (`CsvMapping`, keys documented in `fixfirst.ingest.csv_mapping`) comes
from the caller or a YAML file. Keys left unset are guessed from common header names
(``ticket_id``/``chat_id`` for the conversation, ``message``/``body`` for text, ``speaker``/
``sender_type`` for role, ``timestamp``/``created_at`` for time), so a plain export often
needs no mapping at all. A mapped column missing from the header is an InputError naming the
file, the column and the mapping key - nothing can be read without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fixfirst.errors import InputError
from fixfirst.ingest.conversation_builder import RecordError, build_conversation, parse_role
from fixfirst.ingest.csv_mapping import CsvMapping
from fixfirst.ingest.csv_records import CsvRecord, iter_csv_records, read_header
from fixfirst.ingest.reject import Reject, summarise_validation_error
from fixfirst.model import Conversation

NAME = "csv"

#: Header names tried, in order, for mapping keys the caller did not set.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "conversation_id": (
        "conversation_id",
        "conversation",
        "ticket_id",
        "chat_id",
        "thread_id",
        "case_id",
        "session_id",
        "dialogue_id",
        "dialog_id",
    ),
    "text": ("text", "message", "body", "content", "utterance", "turn_text"),
    "role": ("role", "speaker", "sender_type", "from", "participant"),
    "author": ("author", "author_id", "sender", "sender_id", "user_id", "agent_id"),
    "ts": ("ts", "timestamp", "created_at", "time", "sent_at", "date"),
}


def sniff(path: str | Path) -> bool:
    """Any headed CSV with a conversation id column and a text or transcript-like column."""
    header = set(read_header(path))
    return bool(header & set(HEADER_SYNONYMS["conversation_id"])) and len(header) >= 2


def resolve_mapping(header: list[str], mapping: CsvMapping | None, path: str | Path) -> CsvMapping:
    """The mapping with unset keys guessed from the header; InputError when a needed column is absent."""
    given = mapping or CsvMapping()
    explicit = given.model_fields_set
    resolved = given.normalised()
    columns = set(header)
    updates: dict[str, Any] = {}
    for key, synonyms in HEADER_SYNONYMS.items():
        if key in explicit or getattr(resolved, key) in columns:
            continue
        found = next((name for name in synonyms if name in columns), None)
        if found:
            updates[key] = found
    resolved = resolved.model_copy(update=updates)
    needed = {"conversation_id": resolved.conversation_id}
    if resolved.layout == "turns":
        needed["text"] = resolved.text
    elif not resolved.turn_columns and not resolved.transcript:
        raise InputError(
            f"{path}: layout 'conversations' needs 'turn_columns' or 'transcript' in the mapping"
        )
    for turn_column in resolved.turn_columns:
        needed[f"turn_columns.{turn_column.column}"] = turn_column.column
    if resolved.transcript:
        needed["transcript"] = resolved.transcript
    for key in ("turn_order", *(k for k in ("role", "author", "ts", "channel", "company") if k in explicit)):
        value = getattr(resolved, key)
        if value:
            needed[key] = value
    for key, column in needed.items():
        if column not in columns:
            raise InputError(
                f"{path}: column {column!r} (mapping key '{key}') is not in the header "
                f"({', '.join(header[:12])}); fix the CSV mapping"
            )
    return resolved


@dataclass
class _Group:
    conversation_id: str
    line: int
    records: list[CsvRecord] = field(default_factory=list)


def _value(record: CsvRecord, column: str | None) -> str | None:
    if not column:
        return None
    value = record.values.get(column)
    return value if value is not None and value.strip() else None


def _first(records: list[CsvRecord], column: str | None) -> str | None:
    return next((v for r in records if (v := _value(r, column)) is not None), None)


def _transcript_turns(text: str, mapping: CsvMapping, author: str | None) -> list[dict[str, Any]]:
    turns: list[dict[str, Any]] = []
    for line in text.splitlines():
        speaker, sep, said = line.partition(":")
        role = None
        if sep:
            try:
                role = parse_role(speaker, mapping.role_values)
            except RecordError:
                role = None
        if role is not None:
            turns.append({"role": role, "text": said.strip()})
        elif turns:
            turns[-1]["text"] += "\n" + line
        elif line.strip():
            raise RecordError(f"transcript: first line has no 'Speaker:' prefix ({line[:40]!r})")
    return turns


def _conversation(group: _Group, mapping: CsvMapping) -> Conversation:
    records = group.records
    if mapping.layout == "turns":
        if mapping.turn_order:

            def order(record: CsvRecord) -> float:
                raw = _value(record, mapping.turn_order)
                try:
                    return float(raw) if raw is not None else float("inf")
                except ValueError:
                    raise RecordError(
                        f"line {record.line}: {mapping.turn_order} {raw[:20]!r} is not a number"
                    ) from None

            records = sorted(records, key=order)
        raw_turns = []
        for record in records:
            role_value = _value(record, mapping.role)
            try:
                role = parse_role(role_value, mapping.role_values)
            except RecordError as error:
                raise RecordError(f"line {record.line}: {error}") from None
            raw_turns.append(
                {
                    "role": role,
                    "author": _value(record, mapping.author),
                    "text": record.values.get(mapping.text, ""),
                    "ts": _value(record, mapping.ts),
                }
            )
    else:
        row = records[0]
        if len(records) > 1:
            raise RecordError(f"layout 'conversations' but {len(records)} rows share this id")
        raw_turns = []
        for column in mapping.turn_columns:
            text = _value(row, column.column)
            if text is not None:
                raw_turns.append({"role": column.role, "author": _value(row, column.author), "text": text})
        if mapping.transcript and (transcript := _value(row, mapping.transcript)):
            raw_turns += _transcript_turns(transcript, mapping, None)
    metadata = {c: v for c in mapping.metadata_columns if (v := _first(records, c)) is not None}
    record = {
        "id": group.conversation_id,
        "channel": _first(records, mapping.channel) or mapping.default_channel,
        "company": _first(records, mapping.company) or mapping.default_company,
        "team": _first(records, mapping.team),
        "customer_id": _first(records, mapping.customer_id),
        "started_at": _first(records, mapping.started_at),
        "turns": raw_turns,
        "metadata": metadata,
    }
    notes = [n for r in records for n in r.notes]
    return build_conversation({k: v for k, v in record.items() if v is not None}, notes)


def _finish(path: str | Path, group: _Group, mapping: CsvMapping) -> Conversation | Reject:
    raw = group.records[0].raw if group.records else ""
    try:
        return _conversation(group, mapping)
    except RecordError as error:
        return Reject.of(path, group.line, f"conversation {group.conversation_id!r}: {error}", raw)
    except ValidationError as error:
        return Reject.of(
            path,
            group.line,
            f"conversation {group.conversation_id!r}: {summarise_validation_error(error)}",
            raw,
        )


def read(path: str | Path, *, mapping: CsvMapping | None = None) -> Iterator[Conversation | Reject]:
    """Yield a Conversation per conversation id and a Reject per unusable row or conversation."""
    resolved = resolve_mapping(read_header(path, mapping.delimiter if mapping else None), mapping, path)
    finished: dict[str, int] = {}
    groups: dict[str, _Group] = {}
    current: _Group | None = None
    for record in iter_csv_records(path, resolved.delimiter):
        if isinstance(record, Reject):
            yield record
            continue
        conversation_id = _value(record, resolved.conversation_id)
        if conversation_id is None:
            yield Reject.of(
                path,
                record.line,
                f"missing conversation id (column {resolved.conversation_id!r})",
                record.raw,
            )
            continue
        conversation_id = conversation_id.strip()
        if not resolved.rows_sorted:
            groups.setdefault(conversation_id, _Group(conversation_id, record.line)).records.append(record)
            continue
        if current is not None and current.conversation_id == conversation_id:
            current.records.append(record)
            continue
        if current is not None:
            finished[current.conversation_id] = current.line
            yield _finish(path, current, resolved)
        if conversation_id in finished:
            yield Reject.of(
                path,
                record.line,
                f"rows of conversation {conversation_id!r} are not contiguous (it started on line "
                f"{finished[conversation_id]}); sort the file by conversation id or set rows_sorted: false",
                record.raw,
            )
            current = None
            continue
        current = _Group(conversation_id, record.line, [record])
    if current is not None:
        yield _finish(path, current, resolved)
    for group in groups.values():
        yield _finish(path, group, resolved)
