"""FixFirst JSONL adapter: real twitter_care lines load; every kind of bad line is a reject with its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixfirst.ingest import fixfirst_jsonl
from fixfirst.ingest.reject import Reject
from fixfirst.model import Conversation, Role

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAMPLE = FIXTURES / "ingest_twitter_care_sample.jsonl"

GOOD = {
    "id": "c-1",
    "channel": "chat",
    "company": "Acme",
    "turns": [
        {"role": "customer", "author": "ann", "text": "My order never came.", "ts": "2024-01-01T10:00:00Z"},
        {"role": "agent", "author": "bo", "text": "I've re-sent it with express shipping.", "ts": None},
    ],
}


def test_reads_every_real_line_with_derived_participants() -> None:
    items = list(fixfirst_jsonl.read(SAMPLE))
    assert len(items) == 30
    assert all(isinstance(i, Conversation) for i in items)
    first = items[0]
    assert first.id == "tc-LgwAXtbbEm0mBvDrGmjk"
    assert first.customer_id == "CinVakas"
    assert first.agent_ids == ("TeamYouTube",)
    assert [t.role for t in first.turns] == [Role.CUSTOMER, Role.AGENT]
    assert first.started_at is not None and first.started_at.year == 2020


def test_sniff_accepts_jsonl_and_refuses_csv() -> None:
    assert fixfirst_jsonl.sniff(SAMPLE)
    assert not fixfirst_jsonl.sniff(FIXTURES / "ingest_surveys.csv")
    assert not fixfirst_jsonl.sniff(FIXTURES / "ingest_zendesk_tickets.jsonl")


def test_given_ids_are_kept_and_turn_indices_follow_positions(tmp_path: Path) -> None:
    record = {
        **GOOD,
        "customer_id": "cust-9",
        "agent_ids": ["x"],
        "turns": [{**t, "index": 7} for t in GOOD["turns"]],
    }
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(record) + "\n")
    (conversation,) = fixfirst_jsonl.read(path)
    assert conversation.customer_id == "cust-9"
    assert conversation.agent_ids == ("x",)
    assert [t.index for t in conversation.turns] == [0, 1]


def test_unknown_top_level_keys_go_to_metadata(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({**GOOD, "subject": "late order", "metadata": {"k": 1}}) + "\n")
    (conversation,) = fixfirst_jsonl.read(path)
    assert conversation.metadata == {"k": 1, "subject": "late order"}


def _line(**changes: object) -> bytes:
    return json.dumps({**GOOD, **changes}).encode()


BAD_LINES = [
    pytest.param(b'{"id": "x", "turns": [', "malformed JSON", id="truncated-json"),
    pytest.param(b"[1, 2, 3]", "expected a JSON object", id="array"),
    pytest.param(_line(turns=[]), "empty conversation", id="no-turns"),
    pytest.param(
        json.dumps({k: v for k, v in GOOD.items() if k != "turns"}).encode(),
        "turns: missing",
        id="turns-missing",
    ),
    pytest.param(
        json.dumps({k: v for k, v in GOOD.items() if k != "id"}).encode(),
        "id: Field required",
        id="id-missing",
    ),
    pytest.param(
        _line(turns=[{"role": "martian", "text": "hi"}]), "turns.0: unknown role 'martian'", id="unknown-role"
    ),
    pytest.param(_line(turns=[{"role": "customer"}]), "turns.0.text: missing", id="text-missing"),
    pytest.param(_line(turns=[{"role": "customer", "text": 42}]), "expected a string", id="text-not-string"),
    pytest.param(_line(turns=[{"role": "customer", "text": "   "}]), "no text in any turn", id="blank-text"),
    pytest.param(
        _line(turns=[{"role": "customer", "text": "x" * 150_000}]), "turns.0.text", id="turn-too-long"
    ),
    pytest.param(
        _line(turns=[{"role": "customer", "text": "hi", "ts": "yesterday"}]), "turns.0.ts", id="bad-ts"
    ),
    pytest.param(
        _line(turns=[{"role": "customer" if i % 2 else "agent", "text": "z" * 90_000} for i in range(12)]),
        "conversation has 1,080,000 characters of text; the limit is 1,000,000 per record",
        id="record-too-long",
    ),
    pytest.param(b"\x00\x01\x02binary\x00junk", "binary data", id="binary-junk"),
    pytest.param(_line(id="c-1"), "duplicate id 'c-1' (first on line 1)", id="duplicate-id"),
]


@pytest.mark.parametrize(("bad", "reason"), BAD_LINES)
def test_bad_line_becomes_reject_and_good_lines_still_load(tmp_path: Path, bad: bytes, reason: str) -> None:
    good_after = json.dumps({**GOOD, "id": "c-2"}).encode()
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(_line() + b"\n" + bad + b"\n" + good_after + b"\n")
    items = list(fixfirst_jsonl.read(path))
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [c.id for c in items if isinstance(c, Conversation)] == ["c-1", "c-2"]
    assert len(rejects) == 1
    assert rejects[0].line == 2
    assert reason in rejects[0].reason
    assert rejects[0].file == str(path)
    assert len(rejects[0].raw) <= 200


def test_latin1_bytes_are_decoded_and_the_conversation_says_so(tmp_path: Path) -> None:
    line = _line(turns=[{"role": "customer", "text": "cafe"}]).replace(b"cafe", b"caf\xe9 cr\xe8me")
    path = tmp_path / "latin.jsonl"
    path.write_bytes(line + b"\n")
    (conversation,) = fixfirst_jsonl.read(path)
    assert conversation.turns[0].text == "café crème"
    assert "not valid UTF-8" in conversation.metadata["ingest_notes"][0]


def test_huge_line_is_rejected_without_losing_the_next_line(tmp_path: Path) -> None:
    huge = _line(id="big", turns=[{"role": "customer", "text": "y" * (10 * 1024 * 1024)}])
    path = tmp_path / "huge.jsonl"
    path.write_bytes(huge + b"\n" + _line(id="after") + b"\n")
    items = list(fixfirst_jsonl.read(path, max_line_bytes=1024 * 1024))
    assert (
        isinstance(items[0], Reject)
        and items[0].line == 1
        and "over the 1,048,576-byte limit" in items[0].reason
    )
    assert isinstance(items[1], Conversation) and items[1].id == "after"


def test_blank_lines_and_crlf_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "crlf.jsonl"
    path.write_bytes(b"\r\n" + _line() + b"\r\n\r\n" + _line(id="c-2") + b"\r\n")
    assert [c.id for c in fixfirst_jsonl.read(path)] == ["c-1", "c-2"]


def test_read_is_lazy_line_by_line(tmp_path: Path) -> None:
    """A line appended after the first item was yielded is still seen: nothing was slurped up front."""
    path = tmp_path / "lazy.jsonl"
    path.write_bytes(_line() + b"\n")
    iterator = fixfirst_jsonl.read(path)
    assert next(iterator).id == "c-1"
    with path.open("ab") as handle:
        handle.write(_line(id="appended") + b"\n")
    assert next(iterator).id == "appended"
