"""The report, the dashboard's aggregates and the local engine give today's numbers on the demo data.

Reference: `tests/fixtures/demo_report_numbers.json`, written by `tests/report/demo_numbers.py`
with the code as it was before the scale work (commit b3f5020: one process, insights over
in-memory lists, the dashboard over a snapshot), so this proves the scale work changed no number.
Analysis here runs with two worker processes, so the parallel path is what is compared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

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
