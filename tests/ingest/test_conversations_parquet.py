"""Parquet in: rows become conversations like JSONL lines do; bad rows are rejects naming the row."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from fixfirst.ingest import Reject, detect_format, read_sources
from fixfirst.model import Conversation

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "ingest_twitter_care_sample.jsonl"


def _records() -> list[dict]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def test_parquet_rows_give_the_same_conversations_as_jsonl_lines(tmp_path: Path) -> None:
    records = _records()
    frame = pd.DataFrame([{**r, "metadata": json.dumps(r.get("metadata", {}))} for r in records])
    path = tmp_path / "conversations.parquet"
    frame.to_parquet(path)
    assert detect_format(path) == "parquet"
    from_parquet = list(read_sources([path], redact=False))
    from_jsonl = list(read_sources([FIXTURE], redact=False))
    assert all(isinstance(c, Conversation) for c in from_parquet)
    assert [c.model_dump() for c in from_parquet] == [c.model_dump() for c in from_jsonl]


def test_bad_rows_are_rejected_by_row_number_and_good_rows_still_load(tmp_path: Path) -> None:
    good = _records()[:3]
    rows = [
        {**good[0], "metadata": "{}"},
        {**good[1], "turns": [], "metadata": "{}"},  # no turns
        {**good[2], "metadata": "{not json"},  # broken metadata
        {**good[0], "metadata": "{}"},  # duplicate id
        {**good[2], "id": "fresh", "metadata": '{"queue": "vip"}'},
    ]
    path = tmp_path / "mixed.parquet"
    pd.DataFrame(rows).to_parquet(path)
    items = list(read_sources([path], redact=False))
    rejects = {r.line: r.reason for r in items if isinstance(r, Reject)}
    assert [c.id for c in items if isinstance(c, Conversation)] == [good[0]["id"], "fresh"]
    assert set(rejects) == {2, 3, 4}
    assert "turns" in rejects[2] and "metadata" in rejects[3] and "duplicate id" in rejects[4]
    assert all(r.file == str(path) for r in items if isinstance(r, Reject))
    fresh = next(c for c in items if isinstance(c, Conversation) and c.id == "fresh")
    assert fresh.metadata["queue"] == "vip"
