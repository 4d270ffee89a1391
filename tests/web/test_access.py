"""Authorisation on EVERY read endpoint: an agent (or a team-scoped manager) asking for someone
else's conversation, scorecard or team gets 403/404, and lists show only what they may see.

The tables below are checked against the app's own routes: a new GET route that is not in
``DENIED`` / ``LISTS`` / ``NOT_SCOPED`` fails ``test_every_get_route_is_covered``, so nobody can
add a read endpoint without deciding (and testing) who may read it.
"""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from .conftest import login
from .route_walk import app_routes
from .web_fixtures import WebDb

ALEX_OWN = "BW-CL-00083"
MIA_CONVERSATION = "BW-EM-00393"
TECH_CONVERSATION = "BW-CL-00425"  # sam.okafor, Technical Support

#: Routes with a path parameter: (route, user, concrete path of something outside their scope).
DENIED: list[tuple[str, str, str]] = [
    ("/api/conversations/{conversation_id}", "alex", f"/api/conversations/{MIA_CONVERSATION}"),
    ("/api/conversations/{conversation_id}", "orders_lead", f"/api/conversations/{TECH_CONVERSATION}"),
    ("/api/agents/{agent_id}", "alex", "/api/agents/mia.chen"),
    ("/api/agents/{agent_id}", "alex", "/api/agents/jo.barker"),
    ("/api/agents/{agent_id}", "orders_lead", "/api/agents/mia.chen"),
    ("/api/teams/{team}", "alex", "/api/teams/Orders%20%26%20Delivery"),
    ("/api/teams/{team}", "orders_lead", "/api/teams/Technical%20Support"),
    ("/conversations/{conversation_id}", "alex", f"/conversations/{MIA_CONVERSATION}"),
    ("/conversations/{conversation_id}", "orders_lead", f"/conversations/{TECH_CONVERSATION}"),
    ("/conversations/{conversation_id}/review", "alex", f"/conversations/{ALEX_OWN}/review"),  # agents do not review
    ("/conversations/{conversation_id}/review", "orders_lead", f"/conversations/{TECH_CONVERSATION}/review"),
    ("/agents/{agent_id}", "alex", "/agents/mia.chen"),
    ("/agents/{agent_id}", "orders_lead", "/agents/sam.okafor"),
    ("/teams/{team}", "alex", "/teams/Orders%20%26%20Delivery"),
    ("/teams/{team}", "orders_lead", "/teams/Technical%20Support"),
    # calibration sessions: only their lead, reviewers and admins (tests/web/test_calibration.py makes real ones)
    ("/calibration/{session_id}", "alex", "/calibration/1"),
    ("/calibration/{session_id}", "orders_lead", "/calibration/1"),
    ("/calibration/{session_id}/score/{conversation_id}", "alex", f"/calibration/1/score/{ALEX_OWN}"),
    ("/calibration/{session_id}/score/{conversation_id}", "orders_lead", f"/calibration/1/score/{TECH_CONVERSATION}"),
    # kept call audio (tests/calls/test_call_ingest.py plays an allowed one)
    ("/conversations/{conversation_id}/audio", "alex", f"/conversations/{MIA_CONVERSATION}/audio"),
    ("/conversations/{conversation_id}/audio", "orders_lead", f"/conversations/{TECH_CONVERSATION}/audio"),
    # table downloads (tests/web/test_exports.py checks the allowed ones against `fixfirst report`)
    ("/export/{table}", "alex", "/export/agents"),
    ("/export/{table}", "orders_lead", "/export/agents?team=Technical%20Support"),
    ("/export/{table}", "orders_lead", "/export/conversations"),
]

#: The same routes for something the user MAY see: proves the denial is about scope, not a broken route.
ALLOWED: list[tuple[str, str]] = [
    ("alex", f"/api/conversations/{ALEX_OWN}"),
    ("alex", "/api/agents/alex.rowe"),
    ("orders_lead", f"/api/conversations/{ALEX_OWN}"),
    ("orders_lead", "/api/agents/jo.barker"),
    ("orders_lead", "/api/teams/Orders%20%26%20Delivery"),
    ("alex", f"/conversations/{ALEX_OWN}"),
    ("orders_lead", f"/conversations/{ALEX_OWN}/review"),
    ("alex", "/agents/alex.rowe"),
    ("orders_lead", "/agents/alex.rowe"),
    ("orders_lead", "/teams/Orders%20%26%20Delivery"),
    ("orders_lead", "/export/agents"),
]

#: GET routes without a path parameter: (route, user, concrete path, outcome) where outcome is
#: "denied" (403/404) or "scoped" (200 and nothing from outside the scope in the body).
LISTS: list[tuple[str, str, str, str]] = [
    ("/api/conversations", "alex", "/api/conversations?limit=500", "scoped"),
    ("/api/conversations", "alex", "/api/conversations?agent=mia.chen", "scoped"),
    ("/api/conversations", "orders_lead", "/api/conversations?limit=500&team=Technical%20Support", "scoped"),
    ("/api/agents", "alex", "/api/agents", "scoped"),
    ("/api/agents", "orders_lead", "/api/agents", "scoped"),
    ("/api/teams", "alex", "/api/teams", "denied"),
    ("/api/teams", "orders_lead", "/api/teams", "scoped"),
    ("/api/cases", "alex", "/api/cases", "denied"),
    ("/api/cases", "orders_lead", "/api/cases?team=Technical%20Support", "denied"),
    ("/api/cases", "orders_lead", "/api/cases?limit=500", "scoped"),
    ("/api/drivers", "alex", "/api/drivers", "denied"),
    ("/api/drivers", "orders_lead", "/api/drivers?team=Technical%20Support", "denied"),
    ("/api/root-causes", "alex", "/api/root-causes", "denied"),
    ("/api/root-causes", "orders_lead", "/api/root-causes?team=Technical%20Support", "denied"),
    ("/api/root-causes", "orders_lead", "/api/root-causes", "scoped"),
    ("/api/review-queue", "alex", "/api/review-queue", "denied"),
    ("/api/review-queue", "orders_lead", "/api/review-queue?limit=500", "scoped"),
    ("/api/agreement", "alex", "/api/agreement", "denied"),
    ("/api/my-queue", "alex", "/api/my-queue", "denied"),
    ("/api/my-queue", "orders_lead", "/api/my-queue", "scoped"),
    ("/sampling", "alex", "/sampling", "denied"),
    ("/sampling", "orders_lead", "/sampling", "scoped"),
    ("/my-queue", "alex", "/my-queue", "denied"),
    ("/my-queue", "orders_lead", "/my-queue", "scoped"),
    ("/calibration", "alex", "/calibration", "denied"),
    ("/calibration", "orders_lead", "/calibration", "scoped"),
    ("/users", "alex", "/users", "denied"),
    ("/users", "orders_lead", "/users", "denied"),
    ("/conversations.csv", "alex", "/conversations.csv", "scoped"),
    ("/conversations.csv", "orders_lead", "/conversations.csv?team=Technical%20Support", "scoped"),
    ("/", "alex", "/", "scoped"),
    ("/", "orders_lead", "/", "scoped"),
    ("/teams", "alex", "/teams", "denied"),
    ("/teams", "orders_lead", "/teams", "scoped"),
    ("/agents", "alex", "/agents", "scoped"),
    ("/agents", "orders_lead", "/agents", "scoped"),
    ("/conversations", "alex", "/conversations", "scoped"),
    ("/conversations", "alex", "/conversations?agent=mia.chen", "scoped"),
    ("/conversations", "orders_lead", "/conversations?team=Technical%20Support", "scoped"),
    ("/review", "alex", "/review", "denied"),
    ("/review", "orders_lead", "/review", "scoped"),
    ("/root-causes", "alex", "/root-causes", "denied"),
    ("/root-causes", "orders_lead", "/root-causes?team=Technical%20Support", "denied"),
    ("/root-causes", "orders_lead", "/root-causes", "scoped"),
    ("/drivers", "alex", "/drivers", "denied"),
    ("/drivers", "orders_lead", "/drivers?team=Technical%20Support", "denied"),
    ("/drivers", "orders_lead", "/drivers", "scoped"),
    ("/notifications", "alex", "/notifications", "scoped"),
    ("/notifications", "orders_lead", "/notifications", "scoped"),
]

#: GET routes that show no stored data of any user, with the reason.
NOT_SCOPED = {
    "/login": "the login form",
    "/docs": "Swagger UI shell (static assets)",
    "/openapi.json": "the API schema",
    "/s/{token}": "the customer survey: the unguessable token is the credential (tested in test_api)",
}

#: Words that must never appear in a scoped answer, per user: other agents' ids, other teams' ids.
OUTSIDE = {
    "alex": ["mia.chen", "jo.barker", "sam.okafor", MIA_CONVERSATION, TECH_CONVERSATION, "Technical Support"],
    "orders_lead": ["mia.chen", "sam.okafor", MIA_CONVERSATION, TECH_CONVERSATION],
}


def _client(app: FastAPI, db: WebDb, user: str, path: str) -> TestClient:
    client = TestClient(app)
    if path.startswith("/api"):
        client.headers["Authorization"] = f"Bearer {db.tokens[user]}"
    else:
        login(client, user)
    return client


def test_every_get_route_is_covered(read_app: FastAPI) -> None:
    gets = {path for method, path in app_routes(read_app) if method == "GET"}
    covered = {route for route, *_ in DENIED} | {route for route, *_ in LISTS} | set(NOT_SCOPED)
    assert gets - covered == set(), "add the new GET route to the access tables"
    assert covered - gets == set(), "the tables name routes the app no longer has"
    with_params = {path for path in gets if "{" in path} - set(NOT_SCOPED)
    assert with_params == {route for route, *_ in DENIED}


@pytest.mark.parametrize(("route", "user", "path"), DENIED, ids=[f"{u}:{p}" for _, u, p in DENIED])
def test_out_of_scope_item_is_not_shown(read_app: FastAPI, web_db: WebDb, route: str, user: str, path: str) -> None:
    response = _client(read_app, web_db, user, path).get(path, follow_redirects=False)
    assert response.status_code in (403, 404), (route, response.status_code)
    for word in OUTSIDE[user]:
        if word not in path:
            assert word not in response.text


@pytest.mark.parametrize(("user", "path"), ALLOWED, ids=[f"{u}:{p}" for u, p in ALLOWED])
def test_in_scope_item_is_shown(read_app: FastAPI, web_db: WebDb, user: str, path: str) -> None:
    assert _client(read_app, web_db, user, path).get(path).status_code == 200


@pytest.mark.parametrize(("route", "user", "path", "outcome"), LISTS, ids=[f"{u}:{p}" for _, u, p, _ in LISTS])
def test_lists_and_aggregates_are_scoped(
    read_app: FastAPI, web_db: WebDb, route: str, user: str, path: str, outcome: str
) -> None:
    response = _client(read_app, web_db, user, path).get(path, follow_redirects=True)
    if outcome == "denied":
        assert response.status_code in (403, 404), (route, response.status_code)
        return
    assert response.status_code == 200, (route, response.text[:300])
    for word in OUTSIDE[user]:
        if word not in path:  # a filter form echoes its own query; that reveals nothing
            assert word not in response.text, (route, word)


def test_agent_sees_exactly_their_own_conversations(read_app: FastAPI, web_db: WebDb) -> None:
    body = _client(read_app, web_db, "alex", "/api").get("/api/conversations?limit=500").json()
    assert body["total"] == 8 and all("alex.rowe" in item["agents"] for item in body["items"])


@pytest.mark.parametrize("path", ["/", "/agents", "/conversations", "/review", f"/conversations/{ALEX_OWN}"])
def test_pages_without_login_redirect_to_login(read_app: FastAPI, path: str) -> None:
    response = TestClient(read_app).get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def test_every_conversation_link_on_an_agents_own_page_opens(read_app: FastAPI, web_db: WebDb) -> None:
    """A coaching plan may quote a colleague's line as good practice; the agent sees the words, but
    the page must not link them to a conversation they are not allowed to open."""
    client = _client(read_app, web_db, "alex", "/agents/alex.rowe")
    page = client.get("/agents/alex.rowe").text
    links = set(re.findall(r'href="(/conversations/[^"#?]+)', page))
    assert links, "the agent page links the agent's own conversations"
    for link in links:
        assert client.get(link).status_code == 200, link
