"""The dashboard pages: login, CSRF, security headers, escaping, review and dispute forms."""

from __future__ import annotations

import re
from html import unescape as html_unescape

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fixfirst.analyze.engine import build_pipeline
from fixfirst.store import Store
from fixfirst.store.web_records import iter_reviews, list_disputes
from fixfirst.web.app import CONTENT_SECURITY_POLICY

from .conftest import csrf_from, login
from .web_fixtures import HOSTILE_ID, PASSWORD, SCRIPT_TEXT, WebDb, hostile_conversation

ALEX_OWN = "BW-CL-00083"
PAGES = [
    "/",
    "/teams",
    "/teams/Orders%20%26%20Delivery",
    "/agents",
    "/agents/alex.rowe",
    "/conversations",
    f"/conversations/{ALEX_OWN}",
    f"/conversations/{HOSTILE_ID}",
    "/review",
    "/root-causes",
    "/drivers",
    "/docs",
    "/login",
]


@pytest.fixture(scope="module")
def admin_client(read_app: FastAPI) -> TestClient:
    client = TestClient(read_app)
    login(client, "admin")
    return client


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_strict_headers(admin_client: TestClient, path: str) -> None:
    response = admin_client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    # No inline script or style, and every asset is local.
    assert not re.search(r"<script(?![^>]*\bsrc=)", response.text)
    assert not re.search(r"<style|\sstyle=", response.text)
    assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", response.text)


def test_error_pages_and_api_errors_carry_the_headers_too(admin_client: TestClient) -> None:
    for path in ("/conversations/nope", "/api/conversations/nope"):
        response = admin_client.get(path)
        assert response.status_code == 404
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_transcript_text_is_escaped(admin_client: TestClient) -> None:
    html = admin_client.get(f"/conversations/{HOSTILE_ID}").text
    assert SCRIPT_TEXT not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "</textarea>\"'&" not in html and "&lt;/textarea&gt;" in html


def test_findings_link_to_their_highlighted_words(admin_client: TestClient) -> None:
    html = admin_client.get(f"/conversations/{HOSTILE_ID}").text
    findings = build_pipeline().run(hostile_conversation()).findings  # what the shipped engine finds
    links = re.findall(r'class="finding-link[^"]*" href="#(f-\d+)"', html)
    assert links == [f"f-{i}" for i in range(len(findings))] and len(findings) >= 2
    for i, finding in enumerate(findings):  # every link's anchor wraps the words of its finding
        pattern = rf'<mark class="ev [^"]*" data-label="[^"]*" data-findings="[^"]*\bf-{i}\b[^"]*"[^>]*>([^<]*)<'
        mark = re.search(pattern, html)
        assert mark is not None and html_unescape(mark.group(1)) == finding.text
    # The stock apology is both scripted empathy and (nothing else offered) a hollow apology: two
    # findings on one sentence - nested anchors around one mark, each id once.
    assert re.search(
        r'<span class="anchor" id="f-0"><span class="anchor" id="f-1"><mark class="ev [^"]*" '
        r'data-label="hollow_apology scripted_empathy" data-findings="f-0 f-1"[^>]*>'
        r"I&#39;m so sorry for the inconvenience.</mark>",
        html,
    )


def test_login_sets_a_hardened_cookie_and_wrong_password_is_refused(read_app: FastAPI) -> None:
    client = TestClient(read_app)
    token = csrf_from(client.get("/login").text)
    wrong = client.post("/login", data={"username": "admin", "password": "nope-nope", "csrf_token": token})
    assert wrong.status_code == 401 and "Wrong username or password" in wrong.text
    unknown = client.post("/login", data={"username": "ghost", "password": PASSWORD, "csrf_token": token})
    assert unknown.status_code == 401
    ok = client.post(
        "/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    assert ok.status_code == 303
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/", follow_redirects=False).status_code == 200


@pytest.mark.parametrize("bad_token", ["", "forged-token"])
def test_forms_without_the_csrf_token_are_rejected(write_app: FastAPI, writable_db: WebDb, bad_token: str) -> None:
    client = TestClient(write_app)
    login(client, "admin")
    page = client.get(f"/conversations/{ALEX_OWN}")
    good_token = csrf_from(page.text)
    forged = client.post(
        f"/conversations/{ALEX_OWN}/review",
        data={"csrf_token": bad_token, "outcome": "resolved"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    logout = client.post("/logout", data={"csrf_token": bad_token}, follow_redirects=False)
    assert logout.status_code == 403
    with Store.open(writable_db.url) as store:
        assert iter_reviews(store, ALEX_OWN) == []
    accepted = client.post(
        f"/conversations/{ALEX_OWN}/review",
        data={"csrf_token": good_token, "outcome": "resolved", "mode": "blind"},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    with Store.open(writable_db.url) as store:
        assert [(r.item, r.reviewer_value) for r in iter_reviews(store, ALEX_OWN) if r.item == "outcome"] == [
            ("outcome", "resolved")
        ]


def test_login_form_needs_csrf_and_api_cookie_writes_need_the_header(read_app: FastAPI) -> None:
    client = TestClient(read_app)
    client.get("/login")
    refused = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "x"})
    assert refused.status_code == 403
    login(client, "admin")
    without_header = client.post("/api/survey-links", json={"conversation_id": ALEX_OWN})
    assert without_header.status_code == 403


def test_logout_ends_the_session(read_app: FastAPI) -> None:
    client = TestClient(read_app)
    login(client, "admin")
    token = csrf_from(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_review_form_stores_corrections_shown_beside_the_machine(write_app: FastAPI, writable_db: WebDb) -> None:
    client = TestClient(write_app)
    login(client, "admin")
    page = client.get(f"/conversations/{HOSTILE_ID}")
    items = re.findall(r'name="finding:([^"]+)" value="rejected"', page.text)
    assert len(items) >= 2
    machine = re.search(r'id="machine-outcome">([^<]+)<', page.text)
    assert machine is not None
    form = {
        "csrf_token": csrf_from(page.text),
        "outcome": "clear_no",
        f"finding:{items[0]}": "rejected",
        **{f"finding:{item}": "confirmed" for item in items[1:]},
        "missed": "customer_effort",
    }
    saved = client.post(f"/conversations/{HOSTILE_ID}/review", data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/review?saved=")
    html = client.get(f"/conversations/{HOSTILE_ID}").text
    assert f'id="machine-outcome">{machine.group(1)}<' in html  # the machine's verdict stays beside the reviewer's
    assert "Reviewer: <strong>" in html and "by admin" in html
    assert html.count('class="reviewer-value">rejected<') == 1
    assert html.count('class="reviewer-value">confirmed<') == len(items) - 1
    review = client.get("/review").text
    assert re.search(r'id="reviewed-count">1<', review)


def test_agent_disputes_a_finding_on_their_own_conversation(write_app: FastAPI, writable_db: WebDb) -> None:
    client = TestClient(write_app)
    login(client, "alex")
    page = client.get(f"/conversations/{ALEX_OWN}")
    assert "Save review" not in page.text
    item = re.search(r'name="item" value="([^"]+)"', page.text).group(1)
    sent = client.post(
        f"/conversations/{ALEX_OWN}/dispute",
        data={"csrf_token": csrf_from(page.text), "item": item, "comment": "I <b>did</b> own it"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    html = client.get(sent.headers["location"]).text
    assert "Your dispute was recorded" in html and "I &lt;b&gt;did&lt;/b&gt; own it" in html
    with Store.open(writable_db.url) as store:
        assert [(d.item, d.author, d.status) for d in list_disputes(store)] == [(item, "alex", "open")]
    other = client.post(
        "/conversations/BW-EM-00393/dispute", data={"csrf_token": csrf_from(page.text), "item": item, "comment": "x"}
    )
    assert other.status_code == 404


def test_docs_use_local_swagger_assets(read_app: FastAPI) -> None:
    client = TestClient(read_app)
    html = client.get("/docs").text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert {"/static/swagger/swagger-ui.css", "/static/swagger/swagger-ui-bundle.js", "/static/docs-init.js"} <= set(
        assets
    )
    for asset in assets:
        assert client.get(asset).status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "FixFirst"


def test_survey_page_is_one_phone_friendly_screen(write_app: FastAPI, writable_db: WebDb) -> None:
    client = TestClient(write_app)
    path = client.post(
        "/api/survey-links",
        json={"conversation_id": ALEX_OWN},
        headers={"Authorization": f"Bearer {writable_db.tokens['admin']}"},
    ).json()["path"]
    html = client.get(path).text
    assert 'name="viewport" content="width=device-width' in html
    assert [label.strip() for label in re.findall(r"<span>([^<]+)</span>", html)[:3]] == [
        "Yes",
        "No",
        "You told me clearly it can&#39;t be done",
    ]
    assert "login" not in html.lower()


def test_turns_are_numbered_from_one_like_the_report(read_app: FastAPI) -> None:
    """Issue 12: the dashboard counted turns from 0 and the report from 1."""
    client = TestClient(read_app)
    login(client, "admin")
    html = client.get(f"/conversations/{ALEX_OWN}").text
    assert "> #1</span>" in html and "> #0</span>" not in html
    assert not re.search(r"turn 0,", html)
