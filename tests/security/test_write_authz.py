"""Hardening #1: a write is authorised against the stored record as well as the new one.

A manager of "Orders & Delivery" must not overwrite (and so take over, with its reviews and
disputes) a conversation of another team or one without a team, nor move a survey off one.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from fixfirst.store import Store
from fixfirst.web.app import create_app
from tests.web.test_api import ALEX_CONVERSATION, bearer, new_record
from tests.web.web_fixtures import WebDb

TECH_CONVERSATION = "BW-CL-00425"  # Technical Support


def test_manager_cannot_overwrite_another_teams_or_a_teamless_conversation(writable_db: WebDb) -> None:
    lead, admin = bearer(writable_db, "orders_lead"), bearer(writable_db, "admin")
    with Store.open(writable_db.url) as store:
        before = store.get_conversation(TECH_CONVERSATION)
    assert before is not None and before.team == "Technical Support"
    with TestClient(create_app(writable_db.url)) as client:
        teamless = {**new_record("NOTEAM-1"), "team": None}
        assert client.post("/api/conversations", json=teamless, headers=admin).status_code == 200
        for target in (TECH_CONVERSATION, "NOTEAM-1"):
            answer = client.post("/api/conversations", json=new_record(target), headers=lead)
            item = answer.json()["records"][0]
            assert (item["status"], item["code"]) == ("rejected", 403), answer.text
            assert "may not change it" in item["errors"][0]
        # Their own team's conversations they still update.
        own = client.post("/api/conversations", json=new_record(ALEX_CONVERSATION), headers=lead).json()["records"][0]
        assert own["status"] == "updated"
        # The other team's conversation, its turns and its visibility are untouched.
        assert client.get(f"/api/conversations/{TECH_CONVERSATION}", headers=lead).status_code == 404
    with Store.open(writable_db.url) as store:
        after = store.get_conversation(TECH_CONVERSATION)
        assert after == before
        assert store.get_conversation("NOTEAM-1").team is None  # type: ignore[union-attr]


def test_manager_cannot_move_a_survey_off_another_teams_conversation(writable_db: WebDb) -> None:
    lead, admin = bearer(writable_db, "orders_lead"), bearer(writable_db, "admin")
    survey = {"id": "sv-tech-1", "conversation_id": TECH_CONVERSATION, "csat": 2, "comment": "slow"}
    with TestClient(create_app(writable_db.url)) as client:
        assert client.post("/api/surveys", json=survey, headers=admin).status_code == 200
        moved = {**survey, "conversation_id": ALEX_CONVERSATION, "csat": 5}
        item = client.post("/api/surveys", json=moved, headers=lead).json()["records"][0]
        assert (item["status"], item["code"]) == ("rejected", 403)
        fresh = {**moved, "id": "sv-orders-1"}
        assert client.post("/api/surveys", json=fresh, headers=lead).json()["records"][0]["status"] == "stored"
    with Store.open(writable_db.url) as store:
        stored = {s.id: s for s in store.iter_surveys()}
    assert stored["sv-tech-1"].conversation_id == TECH_CONVERSATION and stored["sv-tech-1"].csat == 2
