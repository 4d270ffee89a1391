"""Issue 12, one truth for numbers: a table downloaded from the dashboard is byte for byte the table
`fixfirst report --format csv` writes for the same scope; the conversation list downloads with its
filters; agents and out-of-scope teams get nothing."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
from fastapi import FastAPI
from fastapi.testclient import TestClient

from .conftest import login
from .web_fixtures import WebDb


def _page(app: FastAPI, user: str) -> TestClient:
    client = TestClient(app)
    login(client, user)
    return client


def test_a_dashboard_download_is_the_reports_own_table(read_app: FastAPI, web_db: WebDb, tmp_path: Path) -> None:
    admin = _page(read_app, "admin")
    assert 'href="/export/agents?format=csv"' in admin.get("/agents").text
    downloaded = admin.get("/export/agents?format=csv")
    assert downloaded.status_code == 200 and "attachment" in downloaded.headers["content-disposition"]
    out = tmp_path / "tables"
    subprocess.run(
        [sys.executable, "-m", "fixfirst.cli.main", "report", "--db", web_db.url, "--format", "csv", "--out", str(out)],
        check=True, capture_output=True,
    )
    assert downloaded.content == (out / "agents.csv").read_bytes()
    parquet = admin.get("/export/root_causes?format=parquet&team=Orders%20%26%20Delivery")
    assert parquet.status_code == 200
    assert list(pd.read_parquet(io.BytesIO(parquet.content)).columns) == list(
        pd.read_csv(out / "root_causes.csv").columns
    )


def test_downloads_respect_roles_and_teams(read_app: FastAPI) -> None:
    assert _page(read_app, "alex").get("/export/agents").status_code == 404
    lead = _page(read_app, "orders_lead")
    assert lead.get("/export/agents?team=Technical%20Support").status_code == 404
    teams = lead.get("/export/teams").text
    assert "Orders & Delivery" in teams and "Technical Support" not in teams
    assert lead.get("/export/conversations").status_code == 404  # transcripts: use the list export
    assert lead.get("/export/agents?format=xlsx").status_code == 422


def test_the_conversation_list_downloads_with_its_filters(read_app: FastAPI) -> None:
    alex = _page(read_app, "alex")
    rows = list(csv.DictReader(io.StringIO(alex.get("/conversations.csv").text)))
    assert len(rows) == 8 and all("alex.rowe" in r["agents"] for r in rows)
    admin = _page(read_app, "admin")
    calls = list(csv.DictReader(io.StringIO(admin.get("/conversations.csv?channel=call&q=happen").text)))
    assert [r["id"] for r in calls] == ["BW-CL-00083"]
