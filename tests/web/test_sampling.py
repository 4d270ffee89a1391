"""Issue 12, assignment and sampling: a QA lead defines a rule, draws a week for two reviewers (each only
gets what they may see), the reviewers are notified and see "my queue" with agent, team, channel and
date; a blind review marks the item done; agents cannot reach any of it."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from fixfirst.store import Store
from fixfirst.store.review_assignments import review_queue_of

from .conftest import csrf_from, login
from .web_fixtures import WebDb

WEEK = "2025-03-05"  # a Wednesday: the draw covers its whole week, Monday 3 to Sunday 9 March 2025


def _client(app: FastAPI, user: str) -> TestClient:
    client = TestClient(app)
    login(client, user)
    return client


def _draw(lead: TestClient, rule_id: int, reviewers: list[str]) -> str:
    page = lead.get("/sampling").text
    sent = lead.post(
        "/sampling/draw",
        data={"csrf_token": csrf_from(page), "rule_id": str(rule_id), "week": WEEK, "reviewer": reviewers},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    return lead.get(sent.headers["location"]).text


def test_a_lead_draws_a_week_and_each_reviewer_gets_a_visible_share(write_app: FastAPI, writable_db: WebDb) -> None:
    lead = _client(write_app, "admin")
    page = lead.get("/sampling").text
    made = lead.post(
        "/sampling/rules",
        data={"csrf_token": csrf_from(page), "name": "Two per agent", "kind": "random_per_agent", "per_agent": "2"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    page = lead.get("/sampling").text
    assert "Two per agent" in page and "random 2 per agent" in page

    drawn = _draw(lead, 1, ["admin", "orders_lead"])
    assert 'id="draw-result"' in drawn and "Two per agent, week of 2025-03-03" in drawn
    with Store.open(writable_db.url) as store:
        admin_queue = review_queue_of(store, "admin")
        lead_queue = review_queue_of(store, "orders_lead")
    assert len(admin_queue) + len(lead_queue) == 8  # 2 for each of the 4 agents
    assert lead_queue and all(i.team == "Orders & Delivery" for i in lead_queue)  # only what she may see
    assert abs(len(admin_queue) - len(lead_queue)) <= 2
    assert "nothing new to assign" in _draw(lead, 1, ["admin", "orders_lead"])  # drawn once per week

    reviewer = _client(write_app, "orders_lead")
    assert "assigned to you for review by admin (rule: Two per agent)" in reviewer.get("/notifications").text
    queue = reviewer.get("/my-queue").text
    first = lead_queue[0]
    row = queue[queue.index(f'data-conversation="{first.conversation_id}"') :]
    row = row[: row.index("</tr>")]
    assert first.agents[0] in row and "Orders &amp; Delivery" in row and first.channel in row
    assert first.started_at is not None and first.started_at.date().isoformat() in row and "to review" in row
    assert f"/conversations/{first.conversation_id}/review" in row

    review_page = reviewer.get(f"/conversations/{first.conversation_id}/review").text
    sent = reviewer.post(
        f"/conversations/{first.conversation_id}/review",
        data={"csrf_token": csrf_from(review_page), "mode": "blind", "outcome": "resolved", "present": []},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    api = reviewer.get("/api/my-queue").json()
    assert api["open"] == len(lead_queue) - 1
    assert {i["conversation_id"]: i["done"] for i in api["items"]}[first.conversation_id] is True


def test_rules_and_queues_are_for_reviewers_only(write_app: FastAPI) -> None:
    agent = _client(write_app, "alex")
    assert agent.get("/sampling").status_code == 404
    assert agent.get("/my-queue").status_code == 404
    page = agent.get("/conversations").text
    refused = agent.post(
        "/sampling/rules",
        data={"csrf_token": csrf_from(page), "name": "x", "kind": "low_confidence"},
        follow_redirects=False,
    )
    assert refused.status_code == 404
    lead = _client(write_app, "admin")
    page = lead.get("/sampling").text
    bad = lead.post(
        "/sampling/rules",
        data={"csrf_token": csrf_from(page), "name": "no n", "kind": "random_per_agent", "per_agent": ""},
        follow_redirects=False,
    )
    assert bad.status_code == 422 and "per_agent" in bad.text
