"""Hardening #3: lone UTF-16 surrogates anywhere in a record never cause a 500 or lose the batch."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from fixfirst.store import Store
from fixfirst.web.app import create_app
from tests.web.test_api import bearer, new_record
from tests.web.web_fixtures import WebDb

LONE = "\udfff"


def test_lone_surrogates_are_stored_replaced_and_the_batch_survives(writable_db: WebDb) -> None:
    admin = bearer(writable_db, "admin")
    odd = new_record(f"SUR-{LONE}-1")
    odd["company"] = f"Brand{LONE}"
    odd["turns"][1]["author"] = f"agent{LONE}"
    odd["turns"][0]["text"] = f"my bill {LONE} is wrong"
    batch = [odd, new_record("SUR-OK-2")]
    body = json.dumps(batch)  # ensure_ascii: the lone surrogate travels as the escape \\udfff
    assert "\\udfff" in body
    with TestClient(create_app(writable_db.url)) as client:
        answer = client.post("/api/conversations", content=body, headers={**admin, "content-type": "application/json"})
        assert answer.status_code == 200, answer.text
        assert [r["status"] for r in answer.json()["records"]] == ["stored", "stored"]
        survey = {"id": f"sv-{LONE}", "conversation_id": "SUR-OK-2", "csat": 3, "comment": f"odd {LONE} text"}
        answer = client.post("/api/surveys", content=json.dumps([survey]), headers={**admin,
                             "content-type": "application/json"})
        assert answer.status_code == 200, answer.text
        listed = client.get("/api/conversations?limit=500", headers=admin).json()["items"]
    assert "SUR-OK-2" in {c["id"] for c in listed}
    with Store.open(writable_db.url) as store:
        ids = {c.id for c in store.iter_conversations()}
        comments = [s.comment for s in store.iter_surveys() if s.conversation_id == "SUR-OK-2"]
    assert "SUR-\ufffd-1" in ids and "SUR-OK-2" in ids
    assert comments == ["odd \ufffd text"]


NASTY = {
    "lone-surrogate": "\ud800",
    "nul": "\x00",
    "escape": "\x1b[31m",
    "bidi-override": "\u202e\u2066",
    "zero-width": "\u200b\u200d",
    "combining": "e\u0301\u0338",
    "emoji-zwj": "😀🏳️‍🌈",
    "bom": "\ufeff",
}


def test_every_unicode_class_in_every_field_is_stored_or_refused_cleanly(writable_db: WebDb) -> None:
    """Each awkward class in id, company, team, author, text, metadata, survey comment and review note:
    200 with the record stored, or a per-record 4xx - never a 5xx, never a lost neighbour."""
    admin = {**bearer(writable_db, "admin"), "content-type": "application/json"}
    with TestClient(create_app(writable_db.url)) as client:
        for name, nasty in NASTY.items():
            odd = new_record(f"UNI-{name}-{nasty}")
            odd["company"] = f"Brand{nasty}"
            odd["team"] = f"Team{nasty}"
            odd["turns"][0]["author"] = f"Priya{nasty}"
            odd["turns"][0]["text"] = f"my bill {nasty} is wrong"
            odd["metadata"] = {"note": f"x{nasty}", f"k{nasty}": "v"}
            batch = [odd, new_record(f"UNI-OK-{name}")]
            answer = client.post("/api/conversations", content=json.dumps(batch), headers=admin)
            assert answer.status_code == 200, (name, answer.text)
            statuses = [r["status"] for r in answer.json()["records"]]
            assert statuses[1] == "stored" and statuses[0] in {"stored", "rejected"}, (name, statuses)
            survey = {"conversation_id": f"UNI-OK-{name}", "csat": 3, "comment": f"odd {nasty} text"}
            answer = client.post("/api/surveys", content=json.dumps([survey]), headers=admin)
            assert answer.status_code == 200, (name, answer.text)
            review = {"outcome": "resolved", "note": f"checked {nasty} ok"}
            answer = client.post(f"/api/conversations/UNI-OK-{name}/review", content=json.dumps(review), headers=admin)
            assert answer.status_code < 500, (name, answer.text)
