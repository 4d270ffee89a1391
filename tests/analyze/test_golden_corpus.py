"""LABELS.md's hard contrasts and settled rules, hand-written (not taken from any labelled data set).

Each record says which rule it checks, the outcome it must get, the behaviours that must be found
on which turn, and the ones that must not be found. Spans are checked on every finding: the learned
engine points at a whole sentence, which must be the turn's own words.
"""

import json
from pathlib import Path

import pytest

from analyze.conversation_builder import conversation
from fixfirst.analyze import analyze
from fixfirst.ingest import fixfirst_jsonl
from fixfirst.model import Conversation
from fixfirst.pipeline.demo_job import demo_sources

GOLDEN = Path(__file__).parents[1] / "fixtures" / "analyze_golden.jsonl"
RECORDS = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_golden_conversation(record: dict) -> None:
    convo = conversation(*[tuple(t) for t in record["turns"]], conversation_id=record["id"])
    [result] = analyze([convo])
    expect = record["expect"]
    allowed = expect.get("outcome_in") or [expect["outcome"]]
    assert result.outcome.label.value in allowed, record["rule"]
    found = {(f.label, f.turn) for f in result.findings}
    for label, turn in expect["present"]:
        assert (label, turn) in found, f"{record['rule']}: expected {label} on turn {turn}, found {sorted(found)}"
    labels = {f.label for f in result.findings}
    assert not labels & set(expect["absent"]), f"{record['rule']}: unexpected {sorted(labels & set(expect['absent']))}"
    if "sentiment" in expect:
        assert [result.customer_sentiment.start.value, result.customer_sentiment.end.value] == expect["sentiment"]
    for finding in result.findings:
        text = convo.turns[finding.turn].text
        assert finding.text == text[finding.start : finding.end] and finding.text.strip()
    for evidence in result.outcome.evidence:
        turn = convo.turns[evidence.turn]
        assert turn.role.value == "agent" and evidence.text == turn.text[evidence.start : evidence.end]


def test_hollow_apology_only_goes_with_deflected_or_unresolved() -> None:
    """Settled rule, checked on every conversation of the bundled demo data, not only hand-picked ones."""
    sources = [p for p in demo_sources() if p.suffix == ".jsonl"]
    conversations = [c for path in sources for c in fixfirst_jsonl.read(path) if isinstance(c, Conversation)]
    results = list(analyze(conversations))
    assert any(r.has("hollow_apology") for r in results)
    for result in results:
        if result.has("hollow_apology"):
            assert result.outcome.label.value in {"deflected", "unresolved"}, result.id
        if result.has("policy_stonewall"):
            assert result.outcome.label.value in {"clear_no", "deflected", "unresolved"}, result.id
