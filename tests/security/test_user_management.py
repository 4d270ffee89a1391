"""Hardening #10: users can be disabled and re-passworded (sessions end), tokens listed, revoked and
expire, and the commonest passwords are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from typer.testing import CliRunner

from fixfirst.cli.main import app as cli
from fixfirst.store import Store
from fixfirst.store.web_tables import web_api_tokens_table
from fixfirst.web.app import create_app
from fixfirst.web.password_policy import password_problem
from tests.web.conftest import login
from tests.web.test_api import bearer
from tests.web.web_fixtures import PASSWORD, WebDb

runner = CliRunner()


def _cli(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(cli, list(args), input=stdin)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "password", ["password", "Password123!", "passw0rd", "123456789012", "qwertyuiop", "aaaaaaaaaaaa",
                 "Welcome2024!", "short1!"]
)
def test_common_and_short_passwords_are_refused(password: str) -> None:
    assert password_problem(password) is not None


def test_good_passwords_pass_and_the_username_is_not_one() -> None:
    assert password_problem("correct horse battery") is None
    assert password_problem("maria.lopez-2024", "maria.lopez") == "password must not contain the username"


def test_disable_passwd_tokens_revoke_and_expiry(writable_db: WebDb) -> None:
    db = writable_db.url
    admin_token = writable_db.tokens["admin"]
    with TestClient(create_app(db)) as client:
        login(client, "orders_lead")
        assert client.get("/agents").status_code == 200
        # A new password ends the lead's sessions; a common one is refused.
        assert _cli("user", "passwd", "orders_lead", "--password-stdin", "--db", db, stdin="password1\n")[0] != 0
        code, output = _cli("user", "passwd", "orders_lead", "--password-stdin", "--db", db,
                            stdin="a much better secret\n")
        assert code == 0, output
        assert client.get("/agents", follow_redirects=False).status_code == 303
        login(client, "orders_lead", "a much better secret")
        # Disabling ends sessions and stops tokens.
        lead = bearer(writable_db, "orders_lead")
        assert client.get("/api/agents", headers=lead).status_code == 200
        assert _cli("user", "disable", "orders_lead", "--db", db)[0] == 0
        assert client.get("/agents", follow_redirects=False).status_code == 303
        assert client.get("/api/agents", headers=lead).status_code == 401
        assert _cli("user", "enable", "orders_lead", "--db", db)[0] == 0
        assert client.get("/api/agents", headers=lead).status_code == 200

        # Tokens: list, revoke one, and an expired one stops working.
        code, output = _cli("user", "token", "admin", "--name", "nightly", "--days", "30", "--db", db)
        nightly = output.splitlines()[0]
        assert code == 0 and nightly.startswith("ff_")
        listing = _cli("user", "tokens", "admin", "--db", db)[1]
        assert "nightly" in listing and nightly not in listing
        nightly_id = next(line.split("\t")[0] for line in listing.splitlines() if "\tnightly\t" in line)
        assert client.get("/api/agents", headers={"Authorization": f"Bearer {nightly}"}).status_code == 200
        assert _cli("user", "revoke", "admin", nightly_id, "--db", db)[0] == 0
        assert client.get("/api/agents", headers={"Authorization": f"Bearer {nightly}"}).status_code == 401
        with Store.open(db) as store, store.engine.begin() as conn:
            conn.execute(update(web_api_tokens_table).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        assert client.get("/api/agents", headers={"Authorization": f"Bearer {admin_token}"}).status_code == 401
        assert PASSWORD  # the fixture users keep their original passwords otherwise
