"""read_sources / detect_format / RejectsWriter: the package's public entry points."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fixfirst.errors import InputError
from fixfirst.ingest import Redactor, Reject, RejectsWriter, detect_format, read_sources
from fixfirst.model import Conversation, Survey

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ingest_twitter_care_sample.jsonl", "fixfirst_jsonl"),
        ("ingest_zendesk_tickets.json", "zendesk"),
        ("ingest_zendesk_tickets.jsonl", "zendesk"),
        ("ingest_twcs_sample.csv", "twcs"),
        ("ingest_surveys.csv", "surveys"),
        ("ingest_generic_turns.csv", "csv"),
    ],
)
def test_detect_format(name: str, expected: str) -> None:
    assert detect_format(FIXTURES / name) == expected


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "binary file"),
        (b"\xff\xfeh\x00i\x00", "UTF-16"),
        (b"just some notes\nnothing tabular\n", "format not recognised"),
    ],
)
def test_unreadable_or_unknown_files_raise_input_error_naming_the_file(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "input.dat"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message) as error:
        detect_format(path)
    assert str(path) in str(error.value)


def test_missing_file_fails_before_anything_is_yielded() -> None:
    with pytest.raises(InputError, match="nope.jsonl"):
        next(read_sources([FIXTURES / "ingest_twitter_care_sample.jsonl", FIXTURES / "nope.jsonl"]))


def test_mixed_sources_yield_all_item_kinds_redacted_with_stable_ids(tmp_path: Path) -> None:
    for name in ("ingest_twitter_care_sample.jsonl", "ingest_surveys.csv", "ingest_zendesk_tickets.json"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    first = list(read_sources(tmp_path))
    second = list(read_sources(tmp_path))
    kinds = {type(i) for i in first}
    assert kinds == {Conversation, Survey, Reject}
    assert [getattr(i, "id", None) for i in first] == [getattr(i, "id", None) for i in second]
    conversations = [i for i in first if isinstance(i, Conversation)]
    assert all(c.metadata["redacted"] for c in conversations)
    surveys = [i for i in first if isinstance(i, Survey)]
    assert "zeki@example.com" not in (surveys[0].comment or "")


def test_rejects_excerpts_are_redacted_too(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"id": "x", "turns": [], "note": "bob@example.com"}\n')
    (reject,) = read_sources(path)
    assert isinstance(reject, Reject)
    assert "bob@example.com" not in reject.raw and "<EMAIL>" in reject.raw
    (raw_reject,) = read_sources(path, redact=False)
    assert "bob@example.com" in raw_reject.raw


def test_explicit_format_and_custom_redactor(tmp_path: Path) -> None:
    items = list(
        read_sources(FIXTURES / "ingest_twcs_sample.csv", format="twcs", redact=Redactor(pseudonym_key="k"))
    )
    conversation = next(i for i in items if isinstance(i, Conversation))
    assert conversation.customer_id is not None and conversation.customer_id.startswith("cust-")
    with pytest.raises(InputError, match="unknown format 'xml'"):
        list(read_sources(FIXTURES / "ingest_twcs_sample.csv", format="xml"))


def test_csv_mapping_lets_auto_detection_accept_unusual_headers() -> None:
    path = FIXTURES / "ingest_generic_conversations.csv"
    with pytest.raises(InputError):
        detect_format(path)
    items = list(read_sources(path, csv_mapping=FIXTURES / "ingest_csv_mapping.yaml"))
    assert [i.id for i in items if isinstance(i, Conversation)] == ["q1", "q2"]


def test_rejects_writer_appends_jsonl_and_creates_nothing_when_clean(tmp_path: Path) -> None:
    out = tmp_path / "out" / "rejects.jsonl"
    with RejectsWriter(out) as writer:
        pass
    assert not out.exists() and writer.count == 0
    reject = Reject.of("f.jsonl", 3, "malformed JSON", "x" * 500)
    with RejectsWriter(out) as writer:
        writer.write(reject)
    with RejectsWriter(out) as writer:
        writer.write(reject)
    lines = out.read_text().splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0]) == {
        "file": "f.jsonl",
        "line": 3,
        "reason": "malformed JSON",
        "raw": "x" * 199 + "…",
    }
