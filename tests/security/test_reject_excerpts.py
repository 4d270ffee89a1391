"""Hardening #7: a rejects file never keeps part of a phone number or e-mail address cut off by the
excerpt limit - the cut drops the split word before redaction runs on the excerpt."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fixfirst.ingest.reject import RAW_EXCERPT_CHARS, excerpt
from fixfirst.pipeline import ingest_files
from fixfirst.store import Store


@pytest.mark.parametrize("pad", range(150, 200, 7))
def test_survey_reject_excerpt_keeps_no_partial_phone_number(tmp_path: Path, pad: int) -> None:
    comment = "x" * pad + " call me back on 07700 900123 or zeki@example.com today"
    source = tmp_path / "surveys.csv"
    source.write_text(f'conversation_id,customer_id,csat,comment\nc1,u1,99,"{comment}"\n', encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        ingest_files([source], store, rejects_path=rejects, workers=1)
    raw = json.loads(rejects.read_text(encoding="utf-8"))["raw"]
    assert len(raw) <= RAW_EXCERPT_CHARS
    assert not re.search(r"\d{3}", raw.replace("99", "")), raw
    assert "zeki" not in raw and "example" not in raw


def test_short_records_are_kept_whole() -> None:
    assert excerpt("bad line") == "bad line"
