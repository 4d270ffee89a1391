"""Hardening #7 (part): review notes and dispute comments are redacted before they are stored."""

from __future__ import annotations

from fastapi.testclient import TestClient

from fixfirst.store import Store
from fixfirst.store.web_records import iter_reviews, list_disputes
from fixfirst.web.app import create_app
from tests.web.test_api import ALEX_CONVERSATION, bearer
from tests.web.web_fixtures import WebDb

NOTE = "Customer jane.doe@example.com, SSN 536-22-8812, called from 192.168.10.24"


def test_notes_and_comments_are_redacted(writable_db: WebDb) -> None:
    admin, alex = bearer(writable_db, "admin"), bearer(writable_db, "alex")
    with TestClient(create_app(writable_db.url)) as client:
        disputed = client.post(f"/api/conversations/{ALEX_CONVERSATION}/disputes",
                               json={"item": "outcome", "comment": NOTE}, headers=alex)
        assert disputed.status_code == 201, disputed.text
        review = {"outcome": "resolved", "note": NOTE}
        reviewed = client.post(f"/api/conversations/{ALEX_CONVERSATION}/review", json=review, headers=admin)
        assert reviewed.status_code == 200
    with Store.open(writable_db.url) as store:
        notes = [r.note for r in iter_reviews(store, ALEX_CONVERSATION) if r.note]
        comments = [d.comment for d in list_disputes(store, conversation_id=ALEX_CONVERSATION)]
    for text in notes + comments:
        assert "jane.doe@example.com" not in text and "536-22-8812" not in text and "192.168.10.24" not in text
        assert "<EMAIL>" in text and "<SSN>" in text and "<IP>" in text
    assert notes and comments
