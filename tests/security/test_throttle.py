"""Hardening #6: guessing passwords, API tokens or survey links is cut off with 429 + Retry-After."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from fixfirst.web.app import create_app
from fixfirst.web.throttle import FailureThrottle
from tests.web.conftest import csrf_from
from tests.web.test_api import bearer
from tests.web.web_fixtures import PASSWORD, WebDb


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _login(client: TestClient, username: str, password: str) -> int:
    token = csrf_from(client.get("/login").text)
    answer = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                         follow_redirects=False)
    return answer.status_code


def test_login_guessing_is_locked_out_then_released(writable_db: WebDb) -> None:
    clock = Clock()
    app = create_app(writable_db.url)
    app.state.fixfirst.throttle = FailureThrottle(limit=10, window_s=300, clock=clock)
    with TestClient(app) as client:
        assert [_login(client, "admin", "wrong guess") for _ in range(10)] == [401] * 10
        token = csrf_from(client.get("/login").text)
        locked = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token},
                             follow_redirects=False)
        assert locked.status_code == 429  # even the right password, while locked
        assert 1 <= int(locked.headers["retry-after"]) <= 301
        assert re.search(r"try again in \d+ s", locked.text)
        assert _login(client, "orders_lead", PASSWORD) == 303  # another account from here still works
        clock.now += 301
        assert _login(client, "admin", PASSWORD) == 303


def test_token_and_survey_link_guessing_is_locked_out(writable_db: WebDb) -> None:
    app = create_app(writable_db.url)
    app.state.fixfirst.throttle = FailureThrottle(limit=5, window_s=300, clock=Clock())
    with TestClient(app) as client:
        wrong = {"Authorization": "Bearer ff_not-a-real-token"}
        assert [client.get("/api/agents", headers=wrong).status_code for _ in range(5)] == [401] * 5
        locked = client.get("/api/agents", headers=bearer(writable_db, "admin"))
        assert locked.status_code == 429 and "retry-after" in locked.headers
        assert [client.get(f"/s/guess-{i}").status_code for i in range(5)] == [404] * 5
        assert client.get("/s/guess-6").status_code == 429
