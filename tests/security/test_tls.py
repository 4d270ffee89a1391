"""Hardening #9: over HTTPS (direct, or a trusted proxy's X-Forwarded-Proto) the session cookie is
Secure and HSTS is sent; over plain HTTP neither, and an untrusted proxy header changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from fixfirst.web.app import create_app
from tests.web.web_fixtures import WebDb


def _login_page(client: TestClient, **headers: str) -> tuple[str, str | None]:
    page = client.get("/login", headers=headers)
    return page.headers.get("set-cookie", ""), page.headers.get("strict-transport-security")


def test_https_gets_secure_cookies_and_hsts(writable_db: WebDb) -> None:
    app = create_app(writable_db.url)
    with TestClient(app, base_url="https://testserver") as tls:
        cookie, hsts = _login_page(tls)
        assert "secure" in cookie.lower() and hsts and "max-age=31536000" in hsts
    with TestClient(app) as plain:
        cookie, hsts = _login_page(plain)
        assert "secure" not in cookie.lower() and hsts is None


def test_forwarded_proto_counts_only_from_a_trusted_proxy(writable_db: WebDb) -> None:
    app = create_app(writable_db.url)
    trusted = ProxyHeadersMiddleware(app, trusted_hosts="testclient")  # what `serve --proxy-headers` runs
    untrusted = ProxyHeadersMiddleware(app, trusted_hosts="10.0.0.1")
    with TestClient(trusted) as client:
        cookie, hsts = _login_page(client, **{"x-forwarded-proto": "https"})
        assert "secure" in cookie.lower() and hsts
    with TestClient(untrusted) as client:
        cookie, hsts = _login_page(client, **{"x-forwarded-proto": "https"})
        assert "secure" not in cookie.lower() and hsts is None
