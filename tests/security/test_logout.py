"""Hardening #5: logging out ends the session on the server; a saved copy of the cookie is refused."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from fixfirst.web.app import create_app
from fixfirst.web.auth import SESSION_COOKIE
from tests.web.conftest import login
from tests.web.web_fixtures import WebDb


def test_a_cookie_replayed_after_logout_is_refused(writable_db: WebDb) -> None:
    app = create_app(writable_db.url)
    with TestClient(app) as client, TestClient(app) as thief, TestClient(app) as other_device:
        login(client, "admin")
        login(other_device, "admin")
        saved = client.cookies[SESSION_COOKIE]
        page = client.get("/agents")
        assert page.status_code == 200
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf, "the logout form carries a CSRF token"
        assert client.post("/logout", data={"csrf_token": csrf.group(1)}, follow_redirects=False).status_code == 303
        thief.cookies.set(SESSION_COOKIE, saved)
        assert thief.get("/agents", follow_redirects=False).status_code == 303  # to the login page
        assert other_device.get("/agents", follow_redirects=False).status_code == 303  # signed out everywhere
        login(client, "admin")  # a new login works again
        assert client.get("/agents").status_code == 200
