"""`fixfirst analyze --engine ray` on a local Ray instance: the same output as the local engine.

Input: a JSONL file with a broken line and a Parquet shard, so reading, rejects, redaction,
analysis, ordering and both outputs (JSON lines and the store) are compared. Needs Ray
(installed by `scripts/setup.sh --dev`); skipped without it locally, failed without it in CI.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from fixfirst.cli.main import app
from fixfirst.pipeline.redactor import PSEUDONYM_KEY_ENV
from fixfirst.store import Store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _require_ray() -> None:
    try:
        import ray  # noqa: F401
    except ImportError:
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail("CI=true but Ray is not installed (scripts/setup.sh --dev installs it)")
        pytest.skip("Ray is not installed (pip install 'fixfirst[ray]')")


def _inputs(tmp_path: Path) -> list[Path]:
    lines = (FIXTURES / "ingest_twitter_care_sample.jsonl").read_text(encoding="utf-8").splitlines()
    lines.insert(5, '{"id": "broken", "turns": [')
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = [json.loads(line) for line in (FIXTURES / "web_helpdesk_sample.jsonl").read_text().splitlines()]
    shard = tmp_path / "b.parquet"
    pd.DataFrame([{**r, "metadata": json.dumps(r.get("metadata", {}))} for r in records]).to_parquet(shard)
    return [jsonl, shard]


def test_ray_engine_output_is_identical_to_the_local_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _require_ray()
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "one-key-for-both-stores")  # else each new store makes its own
    inputs = [str(p) for p in _inputs(tmp_path)]
    runner = CliRunner()
    outputs = {}
    for engine in ("local", "ray"):
        db = f"sqlite:///{tmp_path / f'{engine}.db'}"
        result = runner.invoke(
            app,
            ["analyze", *inputs, "--engine", engine, "--workers", "2", "--db", db,
             "--out", str(tmp_path / f"{engine}.jsonl"), "--rejects", str(tmp_path / f"{engine}-rejects.jsonl")],
        )
        assert result.exit_code == 3, result.output  # 3: one record rejected, the rest stored
        with Store.open(db) as store:
            stored = (
                [c.model_dump(mode="json") for c in store.iter_conversations()],
                [r.model_dump(mode="json", exclude={"analyzed_at"}) for r in store.iter_results()],
            )
        outputs[engine] = (
            (tmp_path / f"{engine}.jsonl").read_text(encoding="utf-8"),
            (tmp_path / f"{engine}-rejects.jsonl").read_text(encoding="utf-8"),
            stored,
        )
    assert outputs["ray"] == outputs["local"]
    lines, rejects, (conversations, results) = outputs["ray"]
    assert len(lines.splitlines()) == len(conversations) == len(results) == 58
    assert json.loads(rejects)["line"] == 6
