"""Fixtures of the web tests: the session's database, apps and clients on copies of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fixfirst.web.app import create_app

from .web_fixtures import PASSWORD, WebDb, build_web_db


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> WebDb:
    """The shared database; read-only tests use it directly."""
    return build_web_db(tmp_path_factory.mktemp("web-db"))


@pytest.fixture(scope="session")
def read_app(web_db: WebDb, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """One app for the read-only tests (on a copy, so the session file stays pristine)."""
    copy = web_db.copy_to(tmp_path_factory.mktemp("read-app"))
    app = create_app(copy.url)
    with TestClient(app):
        yield app


@pytest.fixture
def writable_db(web_db: WebDb, tmp_path: Path) -> WebDb:
    return web_db.copy_to(tmp_path)


@pytest.fixture
def write_app(writable_db: WebDb) -> Iterator[FastAPI]:
    app = create_app(writable_db.url)
    with TestClient(app):
        yield app


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    """Log in through the real form: fetch it (CSRF cookie + token), then post it."""
    page = client.get("/login")
    assert page.status_code == 200
    token = csrf_from(page.text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def csrf_from(html: str) -> str:
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
