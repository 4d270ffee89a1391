"""Schemathesis against the app's own OpenAPI schema: no generated input, valid or not, gives a 5xx.

Authenticated as the admin (the widest scope, so every operation is reachable), on a private
copy of the database because generated inputs include writes. Bounded to a few examples per
operation so the whole run stays well under a minute on two cores.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
    assert fuzzed == served and len(served) == 16


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
