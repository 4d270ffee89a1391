"""Surveys adapter: answers normalised, stable ids, every bad row a reject with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixfirst.ingest import surveys_csv
from fixfirst.ingest.reject import Reject
from fixfirst.model import FixedAnswer, Survey

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAMPLE = FIXTURES / "ingest_surveys.csv"


def test_good_rows_load_and_bad_rows_are_rejected_with_line_and_reason() -> None:
    items = list(surveys_csv.read(SAMPLE))
    surveys = [i for i in items if isinstance(i, Survey)]
    rejects = {i.line: i.reason for i in items if isinstance(i, Reject)}
    assert [(s.conversation_id, s.csat, s.ces, s.fixed, s.empathy) for s in surveys] == [
        ("tc-LgwAXtbbEm0mBvDrGmjk", 2, 3, FixedAnswer.NO, 2),
        ("tc-NFUDPkkooFvg5tf3xszV", 5, 7, FixedAnswer.YES, 4),
        ("zendesk-35436", 4, None, FixedAnswer.CLEAR_NO, None),
        ("zendesk-35437", 1, 2, FixedAnswer.NO, 1),
    ]
    assert rejects == {
        6: "record: a survey needs a conversation_id or a customer_id to join to",
        7: "csat: Input should be less than or equal to 5",
        8: "fixed: 'maybe' is not yes, no or clear_no",
        9: "record: a survey needs at least one of csat, ces, fixed, empathy",
        10: f"duplicate survey {surveys[1].id!r} (first on line 3)",
        11: "csat: 'four' is not a number",
    }


def test_ids_are_stable_and_differ_per_response() -> None:
    first = [s.id for s in surveys_csv.read(SAMPLE) if isinstance(s, Survey)]
    second = [s.id for s in surveys_csv.read(SAMPLE) if isinstance(s, Survey)]
    assert first == second
    assert len(set(first)) == len(first)
    assert all(i.startswith("sv-") for i in first)


def test_response_id_column_is_used_as_id(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("response_id,customer_id,csat\nR-1,c1,5\n")
    (survey,) = surveys_csv.read(path)
    assert survey.id == "R-1"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yes", FixedAnswer.YES),
        ("Y", FixedAnswer.YES),
        ("TRUE", FixedAnswer.YES),
        ("resolved", FixedAnswer.YES),
        ("no", FixedAnswer.NO),
        ("Not  fixed", FixedAnswer.NO),
        ("0", FixedAnswer.NO),
        ("clear_no", FixedAnswer.CLEAR_NO),
        ("Clear No", FixedAnswer.CLEAR_NO),
        ("clear-no", FixedAnswer.CLEAR_NO),
        (None, None),
    ],
)
def test_fixed_variants(raw: str | None, expected: FixedAnswer | None) -> None:
    assert surveys_csv.parse_fixed(raw) is expected


@pytest.mark.parametrize("raw", ["maybe", "sort of", "2"])
def test_unknown_fixed_answers_are_errors(raw: str) -> None:
    with pytest.raises(ValueError, match="is not yes, no or clear_no"):
        surveys_csv.parse_fixed(raw)


def test_sniff_only_survey_shaped_csv() -> None:
    assert surveys_csv.sniff(SAMPLE)
    assert not surveys_csv.sniff(FIXTURES / "ingest_generic_turns.csv")
    assert not surveys_csv.sniff(FIXTURES / "ingest_twcs_sample.csv")
