"""Hardening #8: bodies over the limit are refused before parsing; oversized fields are rejected."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from fixfirst.store import Store
from fixfirst.web import app as web_app
from fixfirst.web.app import create_app
from tests.web.test_api import bearer, new_record
from tests.web.web_fixtures import WebDb


def test_oversized_bodies_get_413_declared_or_streamed(writable_db: WebDb, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_app, "MAX_BODY_BYTES", 50_000)
    admin = {**bearer(writable_db, "admin"), "content-type": "application/json"}
    big = json.dumps([new_record(f"BIG-{i}") for i in range(200)]).encode()
    assert len(big) > 50_000
    with TestClient(create_app(writable_db.url)) as client:
        declared = client.post("/api/conversations", content=big, headers=admin)
        assert declared.status_code == 413

        def chunks():  # no Content-Length: the limit is counted as the body streams in
            for start in range(0, len(big), 8192):
                yield big[start : start + 8192]

        streamed = client.post("/api/conversations", content=chunks(), headers=admin)
        assert streamed.status_code == 413
        small = client.post("/api/conversations", content=json.dumps(new_record("SMALL-1")), headers=admin)
        assert small.status_code == 200
    with Store.open(writable_db.url) as store:
        ids = {c.id for c in store.iter_conversations()}
    assert "SMALL-1" in ids and not any(i.startswith("BIG-") for i in ids)


def test_oversized_fields_are_rejected_per_record(writable_db: WebDb) -> None:
    admin = bearer(writable_db, "admin")
    batch = [
        new_record("F-1") | {"metadata": {"blob": "x" * 100_000}},
        new_record("F-2") | {"team": "t" * 100_000},
        new_record("F-3") | {"customer_id": "c" * 1_000},
        new_record("F-4"),
    ]
    with TestClient(create_app(writable_db.url)) as client:
        records = client.post("/api/conversations", json=batch, headers=admin).json()["records"]
    assert [r["status"] for r in records] == ["rejected", "rejected", "rejected", "stored"]
    assert "metadata is 100,012 bytes as JSON, over the 65,536-byte limit" in records[0]["errors"][0]
    assert records[1]["errors"][0].startswith("team:") and records[2]["errors"][0].startswith("customer_id:")
