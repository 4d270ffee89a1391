"""Analysis results as Parquet: the same fields as the JSON line, typed, one row per conversation.

Why a fixed schema: Parquet files written in several pieces (by batches here, by Ray workers in
the Ray engine) must agree on types even when a batch has no findings at all, and a data team's
reader should not have to guess. Rows read back with ``pyarrow`` equal the JSON lines of
``fixfirst analyze --out results.jsonl`` (``score`` is null where the line has no ``score``).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any, Self

import pyarrow as pa
import pyarrow.parquet as pq

from fixfirst.analyze.jsonline import result_to_json
from fixfirst.model import AnalysisResult

_SPAN = [("turn", pa.int32()), ("start", pa.int32()), ("end", pa.int32()), ("text", pa.string())]
RESULT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        (
            "outcome",
            pa.struct([("label", pa.string()), ("confidence", pa.float64()), ("evidence", pa.list_(pa.struct(_SPAN)))]),
        ),
        (
            "findings",
            pa.list_(
                pa.struct(
                    [
                        ("label", pa.string()),
                        ("confidence", pa.float64()),
                        *_SPAN,
                        ("detector", pa.string()),
                        ("explanation", pa.string()),
                    ]
                )
            ),
        ),
        ("customer_sentiment", pa.struct([("start", pa.string()), ("end", pa.string())])),
        ("score", pa.struct([("scorecard", pa.string()), ("points", pa.float64())])),
    ]
)
#: Rows per row group: big enough for columnar compression, small enough to keep memory flat.
ROWS_PER_GROUP = 2048


def results_table(rows: list[dict[str, Any]]) -> pa.Table:
    """JSON-line dicts (``result_to_json``) as a table of `RESULT_SCHEMA`."""
    return pa.Table.from_pylist([{**row, "score": row.get("score")} for row in rows], schema=RESULT_SCHEMA)


class ResultParquetWriter:
    """Write results to one Parquet file in row groups; use as a context manager."""

    def __init__(self, path: str | Path) -> None:
        self._writer = pq.ParquetWriter(str(path), RESULT_SCHEMA, compression="zstd")
        self._rows: list[dict[str, Any]] = []

    def write(self, result: AnalysisResult) -> None:
        self._rows.append(result_to_json(result))
        if len(self._rows) >= ROWS_PER_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(results_table(self._rows))
            self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
