"""Adapter: conversations as Parquet, one row per conversation, the columns of a FixFirst JSONL line.

Columns: ``id``, ``turns`` (list of structs with ``role``, ``author``, ``text``, ``ts``,
``public``) and optionally ``channel``, ``company``, ``started_at``, ``customer_id``,
``agent_ids`` (list of strings), ``team``, ``metadata`` (a JSON object as a string, or a struct).
Any other column goes to ``metadata``, like an unknown key of a JSONL line. This is the shape a
data team gets from ``pandas.DataFrame.to_parquet`` over our JSONL, and what the Ray engine reads.

Read in record batches, so memory stays flat; a bad row becomes a Reject whose ``line`` is the
1-based row number, and the good rows of the same file still come through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fixfirst.errors import InputError
from fixfirst.ingest.conversation_builder import RecordError, build_conversation
from fixfirst.ingest.reject import Reject, summarise_validation_error
from fixfirst.model import Conversation

NAME = "parquet"
MAGIC = b"PAR1"
_BATCH_ROWS = 1024


def sniff(path: str | Path) -> bool:
    """True for a Parquet file (the four magic bytes at its start)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == MAGIC
    except OSError:
        return False


def _record(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row as the dict a JSONL line would give (nulls dropped, metadata parsed)."""
    record = {key: value for key, value in row.items() if value is not None}
    metadata = record.get("metadata")
    if isinstance(metadata, str):
        try:
            record["metadata"] = json.loads(metadata) if metadata.strip() else {}
        except ValueError as error:
            raise RecordError(f"metadata: not a JSON object ({error})") from None
    turns = record.get("turns")
    if isinstance(turns, list):
        record["turns"] = [{k: v for k, v in turn.items() if v is not None} for turn in turns if isinstance(turn, dict)]
    return record


def rows(path: str | Path, *, batch_rows: int = _BATCH_ROWS) -> Iterator[tuple[int, dict[str, Any]]]:
    """(1-based row number, row as a dict) for every row, a record batch at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as error:
        raise InputError(f"{path}: not a readable Parquet file ({error})") from None
    number = 0
    for batch in parquet.iter_batches(batch_size=batch_rows):
        for row in batch.to_pylist():
            number += 1
            yield number, row


def conversation_of(path: str | Path, number: int, row: dict[str, Any]) -> Conversation | Reject:
    """One row as a Conversation, or a Reject naming file, row and reason."""
    try:
        return build_conversation(_record(row))
    except RecordError as error:
        return Reject.of(path, number, str(error), _excerpt(row))
    except ValidationError as error:
        return Reject.of(path, number, summarise_validation_error(error), _excerpt(row))


def _excerpt(row: dict[str, Any]) -> str:
    return json.dumps(row, default=str, ensure_ascii=False)[:400]


def read(path: str | Path) -> Iterator[Conversation | Reject]:
    """Yield a Conversation per good row and a Reject per bad one, lazily."""
    seen: dict[str, int] = {}
    for number, row in rows(path):
        item = conversation_of(path, number, row)
        if isinstance(item, Conversation):
            first = seen.get(item.id)
            if first is not None:
                item = Reject.of(path, number, f"duplicate id {item.id!r} (first on row {first})", _excerpt(row))
            else:
                seen[item.id] = number
        yield item
