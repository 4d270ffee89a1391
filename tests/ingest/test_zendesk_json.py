"""Zendesk adapter: API-shaped JSON documents and JSONL exports, roles from side-loads or requester."""

from __future__ import annotations

import json
from pathlib import Path

from fixfirst.ingest import zendesk_json
from fixfirst.ingest.reject import Reject
from fixfirst.model import Conversation, Role

FIXTURES = Path(__file__).parents[1] / "fixtures"
DOCUMENT = FIXTURES / "ingest_zendesk_tickets.json"
LINES = FIXTURES / "ingest_zendesk_tickets.jsonl"


def _split(path: Path) -> tuple[dict[str, Conversation], list[Reject]]:
    items = list(zendesk_json.read(path))
    return {i.id: i for i in items if isinstance(i, Conversation)}, [
        i for i in items if isinstance(i, Reject)
    ]


def test_document_tickets_become_conversations_with_private_notes() -> None:
    conversations, _ = _split(DOCUMENT)
    ticket = conversations["zendesk-35436"]
    assert ticket.channel == "email"
    assert ticket.team == "Billing"
    assert ticket.customer_id == "20978392"
    assert ticket.agent_ids == ("235323",)
    assert [(t.role, t.public) for t in ticket.turns] == [
        (Role.CUSTOMER, True),
        (Role.AGENT, False),
        (Role.AGENT, True),
        (Role.CUSTOMER, True),
    ]
    assert ticket.turns[1].text.startswith("Checked the payment log")
    assert ticket.metadata["subject"] == "Refund for double charge on order 88213"
    assert ticket.metadata["satisfaction_rating"]["score"] == "good"


def test_users_side_load_makes_a_cc_end_user_a_customer_and_system_author_system() -> None:
    ticket = _split(DOCUMENT)[0]["zendesk-35437"]
    roles = [(t.author, t.role) for t in ticket.turns]
    assert roles == [
        ("20978400", Role.CUSTOMER),
        ("-1", Role.SYSTEM),
        ("20978555", Role.CUSTOMER),  # not the requester, but an end-user per the side-load
        ("235324", Role.AGENT),  # an admin answering is an agent
    ]
    assert ticket.team == "Tier 2"


def test_without_users_side_load_any_non_requester_is_an_agent(tmp_path: Path) -> None:
    document = json.loads(DOCUMENT.read_text())
    del document["users"]
    path = tmp_path / "no_users.json"
    path.write_text(json.dumps(document))
    ticket = _split(path)[0]["zendesk-35437"]
    assert [t.role for t in ticket.turns] == [Role.CUSTOMER, Role.SYSTEM, Role.AGENT, Role.AGENT]


def test_ticket_without_comments_uses_description_and_empty_ticket_is_rejected() -> None:
    conversations, rejects = _split(DOCUMENT)
    single = conversations["zendesk-35438"]
    assert [(t.role, t.author) for t in single.turns] == [(Role.CUSTOMER, "20978401")]
    assert single.team is None
    assert [(r.line, r.reason) for r in rejects] == [(4, "comments: empty ticket (no comments)")]


def test_jsonl_export_rejects_bad_lines_and_keeps_good_ones() -> None:
    conversations, rejects = _split(LINES)
    assert list(conversations) == ["zendesk-501", "zendesk-502"]
    assert conversations["zendesk-501"].team == "Billing"  # group side-load line applies
    assert conversations["zendesk-502"].team == "555"  # unknown group: its id
    assert [(r.line, r.reason.split(":")[0]) for r in rejects] == [
        (4, "comment 5"),
        (5, "duplicate ticket 501 (first at 2)"),
        (6, "malformed JSON"),
    ]


def test_malformed_document_is_one_reject_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "tickets": [\n    {"id": 1,\n')
    (reject,) = zendesk_json.read(path)
    assert isinstance(reject, Reject)
    assert reject.reason.startswith("malformed JSON document")


def test_sniff_tells_zendesk_from_fixfirst_jsonl() -> None:
    assert zendesk_json.sniff(DOCUMENT)
    assert zendesk_json.sniff(LINES)
    assert not zendesk_json.sniff(FIXTURES / "ingest_twitter_care_sample.jsonl")


def test_ids_are_stable() -> None:
    assert (
        list(_split(DOCUMENT)[0])
        == list(_split(DOCUMENT)[0])
        == ["zendesk-35436", "zendesk-35437", "zendesk-35438"]
    )
