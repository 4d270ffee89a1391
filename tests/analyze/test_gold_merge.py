"""Agreement gold from two annotators: kept where they agree, null where they differ, settled rules applied."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixfirst.analyze.learned.gold import AnnotationError, agree, main, read_annotations


def label(outcome: str, start: str = "negative", end: str = "neutral", **behaviours: list[int]) -> dict:
    return {
        "id": "w01-001",
        "outcome": outcome,
        "behaviours": behaviours,
        "customer_sentiment_start": start,
        "customer_sentiment_end": end,
    }


def test_agreed_values_are_kept_and_differences_become_null() -> None:
    gold = agree(
        label("resolved", ownership=[3], scripted_empathy=[1], end="positive"),
        label("resolved", ownership=[5], proactive=[5], end="neutral"),
    )
    assert gold["outcome"] == "resolved"
    assert gold["behaviours"]["ownership"] is True
    assert gold["behaviours"]["scripted_empathy"] is None
    assert gold["behaviours"]["proactive"] is None
    assert gold["behaviours"]["system_gap"] is False
    assert gold["customer_sentiment_start"] == "negative"
    assert gold["customer_sentiment_end"] is None
    assert gold["evidence"] == {"ownership": [3, 5]}


def test_outcome_disagreement_is_null() -> None:
    assert agree(label("deflected"), label("moved_private"))["outcome"] is None


@pytest.mark.parametrize("outcome", ["resolved", "clear_no", "owned_followup", "moved_private"])
def test_hollow_apology_only_goes_with_deflected_or_unresolved(outcome: str) -> None:
    gold = agree(label(outcome, hollow_apology=[1]), label(outcome))
    assert gold["behaviours"]["hollow_apology"] is False
    assert "hollow_apology" not in gold["evidence"]


@pytest.mark.parametrize("outcome", ["deflected", "unresolved"])
def test_hollow_apology_kept_where_the_contact_offered_no_help(outcome: str) -> None:
    gold = agree(label(outcome, hollow_apology=[1]), label(outcome, hollow_apology=[1, 3]))
    assert gold["behaviours"]["hollow_apology"] is True
    assert gold["evidence"]["hollow_apology"] == [1, 3]


def test_bad_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "second.jsonl"
    good = json.dumps(label("resolved"))
    path.write_text(good + "\n" + json.dumps({**label("fixed"), "id": "w01-002"}) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"second\.jsonl:2: unknown outcome 'fixed'"):
        read_annotations(path)


def test_command_writes_gold_in_first_annotators_order(tmp_path: Path) -> None:
    first, second, out = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "gold.jsonl"
    rows_a = [
        {**label("resolved"), "id": "x-2"},
        {**label("deflected"), "id": "x-1"},
        {**label("unresolved"), "id": "x-3"},
    ]
    rows_b = [{**label("deflected"), "id": "x-1"}, {**label("clear_no"), "id": "x-2"}]
    first.write_text("".join(json.dumps(r) + "\n" for r in rows_a), encoding="utf-8")
    second.write_text("".join(json.dumps(r) + "\n" for r in rows_b), encoding="utf-8")
    assert main([str(first), str(second), "--out", str(out)]) == 0
    gold = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(g["id"], g["outcome"]) for g in gold] == [("x-2", None), ("x-1", "deflected")]
