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
