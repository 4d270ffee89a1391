"""Adapter: post-contact survey responses in a CSV file -> `Survey`.

Columns (header names are case-insensitive; the first that exists of each group is used):

- ``conversation_id`` (or ``ticket_id``, ``conversation``) and/or ``customer_id`` (``customer``)
- ``csat`` 1-5, ``ces`` 1-7, ``empathy`` 1-5 (blank = not asked)
- ``fixed``: yes / no / clear_no, with variants (``y``, ``true``, ``1``, ``resolved``;
  ``n``, ``false``, ``0``, ``not fixed``; ``clear no``, ``clear-no``, ``told no``)
- ``comment`` free text; ``submitted_at`` ISO timestamp
- optional ``survey_id`` / ``response_id``: used as the id; otherwise the id is `stable_id`
  of all the fields, so re-reading gives the same ids and an exact duplicate row is rejected.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from fixfirst.ingest.csv_records import CsvRecord, iter_csv_records, read_header
from fixfirst.ingest.reject import Reject, summarise_validation_error
from fixfirst.model import FixedAnswer, Survey, stable_id

NAME = "surveys"

_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("survey_id", "response_id", "id"),
    "conversation_id": ("conversation_id", "ticket_id", "conversation"),
    "customer_id": ("customer_id", "customer"),
    "csat": ("csat", "satisfaction"),
    "ces": ("ces", "effort"),
    "fixed": ("fixed", "resolved", "fcr"),
    "empathy": ("empathy",),
    "comment": ("comment", "comments", "feedback", "verbatim"),
    "submitted_at": ("submitted_at", "submitted", "created_at", "date"),
}
_SCORES = ("csat", "ces", "fixed", "empathy")
_TEXT_COLUMNS = {"text", "message", "body", "transcript", "turn_text"}

FIXED_VARIANTS: dict[str, FixedAnswer] = {
    **dict.fromkeys(("yes", "y", "true", "1", "fixed", "resolved", "solved"), FixedAnswer.YES),
    **dict.fromkeys(("no", "n", "false", "0", "not fixed", "not_fixed", "unresolved"), FixedAnswer.NO),
    **dict.fromkeys(
        ("clear_no", "clear no", "clear-no", "clearno", "told no", "no (clear)", "no, clearly"),
        FixedAnswer.CLEAR_NO,
    ),
}


def sniff(path: str | Path) -> bool:
    """A CSV with a join column and at least one score column, and no transcript text column."""
    header = set(read_header(path))
    joins = header & {*_COLUMNS["conversation_id"], *_COLUMNS["customer_id"]}
    scores = header & {"csat", "ces", "fixed", "empathy"}
    return bool(joins and scores and not header & _TEXT_COLUMNS)


def _pick(values: dict[str, str], key: str) -> str | None:
    for column in _COLUMNS[key]:
        value = values.get(column)
        if value is not None and value.strip():
            return value.strip()
    return None


def parse_fixed(value: str | None) -> FixedAnswer | None:
    """The FixedAnswer for a raw answer; ValueError naming the value when unrecognised."""
    if value is None:
        return None
    answer = FIXED_VARIANTS.get(" ".join(value.lower().split()))
    if answer is None:
        raise ValueError(f"fixed: {value[:40]!r} is not yes, no or clear_no")
    return answer


def _parse_score(value: str | None, column: str) -> int | float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{column}: {value[:40]!r} is not a number") from None
    if not number.is_integer():
        raise ValueError(f"{column}: {value[:40]!r} is not a whole number")
    return int(number)


def survey_from_record(record: CsvRecord) -> Survey:
    """A validated Survey; ValueError / ValidationError explain a bad row."""
    values = record.values
    fields: dict[str, object] = {key: _pick(values, key) for key in _COLUMNS}
    for column in ("csat", "ces", "empathy"):
        fields[column] = _parse_score(fields[column], column)  # type: ignore[arg-type]
    fields["fixed"] = parse_fixed(fields["fixed"])  # type: ignore[arg-type]
    if fields["id"] is None:
        fields["id"] = stable_id(
            "sv",
            *(fields[k] for k in ("conversation_id", "customer_id", "submitted_at", *_SCORES, "comment")),
        )
    return Survey.model_validate(fields)


def read(path: str | Path, *, delimiter: str | None = None) -> Iterator[Survey | Reject]:
    """Yield a Survey per good row and a Reject per bad one."""
    seen: dict[str, int] = {}
    for record in iter_csv_records(path, delimiter):
        if isinstance(record, Reject):
            yield record
            continue
        try:
            survey = survey_from_record(record)
        except ValidationError as error:
            yield Reject.of(path, record.line, summarise_validation_error(error), record.raw)
            continue
        except ValueError as error:
            yield Reject.of(path, record.line, str(error), record.raw)
            continue
        first = seen.get(survey.id)
        if first is not None:
            yield Reject.of(
                path, record.line, f"duplicate survey {survey.id!r} (first on line {first})", record.raw
            )
            continue
        seen[survey.id] = record.line
        yield survey
