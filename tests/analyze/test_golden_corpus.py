"""A small hand-written labelled corpus with the exact findings expected (not taken from dev labels)."""

import json
from pathlib import Path

import pytest

from analyze.conversation_builder import conversation
from fixfirst.analyze import analyze

GOLDEN = Path(__file__).parents[1] / "fixtures" / "analyze_golden.jsonl"
RECORDS = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_golden_conversation(record: dict) -> None:
    convo = conversation(*[tuple(t) for t in record["turns"]], conversation_id=record["id"])
    [result] = analyze([convo])
    expect = record["expect"]
    assert result.outcome.label.value == expect["outcome"]
    got = sorted(
        [f.label, f.turn, f.text] for f in result.findings if f.label not in {"specific_acknowledgement"}
    )
    assert got == sorted(expect["findings"])
    assert [result.customer_sentiment.start.value, result.customer_sentiment.end.value] == expect["sentiment"]
