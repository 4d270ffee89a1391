"""Hardening #2: a slow record's analysis never blocks another client's ingest."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from fixfirst.web import record_intake
from fixfirst.web.app import create_app
from tests.web.test_api import bearer, new_record
from tests.web.web_fixtures import WebDb


def test_a_record_in_analysis_does_not_hold_up_other_posts(writable_db: WebDb, monkeypatch) -> None:  # noqa: ANN001
    release, started, finished = threading.Event(), threading.Event(), threading.Event()
    analyze = record_intake.analyze

    def slow_for_one(conversations):  # noqa: ANN001, ANN202 - stands in for a very long record
        if any(c.id == "SLOW-1" for c in conversations):
            started.set()
            release.wait(10)
            finished.set()
        return analyze(conversations)

    monkeypatch.setattr(record_intake, "analyze", slow_for_one)
    admin = bearer(writable_db, "admin")
    with TestClient(create_app(writable_db.url)) as client:
        slow: dict[str, object] = {}
        worker = threading.Thread(
            target=lambda: slow.update(answer=client.post("/api/conversations", json=new_record("SLOW-1"),
                                                          headers=admin))
        )
        worker.start()
        assert started.wait(30)
        # While SLOW-1 is being analysed, another post is stored, analysed and answered.
        quick = client.post("/api/conversations", json=new_record("QUICK-1"), headers=admin)
        assert not finished.is_set(), "the quick post waited for the slow record's analysis"
        assert quick.status_code == 200 and quick.json()["records"][0]["outcome"] is not None
        release.set()
        worker.join(30)
    answer = slow["answer"]
    assert answer.status_code == 200 and answer.json()["records"][0]["status"] == "stored"  # type: ignore[attr-defined]
