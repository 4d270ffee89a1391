"""Adapter: FixFirst JSONL, one conversation per line (the canonical interchange format).

Shape of a line::

    {"id": "...", "channel": "twitter", "company": "AppleSupport", "started_at": "...",
     "turns": [{"role": "customer", "author": "...", "text": "...", "ts": "..."}],
     "customer_id": "...", "agent_ids": ["..."], "team": "...", "metadata": {...}}

`customer_id`/`agent_ids` are derived from turn authors when absent; turn indices are the
positions (any `index` in the file is ignored). Unknown top-level keys go to `metadata`.
Read line by line, so file size does not matter; only ids already seen are remembered, to
reject duplicates.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fixfirst.ingest.conversation_builder import RecordError, build_conversation
from fixfirst.ingest.json_lines import iter_json_lines
from fixfirst.ingest.reject import Reject, summarise_validation_error
from fixfirst.ingest.source_lines import DEFAULT_MAX_LINE_BYTES, read_head
from fixfirst.model import Conversation

NAME = "fixfirst_jsonl"


def _first_object(head: str) -> dict[str, Any] | None:
    """The first line of `head` that parses as JSON, if it is an object; broken lines before it are
    skipped (a truncated first record must not hide the format of the good ones after it)."""
    for line in head.splitlines():
        if line.strip():
            try:
                value = json.loads(line)
            except ValueError:
                continue
            return value if isinstance(value, dict) else None
    return None


def sniff(path: str | Path) -> bool:
    """True when the first non-blank line is a JSON object with a `turns` list."""
    first = _first_object(read_head(path))
    return first is not None and isinstance(first.get("turns"), list)


def read(
    path: str | Path, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[Conversation | Reject]:
    """Yield a Conversation per good line and a Reject per bad one, lazily."""
    seen: dict[str, int] = {}
    for item in iter_json_lines(path, max_line_bytes):
        if isinstance(item, Reject):
            yield item
            continue
        line, record = item
        if not isinstance(record, dict):
            yield Reject.of(
                path, line.number, f"expected a JSON object, got {type(record).__name__}", line.text
            )
            continue
        try:
            conversation = build_conversation(
                record, [f"line {line.number}: {line.note}"] if line.note else ()
            )
        except RecordError as error:
            yield Reject.of(path, line.number, str(error), line.text)
            continue
        except ValidationError as error:
            yield Reject.of(path, line.number, summarise_validation_error(error), line.text)
            continue
        first = seen.get(conversation.id)
        if first is not None:
            yield Reject.of(
                path, line.number, f"duplicate id {conversation.id!r} (first on line {first})", line.text
            )
            continue
        seen[conversation.id] = line.number
        yield conversation
