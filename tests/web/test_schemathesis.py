"""Schemathesis against the app's own OpenAPI schema: no generated input, valid or not, gives a 5xx.

Authenticated as the admin (the widest scope, so every operation is reachable), on a private
copy of the database because generated inputs include writes. Bounded to a few examples per
operation so the whole run stays well under a minute on two cores.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from fixfirst.web.app import create_app

from .route_walk import app_routes
from .web_fixtures import WebDb

MAX_EXAMPLES = 12
_token: dict[str, str] = {}


@pytest.fixture(scope="module")
def fuzz_app(web_db: WebDb, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    copy = web_db.copy_to(Path(tmp_path_factory.mktemp("fuzz")))
    _token["admin"] = copy.tokens["admin"]
    app = create_app(copy.url, redact=False)
    with TestClient(app):
        yield app


def _operations(app: FastAPI) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_schema_covers_every_api_route(fuzz_app: FastAPI) -> None:
    fuzzed = {(op.method.upper(), op.path) for op in _operations(fuzz_app)}
    served = {(method, path) for method, path in app_routes(fuzz_app) if path.startswith("/api/")}
    assert fuzzed == served and len(served) == 17


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_no_server_error_for_any_generated_input(fuzz_app: FastAPI, mode: GenerationMode) -> None:
    """Every operation, valid inputs (positive) and schema-violating ones (negative)."""
    headers = {"Authorization": f"Bearer {_token['admin']}"}
    failures: list[str] = []
    unsatisfiable: list[str] = []
    for operation in _operations(fuzz_app):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}")

        try:
            run()
        except Unsatisfiable:  # nothing to violate (e.g. no parameters and no body): positive covers it
            assert mode is GenerationMode.NEGATIVE
            unsatisfiable.append(f"{operation.method.upper()} {operation.path}")
    assert failures == []
    assert "POST /api/conversations" not in unsatisfiable


#: Unicode that has broken text handling elsewhere: a lone surrogate (issue 11 #3), NUL and other
#: control characters, bidi overrides, zero-width and combining marks, astral emoji, a BOM.
NASTY = ["\udfff", "\ud800x", "\x00", "\x1b[31m", "\u202e\u2066", "\u200b\u200d", "e\u0301\u0338", "😀🏳️‍🌈", "\ufeff"]


def _sprinkle(value: object, nasty: str) -> object:
    if isinstance(value, str):
        return value + nasty if value else nasty
    if isinstance(value, list):
        return [_sprinkle(v, nasty) for v in value]
    if isinstance(value, dict):
        return {k: _sprinkle(v, nasty) for k, v in value.items()}
    return value


def _send(client: TestClient, case: schemathesis.Case, nasty: str, token: str) -> int:
    """Send ``case`` with the awkward Unicode in every string, by hand: query strings are
    percent-encoded from surrogate-passing UTF-8 (what a broken client would put on the wire) and the
    body is JSON with escapes, so a lone surrogate reaches the server as ``\\udfff``."""
    query = "&".join(
        f"{quote(str(k))}={quote(str(_sprinkle(v, nasty)).encode('utf-8', 'surrogatepass'))}"
        for k, v in (case.query or {}).items()
    )
    url = case.formatted_path + (f"?{query}" if query else "")
    body = json.dumps(_sprinkle(case.body, nasty)) if isinstance(case.body, dict | list) else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return client.request(case.method, url, content=body, headers=headers).status_code


@pytest.mark.parametrize("nasty", NASTY, ids=lambda n: n.encode("unicode_escape").decode()[:12])
def test_no_server_error_for_unicode_in_any_string(fuzz_app: FastAPI, nasty: str) -> None:
    """Valid inputs with every string (body and query) carrying one class of awkward Unicode."""
    failures: list[str] = []
    client = TestClient(fuzz_app)
    for operation in _operations(fuzz_app):

        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
        @settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def run(case: schemathesis.Case) -> None:
            status = _send(client, case, nasty, _token["admin"])
            if status >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {status}")

        run()
    assert failures == []
