"""Hardening #11: ids are strings or integers, never blank, never with '/' or control characters."""

from __future__ import annotations

from fastapi.testclient import TestClient

from fixfirst.web.app import create_app
from tests.web.test_api import bearer, new_record
from tests.web.web_fixtures import WebDb


def test_bad_ids_are_rejected_with_the_reason_and_good_ones_readable(writable_db: WebDb) -> None:
    admin = bearer(writable_db, "admin")
    cases = {
        "list": (["a"], "expected a string or an integer, got list"),
        "float": (1.5, "expected a string or an integer, got float"),
        "bool": (True, "expected a string or an integer, got bool"),
        "blank": ("   ", "blank id"),
        "slash": ("a/b", "must not contain '/'"),
        "control": ("a\x07b", "control characters"),
    }
    batch = [new_record("placeholder") | {"id": value} for value, _ in cases.values()]
    batch += [new_record("  padded-7  "), new_record("x") | {"id": 42}]
    with TestClient(create_app(writable_db.url)) as client:
        records = client.post("/api/conversations", json=batch, headers=admin).json()["records"]
        for record, (name, (_, reason)) in zip(records, cases.items(), strict=False):
            assert record["status"] == "rejected", name
            assert any(reason in error for error in record["errors"]), (name, record["errors"])
        assert [r["status"] for r in records[-2:]] == ["stored", "stored"]
        assert client.get("/api/conversations/padded-7", headers=admin).status_code == 200
        assert client.get("/api/conversations/42", headers=admin).status_code == 200
        survey = {"id": "sv/1", "conversation_id": "42", "csat": 4}
        answer = client.post("/api/surveys", json=survey, headers=admin).json()["records"][0]
        assert answer["status"] == "rejected" and "must not contain '/'" in answer["errors"][0]
