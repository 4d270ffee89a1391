"""A store too big to summarise inside a request: pages never wait on the rebuild.

`INLINE_LIMIT` is set to 0 so the 29-conversation test store counts as big: the first view of the
aggregates answers 503 with Retry-After while a background thread computes them, later views get
them, and after a write the last insights are served at once while the new ones are computed.
A restarted server reads the last build's snapshot from the database instead of waiting again.
"""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from fixfirst.web import insights_cache
from fixfirst.web.app import create_app

from .conftest import login
from .test_api import bearer, new_record
from .web_fixtures import WebDb


def _wait_for(client: TestClient, path: str, headers: dict[str, str]) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = client.get(path, headers=headers)
        if answer.status_code == 200:
            return answer.json()
        assert answer.status_code == 503 and answer.headers["retry-after"] == "10"
        time.sleep(0.1)
    raise AssertionError(f"{path} never became ready")


def test_aggregates_are_computed_off_the_request_path(writable_db: WebDb, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(insights_cache, "INLINE_LIMIT", 0)
    monkeypatch.setattr(insights_cache, "CHECK_EVERY_S", 0.0)
    gate = threading.Event()  # holds every background build until the test lets it go
    compute = insights_cache.InsightsCache._compute_apart  # the real child-process build, held at a gate

    def gated(self: insights_cache.InsightsCache, scope: insights_cache.Scope, fingerprint: tuple) -> object:
        assert gate.wait(60)
        return compute(self, scope, fingerprint)

    monkeypatch.setattr(insights_cache.InsightsCache, "_compute_apart", gated)
    admin = bearer(writable_db, "admin")
    with TestClient(create_app(writable_db.url)) as client:
        first = client.get("/api/agents", headers=admin)
        assert first.status_code == 503 and "being computed" in first.json()["detail"]
        login(client, "admin")
        page = client.get("/")
        assert page.status_code == 503 and 'http-equiv="refresh"' in page.text
        # Lists never need the insights: they answer at once from the database.
        assert client.get("/api/conversations", headers=admin).json()["total"] == 29
        gate.set()
        before = _wait_for(client, "/api/agents", admin)
        assert client.get("/").status_code == 200

        gate.clear()
        posted = client.post("/api/conversations", json=new_record("BIG-1"), headers=admin)
        assert posted.status_code == 200, posted.text
        # The write is in the lists at once; the aggregates come from the last build (never a
        # 503 once one exists) until the new build is swapped in.
        assert client.get("/api/conversations", headers=admin).json()["total"] == 30
        assert client.get("/api/agents", headers=admin).json() == before
        gate.set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            after = client.get("/api/agents", headers=admin).json()
            if after != before:
                break
            time.sleep(0.1)
        alex = next(a for a in after["items"] if a["name"] == "alex.rowe")
        alex_before = next(a for a in before["items"] if a["name"] == "alex.rowe")
        assert alex["contacts"] == alex_before["contacts"] + 1


def test_a_restarted_server_shows_the_stored_aggregates_at_once(
    writable_db: WebDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(insights_cache, "INLINE_LIMIT", 0)
    monkeypatch.setattr(insights_cache, "CHECK_EVERY_S", 0.0)
    admin = bearer(writable_db, "admin")
    with TestClient(create_app(writable_db.url)) as client:
        before = _wait_for(client, "/api/agents", admin)  # the start-up build, kept as a snapshot

    real_build = insights_cache.InsightsCache._compute_apart
    builds: list[insights_cache.Scope] = []

    def refused(self: insights_cache.InsightsCache, scope: insights_cache.Scope, fingerprint: tuple) -> object:
        builds.append(scope)
        raise RuntimeError("this build must not be needed")

    monkeypatch.setattr(insights_cache.InsightsCache, "_compute_apart", refused)
    with TestClient(create_app(writable_db.url)) as client:  # restart, same data: exact, no build
        assert client.get("/api/agents", headers=admin).json() == before
        login(client, "admin")
        assert "Figures as of" not in client.get("/").text
        assert builds == []
        assert client.post("/api/conversations", json=new_record("BIG-2"), headers=admin).status_code == 200
        # The data changed and the rebuild fails here: the stored figures are still served, never a
        # 503, and the pages say how old they are.
        assert client.get("/api/agents", headers=admin).json() == before
        page = client.get("/")
        assert page.status_code == 200 and "Figures as of" in page.text
        assert builds

    monkeypatch.setattr(insights_cache.InsightsCache, "_compute_apart", real_build)
    with TestClient(create_app(writable_db.url)) as client:  # restart after the write: recomputed
        assert client.get("/api/agents", headers=admin).status_code == 200  # the stored figures meanwhile
        deadline = time.monotonic() + 60
        while (after := client.get("/api/agents", headers=admin).json()) == before:
            assert time.monotonic() < deadline, "the changed data was never recomputed"
            time.sleep(0.1)
    alex = next(a for a in after["items"] if a["name"] == "alex.rowe")
    assert alex["contacts"] == next(a for a in before["items"] if a["name"] == "alex.rowe")["contacts"] + 1

    # A snapshot written by other insight code is never read: the first view waits for a build.
    monkeypatch.setattr(insights_cache, "code_digest", lambda: "other code")
    monkeypatch.setattr(insights_cache.InsightsCache, "_compute_apart", refused)
    with TestClient(create_app(writable_db.url)) as client:
        assert client.get("/api/agents", headers=admin).status_code == 503



def _ready(client: TestClient, path: str) -> str:
    deadline = time.monotonic() + 60
    while (page := client.get(path)).status_code == 503:
        assert time.monotonic() < deadline, f"{path} never became ready"
        time.sleep(0.1)
    assert page.status_code == 200
    return page.text


def test_a_team_leads_stale_figures_are_marked_as_such(writable_db: WebDb, monkeypatch: pytest.MonkeyPatch) -> None:
    """The banner tells the age of the scope the page shows: a lead limited to one team sees that
    team's aggregates, which can be older than the all-teams ones."""
    monkeypatch.setattr(insights_cache, "INLINE_LIMIT", 0)
    monkeypatch.setattr(insights_cache, "CHECK_EVERY_S", 0.0)
    team_gate = threading.Event()  # holds the builds of the team's scope only
    team_gate.set()
    compute = insights_cache.InsightsCache._compute_apart

    def gated(self: insights_cache.InsightsCache, scope: insights_cache.Scope, fingerprint: tuple) -> object:
        if scope.team is not None:
            assert team_gate.wait(60)
        return compute(self, scope, fingerprint)

    monkeypatch.setattr(insights_cache.InsightsCache, "_compute_apart", gated)
    admin = bearer(writable_db, "admin")
    with TestClient(create_app(writable_db.url)) as client:
        login(client, "orders_lead")
        page = _ready(client, "/")
        assert "Orders &amp; Delivery" in page and "Figures as of" not in page
        team_gate.clear()
        try:
            assert client.post("/api/conversations", json=new_record("BIG-3"), headers=admin).status_code == 200
            login(client, "admin")  # the all-teams scope is rebuilt and current again
            deadline = time.monotonic() + 60
            while "Figures as of" in _ready(client, "/"):
                assert time.monotonic() < deadline, "the all-teams scope was never rebuilt"
                time.sleep(0.1)
            login(client, "orders_lead")  # the team's rebuild is still held: its figures are older
            page = _ready(client, "/")
        finally:
            team_gate.set()
        assert "Figures as of" in page
