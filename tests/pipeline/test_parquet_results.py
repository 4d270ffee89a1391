"""Parquet out: `--out results.parquet` holds exactly the JSON lines, typed."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from fixfirst.analyze.result_parquet import RESULT_SCHEMA
from fixfirst.pipeline import analyze_files

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_parquet_results_equal_the_json_lines(tmp_path: Path) -> None:
    source = FIXTURES / "web_helpdesk_sample.jsonl"
    analyze_files([source], out=tmp_path / "r.jsonl", rejects_path=tmp_path / "x.jsonl")
    analyze_files([source], out=tmp_path / "r.parquet", rejects_path=tmp_path / "y.jsonl")
    table = pq.read_table(tmp_path / "r.parquet")
    assert table.schema.equals(RESULT_SCHEMA)
    rows = table.to_pylist()
    for row in rows:
        if row["score"] is None:
            del row["score"]
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 28
    assert rows == lines
    assert any(row["findings"] for row in rows)
