"""Fixtures shared across test folders: databases for every store test, and Debian's chromium.

``store_url`` / ``store`` run a test once per backend: a fresh SQLite file, and a fresh
PostgreSQL schema on the server named by FIXFIRST_TEST_POSTGRES_URL (start one with
``eval "$(scripts/start_postgres.sh)"``). Without that variable the PostgreSQL runs are skipped
locally but FAIL when CI=true, so CI can never pass by silently skipping them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fixfirst.store import Store

POSTGRES_URL_ENV = "FIXFIRST_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def postgres_base_url() -> str:
    """The test server's URL, or skip (locally) / fail (CI) when there is none."""
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if url:
        return url
    message = f'{POSTGRES_URL_ENV} is not set; start a server with: eval "$(scripts/start_postgres.sh)"'
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A URL to an empty database of each backend, thrown away after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('store') / 'fixfirst.db'}"
        return
    base = make_url(postgres_base_url())
    schema = f"fixfirst_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        # Every connection of the store sees only this schema, so tests never see each other's rows.
        scoped = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open, migrated, empty store on each backend."""
    opened = Store.open(store_url)
    try:
        yield opened
    finally:
        opened.close()


#: Debian's chromium, driven by Playwright (installed by scripts/install_browser.sh).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def browser_unavailable(reason: str) -> None:
    """Skip locally, but FAIL when CI=true: CI must never pass by silently skipping the browser."""
    message = f"{reason}; install it with scripts/install_browser.sh"
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless chromium for one test module (the report's and the dashboard's browser tests)."""
    if not CHROMIUM.exists():
        browser_unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
