"""`fixfirst user add` / `fixfirst user token` / `fixfirst serve` from the command line, on a real store."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fixfirst.cli import exit_codes
from fixfirst.cli.main import app
from fixfirst.store import Store
from fixfirst.web.app import create_app
from fixfirst.web.auth import authenticate
from fixfirst.web.live_server import free_port

runner = CliRunner()


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


def test_user_add_then_token_then_the_token_works(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ff.db'}"
    code, output = invoke(
        "user", "add", "boss", "--role", "admin", "--password-stdin", "--db", db, stdin="s3cret-pass\n"
    )
    assert code == exit_codes.OK, output
    assert "created admin boss" in output
    code, output = invoke(
        "user",
        "add",
        "lee",
        "--role",
        "manager",
        "--team",
        "Billing",
        "--team",
        "Tech",
        "--password-stdin",
        "--db",
        db,
        stdin="another-pass\n",
    )
    assert code == exit_codes.OK and "Billing, Tech" in output
    with Store.open(db) as store:
        who = authenticate(store, "boss", "s3cret-pass")
        assert who is not None and who.role.value == "admin"
        assert authenticate(store, "boss", "wrong-pass") is None
        lee = authenticate(store, "lee", "another-pass")
        assert lee is not None and lee.teams == ("Billing", "Tech")
    code, output = invoke("user", "token", "boss", "--db", db)
    assert code == exit_codes.OK
    token = next(line for line in output.splitlines() if line.startswith("ff_"))
    client = TestClient(create_app(db))
    assert client.get("/api/agents", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/api/agents", headers={"Authorization": "Bearer ff_nope"}).status_code == 401


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (["--role", "wizard"], "long-enough-pass\n", exit_codes.USAGE, "unknown role"),
        (["--role", "admin"], "short\n", exit_codes.USAGE, "at least 10"),
        (["--role", "agent"], "long-enough-pass\n", exit_codes.USAGE, "agent_id"),
    ],
)
def test_user_add_refuses_bad_input(tmp_path: Path, args: list[str], stdin: str, code: int, message: str) -> None:
    db = f"sqlite:///{tmp_path / 'ff.db'}"
    got, output = invoke("user", "add", "x", *args, "--password-stdin", "--db", db, stdin=stdin)
    assert got == code and message in output


def test_duplicate_user_and_unknown_token_user(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ff.db'}"
    add = ("user", "add", "a", "--role", "admin", "--password-stdin", "--db", db)
    code, output = invoke(*add, stdin="amber-lamp-41\n")
    assert code == 0, output
    code, output = invoke(*add, stdin="amber-lamp-42\n")
    assert code == exit_codes.CONFIG and "already exists" in output
    code, output = invoke("user", "token", "ghost", "--db", db)
    assert code == exit_codes.USAGE and "no user named" in output


def test_serve_starts_uvicorn_on_the_given_port(tmp_path: Path) -> None:
    port = free_port()
    db = f"sqlite:///{tmp_path / 'ff.db'}"
    process = subprocess.Popen(
        [sys.executable, "-m", "fixfirst.cli.main", "serve", "--db", db, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert response.status_code == 200 and "content-security-policy" in response.headers
        assert httpx.get(f"http://127.0.0.1:{port}/openapi.json").json()["info"]["title"] == "FixFirst"
    finally:
        process.terminate()
        process.wait(timeout=10)
