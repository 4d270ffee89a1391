"""The dashboard in a real browser: Debian's chromium through Playwright, against real uvicorn.

Log in, open an agent's page, follow a finding to its highlighted words, correct a verdict in the
review queue and watch the agreement number change, answer the survey on a phone-sized screen,
and open the self-hosted API docs. Every page must run without a CSP violation or a request
leaving 127.0.0.1. Without chromium these tests skip locally and FAIL with CI=true (the `browser`
fixture in tests/conftest.py, shared with tests/report/test_browser.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fixfirst.store import Store
from fixfirst.web.app import create_app
from fixfirst.web.live_server import serving

from .web_fixtures import PASSWORD, WebDb

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(web_db: WebDb, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, WebDb]]:
    copy = web_db.copy_to(tmp_path_factory.mktemp("live"))
    with serving(create_app(copy.url)) as base:
        yield base, copy


class Tab:
    """A browser page that records console errors, page errors and every requested URL."""

    def __init__(self, browser: Any, base: str, **context: Any) -> None:
        self.base = base
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")

    def login(self, username: str) -> None:
        self.goto("/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("load")

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        outside = [u for u in self.requests if not u.startswith(self.base) and not u.startswith("data:")]
        assert outside == []

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any, live: tuple[str, WebDb]) -> Iterator[Tab]:
    opened = Tab(browser, live[0], viewport={"width": 1360, "height": 900})
    yield opened
    opened.close()


def test_agent_page_and_a_finding_to_its_highlighted_words(tab: Tab) -> None:
    page = tab.page
    tab.login("admin")
    assert page.locator("h1").inner_text().startswith("Overview")
    page.click("nav >> text=Agents")
    page.click("table.cards >> text=alex.rowe")
    assert page.locator("h1").inner_text() == "Agent alex.rowe"
    assert page.locator("#coaching li, p:has-text('No coaching')").count() > 0
    assert page.locator("svg.spark").count() == 1
    page.click("table.conversations >> text=BW-EM-00470")
    links = page.locator("a.finding-link")
    assert links.count() >= 2
    link = links.nth(1)
    anchor = link.get_attribute("href")
    link.click()
    page.wait_for_function("location.hash.length > 1")
    assert page.evaluate("location.hash") == anchor
    target = page.locator(f"{anchor} mark").first
    assert target.is_visible() and target.inner_text().strip()
    assert page.evaluate("document.querySelector(':target mark') !== null")
    # The CSS rule for the targeted words applied (the stylesheet loaded under the CSP).
    outline = target.evaluate("m => getComputedStyle(m).outlineStyle")
    assert outline == "solid"
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 900
    tab.assert_clean()


def _two_queued_with_one_verdict(live: tuple[str, WebDb]) -> tuple[str, str, str]:
    """Two queued conversations whose machine outcome is the same (not ``resolved``), the second with
    a finding to reject - chosen from what the engine says, so a retrained model keeps the test valid."""
    base, db = live
    headers = {"Authorization": f"Bearer {db.tokens['admin']}"}
    items = httpx.get(f"{base}/api/review-queue?limit=200", headers=headers).json()["items"]
    by_outcome: dict[str, list[str]] = {}
    for item in items:
        if item["outcome"] != "resolved" and not item["open_disputes"]:
            by_outcome.setdefault(item["outcome"], []).append(item["conversation_id"])
    for outcome, ids in sorted(by_outcome.items(), key=lambda kv: -len(kv[1])):
        for second in ids[1:]:
            detail = httpx.get(f"{base}/api/conversations/{second}", headers=headers).json()
            if (detail.get("result") or {}).get("findings"):
                return ids[0], second, outcome
    raise AssertionError("the demo data has no two queued conversations with the same verdict")


def test_correcting_a_verdict_changes_the_agreement_number(tab: Tab, live: tuple[str, WebDb]) -> None:
    page = tab.page
    tab.login("admin")
    first, second, machine_outcome = _two_queued_with_one_verdict(live)

    def review(conversation_id: str, outcome: str | None, reject_first: bool) -> None:
        """The checklist review: nothing is pre-set, so every answer is chosen explicitly."""
        tab.goto("/review")
        page.click(f"table.queue >> text={conversation_id}")
        page.select_option("select[name=outcome]", outcome or machine_outcome)
        radios = page.locator("fieldset.finding-verdict input[value=confirmed]")
        for index in range(radios.count()):
            radios.nth(index).check()
        if reject_first:
            page.locator("fieldset.finding-verdict input[value=rejected]").first.check()
        page.click("text=Save review")
        page.wait_for_url(re.compile(r"/review\?saved="))

    tab.goto("/review")
    assert page.locator("#reviewed-count").inner_text() == "0"
    assert page.locator("#outcome-kappa").inner_text() == "–"
    review(first, None, False)  # confirm the machine entirely
    assert page.locator("#reviewed-count").inner_text() == "1"
    # one review, one value on each side: chance agreement is 1, kappa is undefined (not 1.00)
    assert page.locator("#outcome-kappa").inner_text() == "undefined"
    review(second, "resolved", True)  # correct the outcome and reject a finding
    assert page.locator("#reviewed-count").inner_text() == "2"
    # both machine verdicts were the same label: po = 0.5, pe = 0.5 -> kappa 0
    assert page.locator("#outcome-kappa").inner_text() == "0.00"
    assert re.fullmatch(r"\[-?\d\.\d\d, -?\d\.\d\d\]", page.locator("#outcome-kappa-interval").inner_text())
    tab.goto(f"/conversations/{second}")
    assert "Reviewer:" in page.locator("#reviewer-outcome").inner_text()
    assert page.locator(".reviewer-value", has_text="rejected").count() == 1
    tab.assert_clean()


def test_survey_on_a_phone(browser: Any, live: tuple[str, WebDb]) -> None:
    base, db = live
    created = httpx.post(
        f"{base}/api/survey-links",
        json={"conversation_id": "BW-CL-00083"},
        headers={"Authorization": f"Bearer {db.tokens['admin']}"},
    )
    assert created.status_code == 201
    phone = Tab(browser, base, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = phone.page
        phone.goto(created.json()["path"])
        assert page.locator("h1").inner_text() == "Did we fix your problem?"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        send = page.locator("button.send")
        assert send.bounding_box()["y"] + send.bounding_box()["height"] <= 844, "one screen: Send is visible"
        page.tap("text=You told me clearly it can't be done")
        page.tap("label.star >> text=4")
        page.fill("textarea[name=comment]", "Clear answer, thanks <b>really</b>")
        send.tap()
        page.wait_for_selector("#survey-done")
        phone.assert_clean()
    finally:
        phone.close()
    with Store.open(db.url) as store:
        answers = [s for s in store.iter_surveys(conversation_id="BW-CL-00083") if s.id.startswith("web-")]
    assert [(s.fixed.value, s.csat, s.comment) for s in answers] == [
        ("clear_no", 4, "Clear answer, thanks <b>really</b>")
    ]


def test_api_docs_render_offline_under_the_csp(tab: Tab) -> None:
    tab.goto("/docs")
    tab.page.wait_for_selector(".opblock", timeout=15_000)
    assert tab.page.locator(".opblock").count() >= 15
    outside = [u for u in tab.requests if not u.startswith(tab.base)]
    assert outside == []
