"""`--workers`: redaction and analysis in several processes give exactly what one process gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixfirst.pipeline import analyze_files, analyze_stored, ingest_files
from fixfirst.pipeline.redactor import PSEUDONYM_KEY_ENV
from fixfirst.store import Store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _mixed_input(tmp_path: Path) -> Path:
    """Real Twitter threads and helpdesk contacts with one broken line in the middle."""
    lines = (FIXTURES / "ingest_twitter_care_sample.jsonl").read_text(encoding="utf-8").splitlines()
    lines += (FIXTURES / "web_helpdesk_sample.jsonl").read_text(encoding="utf-8").splitlines()
    lines.insert(17, '{"id": "broken", "turns": [')
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _rows(store: Store) -> list[dict]:
    return [c.model_dump(mode="json") for c in store.iter_conversations()]


def test_analyze_files_output_is_identical_for_one_and_three_workers(tmp_path: Path) -> None:
    source = _mixed_input(tmp_path)
    outputs = {}
    for workers in (1, 3):
        out, rejects = tmp_path / f"out{workers}.jsonl", tmp_path / f"rejects{workers}.jsonl"
        # A chunk smaller than the input makes several workers really share it.
        summary = analyze_files([source], out=out, rejects_path=rejects, workers=workers, batch_size=7)
        outputs[workers] = (out.read_text(encoding="utf-8"), rejects.read_text(encoding="utf-8"), summary.analyzed)
    assert outputs[1] == outputs[3]
    lines = outputs[3][0].splitlines()
    assert len(lines) == outputs[3][2] == 58
    assert "broken" not in {json.loads(line)["id"] for line in lines}
    assert json.loads(outputs[3][1])["line"] == 18


def test_ingest_and_reanalysis_store_the_same_rows_for_any_number_of_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "one-key-for-both-stores")  # else each new store makes its own
    source = _mixed_input(tmp_path)
    stored = {}
    for workers in (1, 2):
        with Store.open(f"sqlite:///{tmp_path / f'w{workers}.db'}") as store:
            summary = ingest_files([source], store, rejects_path=tmp_path / f"r{workers}.jsonl", workers=workers)
            assert summary.rejected == 1
            analyze_stored(store, workers=workers, batch_size=5)
            results = [r.model_dump(mode="json") for r in store.iter_results()]
            stored[workers] = (_rows(store), results)
    assert stored[1] == stored[2]
    conversations, results = stored[2]
    assert len(conversations) == len(results) == 58
    # Redaction ran in the workers: the fixture's e-mail addresses never reach the store.
    texts = " ".join(t["text"] for c in conversations for t in c["turns"])
    assert "zekidemir089@gmail.com" not in texts and "lukasdewaal121@gmail.com" not in texts
    assert "<EMAIL>" in texts
