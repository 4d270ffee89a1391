"""The report, the dashboard's aggregates and the local engine give today's numbers on the demo data.

Reference: `tests/fixtures/demo_report_numbers.json`, written by `tests/report/demo_numbers.py`
with the code as it was before the scale work (commit b3f5020: one process, insights over
in-memory lists, the dashboard over a snapshot), so this proves the scale work changed no number.
Analysis here runs with two worker processes, so the parallel path is what is compared. The
reference is regenerated when the engine changes (the models were retrained with data/written).
For one company, the dashboard (pages and API, ``?company=``) and ``fixfirst report --company``
give the same numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fixfirst.pipeline import ReportScope, build_report_model
from fixfirst.pipeline.demo_job import DEMO_COMPANY
from fixfirst.report.table_export import report_tables
from fixfirst.store import Store
from fixfirst.store.web_records import create_api_token
from fixfirst.web.app import create_app
from fixfirst.web.auth import create_user

from .demo_numbers import FIXTURE, demo_numbers, load_demo


def _close(actual: object, expected: object) -> bool:
    if isinstance(expected, float) and isinstance(actual, int | float):
        return actual == pytest.approx(expected, rel=1e-9, abs=1e-12)
    if isinstance(expected, dict) and isinstance(actual, dict):
        return actual.keys() == expected.keys() and all(_close(actual[k], expected[k]) for k in expected)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(actual) == len(expected) and all(_close(a, e) for a, e in zip(actual, expected, strict=True))
    return actual == expected


def test_report_and_dashboard_give_todays_numbers_on_the_demo_data(tmp_path: Path) -> None:
    reference = json.loads(FIXTURE.read_text(encoding="utf-8"))
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    with Store.open(url) as store:
        engine = load_demo(store, tmp_path, workers=2)
        if engine != reference["engine_version"]:
            pytest.fail(f"the engine changed ({reference['engine_version']} -> {engine}); if that is intended, "
                        "regenerate the reference: python -m tests.report.demo_numbers")
        numbers = demo_numbers(store)
        company_tables = report_tables(build_report_model(store, ReportScope(company=DEMO_COMPANY)))
        user = create_user(store, "lead", "a long enough password", "admin")
        token = create_api_token(store, user.user_id, "test")
    for table, rows in reference["numbers"].items():
        assert _close(numbers[table], rows), f"{table} changed"
    assert numbers["overview"][0]["conversations"] == 871

    with TestClient(create_app(url)) as client:
        headers = {"Authorization": f"Bearer {token}"}
        agents = client.get("/api/agents?limit=500", headers=headers).json()["items"]
        teams = client.get("/api/teams", headers=headers).json()["items"]
    report_agents = {row["name"]: row for row in reference["numbers"]["agents"]}
    assert {a["name"] for a in agents} == set(report_agents)
    for card in agents:
        row = report_agents[card["name"]]
        assert (card["contacts"], card["score"]["median"]) == (row["volume"], row["score_median"]), card["name"]
    report_teams = {row["name"]: row for row in reference["numbers"]["teams"]}
    assert {t["name"]: t["contacts"] for t in teams} == {name: row["volume"] for name, row in report_teams.items()}


    # One company: the dashboard and `fixfirst report --company` give the same numbers (issue 12: the
    # dashboard mixed every company - 871 contacts - where the demo report, for one company, said 520).
    with TestClient(create_app(url)) as client:
        headers = {"Authorization": f"Bearer {token}"}
        query = f"company={DEMO_COMPANY.replace(' ', '%20')}"
        agents = client.get(f"/api/agents?limit=500&{query}", headers=headers).json()["items"]
        teams = client.get(f"/api/teams?{query}", headers=headers).json()["items"]
        causes = client.get(f"/api/root-causes?{query}", headers=headers).json()
        unknown = client.get("/api/agents?company=Nobody%20Ltd", headers=headers)
        login_page = client.get("/login").text
        token_field = login_page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/login", data={"username": "lead", "password": "a long enough password",
                                    "csrf_token": token_field})
        overview = client.get(f"/?{query}").text
        team_name = str(company_tables["teams"]["name"][0])
        team_page = client.get(f"/teams/{team_name.replace(' ', '%20').replace('&', '%26')}?{query}")
    report_agents = {row["name"]: row for row in company_tables["agents"].to_dict("records")}
    assert {a["name"]: a["contacts"] for a in agents} == {n: r["volume"] for n, r in report_agents.items()}
    report_team_volume = dict(zip(company_tables["teams"]["name"], company_tables["teams"]["volume"], strict=True))
    assert {t["name"]: t["contacts"] for t in teams} == report_team_volume
    assert {c["name"] for c in causes["policies"] + causes["systems"]} == set(company_tables["root_causes"]["name"])
    conversations = int(company_tables["overview"]["conversations"][0])
    assert conversations == 520 and f'<span class="value">{conversations}</span>' in overview
    assert f'<option value="{DEMO_COMPANY}" selected>' in overview and "fixfirst report --company" in overview
    # The filter travels with the links: the menu and every scorecard link keep ?company=.
    assert f'href="/teams?{query}"' in overview and f'?{query}">' in overview
    assert team_page.status_code == 200 and f'href="/agents?{query}"' in team_page.text
    assert unknown.status_code == 404
