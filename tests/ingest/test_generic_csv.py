"""Generic CSV adapter: both layouts, mapping from YAML (validated), guessing, grouping and rejects."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixfirst.errors import ConfigError, InputError
from fixfirst.ingest import generic_csv
from fixfirst.ingest.csv_mapping import CsvMapping, load_csv_mapping
from fixfirst.ingest.reject import Reject
from fixfirst.model import Conversation, Role

FIXTURES = Path(__file__).parents[1] / "fixtures"
TURNS = FIXTURES / "ingest_generic_turns.csv"
CONVERSATIONS = FIXTURES / "ingest_generic_conversations.csv"
TURN_MAPPING = CsvMapping(
    author="agent_name", turn_order="seq", team="queue", role_values={"Robot": Role.BOT}
)


def _split(items: object) -> tuple[dict[str, Conversation], list[Reject]]:
    items = list(items)  # type: ignore[call-overload]
    return {i.id: i for i in items if isinstance(i, Conversation)}, [
        i for i in items if isinstance(i, Reject)
    ]


def test_turn_rows_grouped_ordered_and_mapped() -> None:
    conversations, rejects = _split(generic_csv.read(TURNS, mapping=TURN_MAPPING))
    assert list(conversations) == ["T-100", "T-101", "T-102"]
    t100 = conversations["T-100"]
    assert [(t.role, t.author) for t in t100.turns] == [
        (Role.CUSTOMER, "jo_88"),
        (Role.AGENT, "amy"),
        (Role.CUSTOMER, "jo_88"),
    ]
    assert t100.channel == "chat" and t100.team == "Broadband"
    assert t100.customer_id == "jo_88" and t100.agent_ids == ("amy",)
    assert [t.role for t in conversations["T-101"].turns] == [Role.CUSTOMER, Role.BOT]
    assert conversations["T-102"].team is None
    assert [(r.line, r.reason.split(";")[0]) for r in rejects] == [
        (9, "rows of conversation 'T-100' are not contiguous (it started on line 2)"),
    ]


def test_unsorted_rows_grouped_in_memory_when_asked() -> None:
    mapping = TURN_MAPPING.model_copy(update={"rows_sorted": False})
    conversations, rejects = _split(generic_csv.read(TURNS, mapping=mapping))
    assert rejects == []
    assert conversations["T-100"].turns[-1].text == "late row for T-100"


def test_without_mapping_common_headers_are_guessed_and_unknown_roles_rejected() -> None:
    conversations, rejects = _split(generic_csv.read(TURNS))
    assert conversations["T-100"].turns[0].text.startswith("Thanks Jo")  # file order: no turn_order
    assert [(r.line, "unknown role 'Robot'" in r.reason) for r in rejects][0] == (5, True)


def test_one_row_per_conversation_with_yaml_mapping() -> None:
    mapping = load_csv_mapping(FIXTURES / "ingest_csv_mapping.yaml")
    conversations, rejects = _split(generic_csv.read(CONVERSATIONS, mapping=mapping))
    q1 = conversations["q1"]
    assert [t.role for t in q1.turns] == [Role.CUSTOMER, Role.AGENT]
    assert (q1.company, q1.channel, q1.metadata) == ("ShoeCo", "web", {"product": "shoes"})
    assert q1.started_at is not None and q1.started_at.day == 1
    assert [(r.line, r.reason) for r in rejects] == [
        (4, "conversation 'q3': turns: empty conversation (no turns)")
    ]


def test_transcript_column(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        'chat_id,transcript\nc1,"Customer: my card is blocked\nstill blocked\nAgent: Unblocked it now."\n'
    )
    mapping = CsvMapping(layout="conversations", transcript="transcript")
    (conversation,) = generic_csv.read(path, mapping=mapping)
    assert [(t.role, t.text) for t in conversation.turns] == [
        (Role.CUSTOMER, "my card is blocked\nstill blocked"),
        (Role.AGENT, "Unblocked it now."),
    ]


def test_bad_mapping_file_names_file_and_key() -> None:
    with pytest.raises(ConfigError) as error:
        load_csv_mapping(FIXTURES / "ingest_csv_mapping_bad.yaml")
    message = str(error.value)
    assert "ingest_csv_mapping_bad.yaml" in message
    assert "key 'layout'" in message
    assert "key 'turn_columns.0.role'" in message


def test_mapped_column_missing_from_header_is_an_input_error() -> None:
    with pytest.raises(
        InputError, match=r"column 'speaker_type' \(mapping key 'role'\) is not in the header"
    ):
        list(generic_csv.read(TURNS, mapping=CsvMapping(role="speaker_type")))


def test_malformed_rows_are_rejects(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(
        b"conversation_id,role,text\n"
        b"a,customer,hello\n"
        b"a,agent\n"
        b",customer,no id\n"
        b"b,customer,\x00\x00binary\n"
        b"c,customer,caf\xe9\n"
    )
    conversations, rejects = _split(generic_csv.read(path))
    assert [(r.line, r.reason.split(" (")[0]) for r in rejects] == [
        (3, "row has 2 fields, the header has 3"),
        (4, "missing conversation id"),
        (5, "binary data"),
    ]
    assert conversations["c"].turns[0].text == "café"
    assert list(conversations) == ["a", "c"]
