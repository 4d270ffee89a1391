"""Issue 12: transcript search and channel/date filters on the conversation list (page and API), always
inside what the user may see; the aggregate pages' period and channel give the report's numbers."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from fixfirst.pipeline import ReportScope, build_report_model
from fixfirst.store import Store
from fixfirst.web.insights_cache import MAX_SCOPES

from .conftest import login
from .web_fixtures import WebDb

ALEX_OWN = "BW-CL-00083"  # the only conversation with the word "happen"


def _api(app: FastAPI, db: WebDb, user: str) -> TestClient:
    client = TestClient(app)
    client.headers["Authorization"] = f"Bearer {db.tokens[user]}"
    return client


def test_search_finds_words_in_the_transcripts(read_app: FastAPI, web_db: WebDb) -> None:
    admin = _api(read_app, web_db, "admin")
    assert [c["id"] for c in admin.get("/api/conversations?q=happen").json()["items"]] == [ALEX_OWN]
    assert admin.get("/api/conversations?q=happen&channel=email").json()["items"] == []
    page = TestClient(read_app)
    login(page, "admin")
    html = page.get("/conversations?q=HAPPEN").text
    assert f"/conversations/{ALEX_OWN}" in html and "(1)" in html and 'value="HAPPEN"' in html


def test_search_never_reaches_outside_the_users_scope(read_app: FastAPI, web_db: WebDb) -> None:
    everyone = _api(read_app, web_db, "admin").get("/api/conversations?q=parcel&limit=500").json()["items"]
    assert any("alex.rowe" not in c["agents"] for c in everyone)  # the word is in others' conversations too
    mine = _api(read_app, web_db, "alex").get("/api/conversations?q=parcel&limit=500").json()["items"]
    assert mine and all("alex.rowe" in c["agents"] for c in mine)


def test_channel_and_date_filters(read_app: FastAPI, web_db: WebDb) -> None:
    admin = _api(read_app, web_db, "admin")
    calls = admin.get("/api/conversations?channel=call&limit=500").json()["items"]
    assert calls and {c["channel"] for c in calls} == {"call"}
    page = TestClient(read_app)
    login(page, "admin")
    html = page.get("/conversations?since=2025-03-09&until=2025-03-10").text
    listed = [line for line in html.splitlines() if line.startswith("<td>") and "2025-03-" in line]
    assert listed and all("2025-03-09" in line for line in listed)  # "to" is not included, as in the report


def test_dashboard_and_report_agree_for_the_same_period_and_channel(read_app: FastAPI, web_db: WebDb) -> None:
    """One truth for numbers: the same slice (period and channel) gives the report's numbers."""
    scope = ReportScope(start=datetime(2025, 3, 4, tzinfo=UTC), end=datetime(2025, 3, 8, tzinfo=UTC), channel="email")
    with Store.open(web_db.url) as store:
        model = build_report_model(store, scope)
    assert 0 < model.overview.conversations < 29  # the slice really narrows
    query = "from=2025-03-04&to=2025-03-08&channel=email"
    admin = _api(read_app, web_db, "admin")
    agents = admin.get(f"/api/agents?{query}&limit=500").json()["items"]
    assert {a["name"]: a["contacts"] for a in agents} == {row.name: row.volume for row in model.agents}
    teams = admin.get(f"/api/teams?{query}").json()["items"]
    assert {t["name"]: t["contacts"] for t in teams} == {row.name: row.volume for row in model.teams}
    page = TestClient(read_app)
    login(page, "admin")
    html = page.get(f"/?{query}").text
    assert f'<span class="value">{model.overview.conversations}</span><span class="name">contacts</span>' in html
    assert 'href="/agents?from=2025-03-04&amp;to=2025-03-08&amp;channel=email"' in html  # the slice travels
    assert "fixfirst report --from 2025-03-04 --to 2025-03-08 --channel" in html
    assert admin.get("/api/agents?from=March").status_code == 422


def test_the_insights_cache_keeps_a_bounded_number_of_slices(read_app: FastAPI, web_db: WebDb) -> None:
    """Every new date range is a new slice; the server keeps the most recent MAX_SCOPES, not all of them."""
    admin = _api(read_app, web_db, "admin")
    for day in range(1, MAX_SCOPES + 4):
        assert admin.get(f"/api/teams?from=2025-03-{day:02d}").status_code == 200
    cache = read_app.state.fixfirst.cache
    assert len(cache._entries) == MAX_SCOPES
    assert admin.get("/api/teams?from=2025-03-01").status_code == 200  # evicted earlier: computed again
