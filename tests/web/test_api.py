"""The REST API on a real SQLite file: ingest (per-record errors, idempotency), reads, review, surveys."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fixfirst.model.frozen import record_json
from fixfirst.pipeline import load_insights
from fixfirst.store import Store
from fixfirst.web.insights_cache import dashboard_copy

from .web_fixtures import CONVERSATIONS, WebDb

ALEX_CONVERSATION = "BW-CL-00083"
MIA_CONVERSATION = "BW-EM-00393"


def bearer(db: WebDb, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {db.tokens[user]}"}


def new_record(conversation_id: str, *, team: str = "Orders & Delivery", agent: str = "alex.rowe") -> dict[str, Any]:
    return {
        "id": conversation_id,
        "channel": "chat",
        "started_at": "2025-03-20T09:00:00Z",
        "agent_ids": [agent],
        "team": team,
        "turns": [
            {"role": "customer", "author": "c-9", "text": "My router keeps dropping. Mail me at jane@example.com"},
            {"role": "agent", "author": agent, "text": "I've reset your line from here and it is stable now."},
            {"role": "customer", "author": "c-9", "text": "Yes it works now, thanks!"},
        ],
    }


def stored_ids(db: WebDb) -> set[str]:
    with Store.open(db.url) as store:
        return {c.id for c in store.iter_conversations()}


def test_one_conversation_is_stored_redacted_and_analysed_on_arrival(write_app: FastAPI, writable_db: WebDb) -> None:
    client = TestClient(write_app)
    response = client.post("/api/conversations", json=new_record("api-1"), headers=bearer(writable_db, "admin"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (1, 0)
    assert body["records"][0]["status"] == "stored" and body["records"][0]["code"] == 201
    assert body["records"][0]["outcome"] is not None
    detail = client.get("/api/conversations/api-1", headers=bearer(writable_db, "admin")).json()
    assert detail["result"]["outcome"]["label"] == body["records"][0]["outcome"]
    assert "jane@example.com" not in json.dumps(detail)
    assert "<EMAIL>" in detail["conversation"]["turns"][0]["text"]


def test_batch_stores_good_records_and_answers_each_bad_one(write_app: FastAPI, writable_db: WebDb) -> None:
    client = TestClient(write_app)
    batch = [
        new_record("api-good-1"),
        {"id": "api-no-turns", "turns": []},
        "not an object",
        new_record("api-good-2"),
        {"id": "api-bad-role", "turns": [{"role": "wizard", "text": "hi"}]},
        new_record("api-good-1"),
        {"id": "api-huge", "turns": [{"role": "customer", "text": "x" * 100_001}]},
    ]
    response = client.post("/api/conversations", json=batch, headers=bearer(writable_db, "admin"))
    assert response.status_code == 200
    records = response.json()["records"]
    assert [(r["index"], r["status"], r["code"]) for r in records] == [
        (0, "stored", 201),
        (1, "rejected", 422),
        (2, "rejected", 422),
        (3, "stored", 201),
        (4, "rejected", 422),
        (5, "rejected", 409),
        (6, "rejected", 422),
    ]
    assert all(r["errors"] for r in records if r["status"] == "rejected")
    assert {"api-good-1", "api-good-2"} <= stored_ids(writable_db)
    assert not {"api-no-turns", "api-bad-role", "api-huge"} & stored_ids(writable_db)


def test_reposting_is_idempotent_and_changed_content_updates(write_app: FastAPI, writable_db: WebDb) -> None:
    client = TestClient(write_app)
    headers = bearer(writable_db, "admin")
    before = len(stored_ids(writable_db))
    first = client.post("/api/conversations", json=[new_record("api-idem")], headers=headers).json()
    again = client.post("/api/conversations", json=[new_record("api-idem")], headers=headers).json()
    changed = new_record("api-idem")
    changed["turns"][2]["text"] = "Still broken."
    updated = client.post("/api/conversations", json=changed, headers=headers).json()
    assert [first["records"][0]["status"], again["records"][0]["status"], updated["records"][0]["status"]] == [
        "stored",
        "duplicate",
        "updated",
    ]
    assert len(stored_ids(writable_db)) == before + 1
    detail = client.get("/api/conversations/api-idem", headers=headers).json()
    assert detail["conversation"]["turns"][2]["text"] == "Still broken."
    assert detail["result"] is not None, "the updated conversation is re-analysed"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 422),
        ('"a string"', "application/json", 422),
        ("[]", "application/json", 422),
        ("\x00\xff binary", "application/octet-stream", 422),
        (json.dumps([{"id": i} for i in range(1001)]), "application/json", 413),
        (json.dumps({"id": "only-bad", "turns": "nope"}), "application/json", 422),
    ],
)
def test_junk_bodies_get_a_4xx_never_a_500(
    write_app: FastAPI, writable_db: WebDb, body: str, content_type: str, status: int
) -> None:
    response = TestClient(write_app).post(
        "/api/conversations",
        content=body.encode("utf-8", "surrogateescape"),
        headers={**bearer(writable_db, "admin"), "content-type": content_type},
    )
    assert response.status_code == status, response.text


def test_writes_need_a_writer_role_and_a_team_in_scope(write_app: FastAPI, writable_db: WebDb) -> None:
    client = TestClient(write_app)
    as_agent = client.post("/api/conversations", json=new_record("api-agent"), headers=bearer(writable_db, "alex"))
    assert as_agent.status_code == 403
    lead = bearer(writable_db, "orders_lead")
    own_team = client.post("/api/conversations", json=new_record("api-lead-own"), headers=lead)
    other = client.post("/api/conversations", json=new_record("api-lead-other", team="Technical Support"), headers=lead)
    assert own_team.json()["records"][0]["code"] == 201
    assert other.status_code == 403 and other.json()["records"][0]["code"] == 403
    assert "api-lead-other" not in stored_ids(writable_db)


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer ff_wrong"}, 401), ({"Authorization": "Basic YWRtaW46eA=="}, 401)],
)
def test_api_needs_a_valid_token(read_app: FastAPI, headers: dict[str, str], status: int) -> None:
    assert TestClient(read_app).get("/api/conversations", headers=headers).status_code == status


def test_surveys_join_their_conversation_and_bad_ones_are_rejected(write_app: FastAPI, writable_db: WebDb) -> None:
    client = TestClient(write_app)
    headers = bearer(writable_db, "admin")
    batch = [
        {"id": "sv-api-1", "conversation_id": ALEX_CONVERSATION, "csat": 5, "fixed": "yes", "comment": "great"},
        {"id": "sv-api-2", "conversation_id": ALEX_CONVERSATION, "csat": 9},
        {"id": "sv-api-3", "conversation_id": ALEX_CONVERSATION, "fixed": "maybe"},
    ]
    response = client.post("/api/surveys", json=batch, headers=headers)
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["records"]] == ["stored", "rejected", "rejected"]
    again = client.post("/api/surveys", json=batch[0], headers=headers).json()
    assert again["records"][0]["status"] == "duplicate"
    detail = client.get(f"/api/conversations/{ALEX_CONVERSATION}", headers=headers).json()
    assert [s["id"] for s in detail["surveys"] if s["id"] == "sv-api-1"] == ["sv-api-1"]


@pytest.mark.parametrize(
    ("query", "expected_ids"),
    [
        ("agent=mia.chen", {c for c in [MIA_CONVERSATION]}),
        ("team=Technical%20Support&outcome=resolved", None),
        ("label=hollow_apology", None),
    ],
)
def test_conversation_filters_match_the_data(
    read_app: FastAPI, web_db: WebDb, query: str, expected_ids: set[str] | None
) -> None:
    body = TestClient(read_app).get(f"/api/conversations?{query}&limit=500", headers=bearer(web_db, "admin")).json()
    items = body["items"]
    assert body["total"] == len(items) > 0
    if "agent=mia.chen" in query:
        assert all(i["agents"] == ["mia.chen"] for i in items) and expected_ids <= {i["id"] for i in items}
        source = [json.loads(line) for line in CONVERSATIONS.read_text().splitlines()]
        assert body["total"] == sum(1 for r in source if r["agent_ids"] == ["mia.chen"])
    if "team=" in query:
        assert all(i["team"] == "Technical Support" and i["outcome"] == "resolved" for i in items)
    if "label=" in query:
        assert all("hollow_apology" in i["labels"] for i in items)


def test_pagination_pages_through_everything_once(read_app: FastAPI, web_db: WebDb) -> None:
    client = TestClient(read_app)
    headers = bearer(web_db, "admin")
    total = client.get("/api/conversations?limit=1", headers=headers).json()["total"]
    seen = []
    for offset in range(0, total, 7):
        seen += [
            i["id"] for i in client.get(f"/api/conversations?limit=7&offset={offset}", headers=headers).json()["items"]
        ]
    assert len(seen) == len(set(seen)) == total == 29


def test_aggregate_reads_for_an_admin(read_app: FastAPI, web_db: WebDb) -> None:
    client = TestClient(read_app)
    headers = bearer(web_db, "admin")
    agents = client.get("/api/agents", headers=headers).json()
    assert {a["name"] for a in agents["items"]} == {"alex.rowe", "jo.barker", "mia.chen", "sam.okafor"}
    agent = client.get("/api/agents/alex.rowe", headers=headers).json()
    assert agent["scorecard"]["contacts"] == 8 and agent["scorecard"]["weekly"]
    teams = client.get("/api/teams", headers=headers).json()
    assert {t["name"] for t in teams["items"]} == {"Orders & Delivery", "Technical Support"}
    cases = client.get("/api/cases?limit=5", headers=headers).json()
    assert cases["total"] >= len(cases["items"]) > 0
    drivers = client.get("/api/drivers", headers=headers).json()
    assert set(drivers) == {"csat", "fixed"}
    assert "policies" in client.get("/api/root-causes", headers=headers).json()


def test_the_server_keeps_aggregates_and_pages_the_packed_case_list(read_app: FastAPI, web_db: WebDb) -> None:
    """What the dashboard keeps equals the report's insights minus the per-contact parts, and
    `/api/cases` pages through exactly the report's cases."""
    with Store.open(web_db.url) as store:
        full = load_insights(store).insights
    kept = dashboard_copy(full)
    per_contact = {"cases": {"items", "case_of"}, "commitments": {"promises"}, "voice": {"links", "responses"},
                   "root_causes": {"blocked"}}
    assert kept.insights.model_dump(exclude=per_contact) == full.model_dump(exclude=per_contact)
    assert full.cases.items and full.commitments.promises and full.voice.links and full.root_causes.blocked
    assert not (kept.insights.cases.case_of or kept.insights.voice.responses or kept.insights.root_causes.blocked)
    full.cases.case(full.cases.items[0].case.id)  # fills the summary's lookup of every case
    shipped = pickle.dumps(dashboard_copy(full).insights)  # what the insight child sends the server
    assert not any(item.case.id.encode() in shipped for item in full.cases.items), "case records came along"

    client = TestClient(read_app)
    headers = bearer(web_db, "admin")
    expected = [record_json(item) for item in full.cases.items]
    for repeat_only, wanted in ((False, expected), (True, [c for c in expected if c["contacts"] > 1])):
        pages, offset, total = [], 0, None
        while total is None or offset < total:
            answer = client.get(f"/api/cases?limit=3&offset={offset}&repeat_only={repeat_only}", headers=headers).json()
            total, offset = answer["total"], offset + 3
            pages += answer["items"]
        assert total == len(wanted) > 0 and pages == wanted


def test_review_changes_agreement_and_leaves_disputes_to_a_decision(write_app: FastAPI, writable_db: WebDb) -> None:
    client = TestClient(write_app)
    admin, alex = bearer(writable_db, "admin"), bearer(writable_db, "alex")
    detail = client.get(f"/api/conversations/{ALEX_CONVERSATION}", headers=alex).json()
    item = detail["result"]["findings"][0]["item"]
    dispute = client.post(
        f"/api/conversations/{ALEX_CONVERSATION}/disputes",
        json={"item": item, "comment": "I did fix it"},
        headers=alex,
    )
    assert dispute.status_code == 201
    queue = client.get("/api/review-queue?limit=500", headers=admin).json()
    entry = next(e for e in queue["items"] if e["conversation_id"] == ALEX_CONVERSATION)
    assert "disputed" in entry["reasons"]
    assert client.get("/api/agreement", headers=admin).json()["reviewed"] == 0

    machine = detail["result"]["outcome"]["label"]
    other = "resolved" if machine != "resolved" else "unresolved"
    review = {"outcome": other, "findings": {item: "rejected"}, "missed": ["ownership"], "note": "checked"}
    assert client.post(f"/api/conversations/{ALEX_CONVERSATION}/review", json=review, headers=admin).status_code == 200
    agreement = client.get("/api/agreement", headers=admin).json()
    assert agreement["reviewed"] == 1 and agreement["outcome_agreement"] == 0.0
    label = detail["result"]["findings"][0]["label"]
    row = next(r for r in agreement["labels"] if r["label"] == label)
    if sum(1 for f in detail["result"]["findings"] if f["label"] == label) == 1:
        assert (row["machine_positive"], row["reviewer_positive"]) == (1, 0)
    queue = client.get("/api/review-queue?limit=500", headers=admin).json()
    entry = next(e for e in queue["items"] if e["conversation_id"] == ALEX_CONVERSATION)
    assert entry["reasons"] == ["disputed"]  # a review is no answer to the agent: the dispute stays open
    reviews = client.get(f"/api/conversations/{ALEX_CONVERSATION}", headers=admin).json()["reviews"]
    assert {(r["item"], r["reviewer_value"], r["reviewer"]) for r in reviews} >= {
        ("outcome", other, "admin"),
        (item, "rejected", "admin"),
        ("missed:ownership", "present", "admin"),
    }


@pytest.mark.parametrize(
    ("review", "status"),
    [
        ({"outcome": "fixed-ish"}, 422),
        ({"outcome": "resolved", "findings": {"finding:nope:0:0:1": "confirmed"}}, 422),
        ({"outcome": "resolved", "missed": ["not_a_label"]}, 422),
    ],
)
def test_bad_reviews_are_422(write_app: FastAPI, writable_db: WebDb, review: dict[str, Any], status: int) -> None:
    response = TestClient(write_app).post(
        f"/api/conversations/{ALEX_CONVERSATION}/review", json=review, headers=bearer(writable_db, "admin")
    )
    assert response.status_code == status


def test_agents_cannot_review_or_dispute_others(write_app: FastAPI, writable_db: WebDb) -> None:
    client = TestClient(write_app)
    alex = bearer(writable_db, "alex")
    review = client.post(f"/api/conversations/{ALEX_CONVERSATION}/review", json={"outcome": "resolved"}, headers=alex)
    assert review.status_code == 403
    dispute = client.post(
        f"/api/conversations/{MIA_CONVERSATION}/disputes", json={"item": "outcome", "comment": "x"}, headers=alex
    )
    assert dispute.status_code == 404


def test_survey_link_round_trip(write_app: FastAPI, writable_db: WebDb) -> None:
    client = TestClient(write_app)
    link = client.post(
        "/api/survey-links", json={"conversation_id": ALEX_CONVERSATION}, headers=bearer(writable_db, "admin")
    )
    assert link.status_code == 201
    path = link.json()["path"]
    form = client.get(path)
    assert form.status_code == 200 and "Did we fix your problem?" in form.text
    done = client.post(path, data={"fixed": "clear_no", "rating": "4", "comment": "honest answer"})
    assert done.status_code == 200 and "Thank you" in done.text
    again = client.post(path, data={"fixed": "yes", "rating": "5"})
    assert again.status_code == 200
    with Store.open(writable_db.url) as store:
        surveys = [s for s in store.iter_surveys(conversation_id=ALEX_CONVERSATION) if s.id.startswith("web-")]
    assert len(surveys) == 1, "answering twice corrects the answer instead of adding one"
    assert (surveys[0].fixed.value, surveys[0].csat) == ("yes", 5)
    assert client.get("/s/not-a-token").status_code == 404
    missing = client.post(path, data={"rating": "3"})
    assert missing.status_code == 422 and "Please choose" in missing.text
