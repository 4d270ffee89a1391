"""Issue 12 in a real browser (chromium + Playwright, real uvicorn): an agent disputes the outcome, a
reviewer reviews blind and sees the comparison, a manager who did not review decides the dispute, and
the agent is notified in the app. Same rules as test_browser.py: no console errors, nothing requested
outside 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from fixfirst.store import Store
from fixfirst.web.app import create_app
from fixfirst.web.auth import create_user
from fixfirst.web.live_server import serving

from .test_browser import Tab
from .web_fixtures import PASSWORD, WebDb

pytestmark = pytest.mark.browser

ALEX_OWN = "BW-CL-00083"


@pytest.fixture(scope="module")
def qa_live(web_db: WebDb, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    copy = web_db.copy_to(tmp_path_factory.mktemp("qa-live"))
    with serving(create_app(copy.url)) as base:
        yield base


def _as(browser: Any, base: str, user: str) -> Tab:
    tab = Tab(browser, base, viewport={"width": 1360, "height": 900})
    tab.login(user)
    return tab


def test_dispute_blind_review_decision_and_notification(browser: Any, qa_live: str) -> None:
    agent = _as(browser, qa_live, "alex")
    agent.goto(f"/conversations/{ALEX_OWN}")
    outcome_form = agent.page.locator("form.dispute-form", has=agent.page.locator("input[name=item][value=outcome]"))
    outcome_form.locator("textarea[name=comment]").fill("I booked the engineer visit - that is owned")
    outcome_form.locator("button[type=submit]").click()
    agent.page.wait_for_url(re.compile(r"disputed=1"))
    assert "Your dispute was recorded" in agent.page.inner_text("main")

    reviewer = _as(browser, qa_live, "admin")
    reviewer.goto("/review")
    row = reviewer.page.locator("table.queue tr", has_text=ALEX_OWN)
    row.locator("a.blind-review").click()
    reviewer.page.wait_for_url(re.compile(r"/review$"))
    assert reviewer.page.locator("#machine-outcome").count() == 0
    reviewer.page.check("input[name=outcome][value=owned_followup]")
    reviewer.page.check("input[name=present][value=ownership]")
    reviewer.page.click("text=Submit and compare")
    reviewer.page.wait_for_url(re.compile(r"compared=1"))
    comparison = reviewer.page.locator("#comparison").inner_text()
    assert "Owned follow-up" in comparison or "owned" in comparison.lower()
    assert reviewer.page.locator(".dispute .status", has_text="open").count() == 1
    assert reviewer.page.locator("form.decide-form").count() == 0  # the reviewer may not decide it

    manager = _as(browser, qa_live, "orders_lead")
    manager.goto(f"/conversations/{ALEX_OWN}")
    decide = manager.page.locator("form.decide-form")
    decide.locator("select[name=decision]").select_option("overturned")
    decide.locator("input[name=reason]").fill("the visit was booked with a date")
    decide.locator("button[type=submit]").click()
    manager.page.wait_for_load_state("load")
    assert manager.page.locator(".dispute .status", has_text="overturned by orders_lead").count() == 1

    agent.goto("/agents/alex.rowe")
    assert agent.page.locator("nav .badge").inner_text() == "1"
    agent.page.click("nav >> text=Notifications")
    agent.page.click(f"text=Your dispute on {ALEX_OWN} was overturned by orders_lead.")
    agent.page.wait_for_url(re.compile(rf"/conversations/{ALEX_OWN}"))
    assert "the visit was booked with a date" in agent.page.inner_text("main")
    assert agent.page.locator("nav .badge").count() == 0
    for tab in (agent, reviewer, manager):
        tab.assert_clean()
        tab.close()


@pytest.fixture(scope="module")
def sampling_live(web_db: WebDb, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    copy = web_db.copy_to(tmp_path_factory.mktemp("sampling-live"))
    with serving(create_app(copy.url)) as base:
        yield base


def test_sampling_assignment_blind_review_dispute_decision_notification(browser: Any, sampling_live: str) -> None:
    """The chain end to end: a QA lead adds a rule and draws a week for a reviewer; the reviewer is
    notified, works "my queue" (agent, team, channel, date shown) through a blind review and the item
    shows done; the agent disputes that outcome, the lead (not its reviewer) decides, the agent is told."""
    lead = _as(browser, sampling_live, "admin")
    lead.goto("/sampling")
    rule_form = lead.page.locator("form.rule-form")
    rule_form.locator("input[name=name]").fill("One per agent")
    rule_form.locator("select[name=kind]").select_option("random_per_agent")
    rule_form.locator("input[name=per_agent]").fill("1")
    rule_form.locator("button[type=submit]").click()
    lead.page.wait_for_load_state("load")
    assert lead.page.locator("table.rules tr", has_text="One per agent").count() == 1
    draw_form = lead.page.locator("form.draw-form")
    draw_form.locator("input[name=week]").fill("2025-03-03")
    draw_form.locator("input[name=reviewer][value=orders_lead]").check()
    draw_form.locator("button[type=submit]").click()
    lead.page.wait_for_url(re.compile(r"drawn="))
    assert "2 to orders_lead" in lead.page.locator("#draw-result").inner_text()  # her team's two agents

    reviewer = _as(browser, sampling_live, "orders_lead")
    reviewer.goto("/notifications")
    reviewer.page.click("text=2 conversations assigned to you for review by admin (rule: One per agent).")
    reviewer.page.wait_for_url(re.compile(r"/my-queue$"))
    rows = reviewer.page.locator("table.my-queue tbody tr.open")
    assert rows.count() == 2
    alex_row = rows.filter(has_text="alex.rowe")  # one per agent: one of alex's, one of jo's
    first = alex_row.inner_text()
    assert "Orders & Delivery" in first and "2025-03-0" in first and "One per agent" in first
    conversation = alex_row.get_attribute("data-conversation")
    alex_row.locator("a.blind-review").click()
    reviewer.page.wait_for_url(re.compile(r"/review$"))
    assert reviewer.page.locator("#machine-outcome").count() == 0  # blind
    reviewer.page.check("input[name=outcome][value=unresolved]")
    reviewer.page.click("text=Submit and compare")
    reviewer.page.wait_for_url(re.compile(r"compared=1"))
    reviewer.page.click("nav >> text=My queue")
    reviewer.page.wait_for_url(re.compile(r"/my-queue$"))
    assert reviewer.page.locator("table.my-queue tbody tr.open").count() == 1
    assert reviewer.page.locator("table.my-queue tbody tr.done .status").inner_text() == "done"

    # The agent disputes the reviewed outcome; the lead (not its reviewer) decides; the agent is told.
    agent = _as(browser, sampling_live, "alex")
    agent.goto(f"/conversations/{conversation}")
    dispute = agent.page.locator("form.dispute-form", has=agent.page.locator("input[name=item][value=outcome]"))
    dispute.locator("textarea[name=comment]").fill("I booked the follow-up call with a date")
    dispute.locator("button[type=submit]").click()
    agent.page.wait_for_url(re.compile(r"disputed=1"))
    reviewer.goto(f"/conversations/{conversation}")
    assert reviewer.page.locator("form.decide-form").count() == 0  # she reviewed the outcome
    lead.goto(f"/conversations/{conversation}")
    decide = lead.page.locator("form.decide-form")
    decide.locator("select[name=decision]").select_option("upheld")
    decide.locator("input[name=reason]").fill("no date was given in the call")
    decide.locator("button[type=submit]").click()
    lead.page.wait_for_load_state("load")
    agent.goto("/notifications")
    assert agent.page.locator("text=Your dispute on " + str(conversation) + " was upheld by admin.").count() == 1
    for tab in (lead, reviewer, agent):
        tab.assert_clean()
        tab.close()


@pytest.fixture(scope="module")
def calibration_live(web_db: WebDb, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    copy = web_db.copy_to(tmp_path_factory.mktemp("calibration-live"))
    with Store.open(copy.url) as store:
        create_user(store, "tara", PASSWORD, "manager")
    with serving(create_app(copy.url)) as base:
        yield base


def test_calibration_session_with_three_reviewers(browser: Any, calibration_live: str) -> None:
    """A lead starts a session on two conversations for three reviewers; each scores blind from the
    invitation; the last one to finish sees alpha per item and the side-by-side view."""
    conversations = ["BW-CL-00083", "BW-EM-00429"]
    lead = _as(browser, calibration_live, "admin")
    lead.goto("/calibration")
    form = lead.page.locator("form.calibration-form")
    form.locator("input[name=name]").fill("Week 10 calibration")
    form.locator("textarea[name=conversations]").fill("\n".join(conversations))
    for name in ("admin", "orders_lead", "tara"):
        form.locator(f"input[name=reviewer][value={name}]").check()
    form.locator("button[type=submit]").click()
    lead.page.wait_for_url(re.compile(r"/calibration/\d+$"))

    answers = {"admin": "owned_followup", "orders_lead": "owned_followup", "tara": "resolved"}
    tabs = [lead]
    for name, outcome in answers.items():
        tab = lead if name == "admin" else _as(browser, calibration_live, name)
        if tab is not lead:
            tabs.append(tab)
            tab.goto("/notifications")
            tab.page.click("text=invited you to the calibration session 'Week 10 calibration'")
            tab.page.wait_for_url(re.compile(r"/calibration/\d+$"))
        for _ in conversations:
            assert tab.page.locator("#results-hidden").count() == 1  # blind until one has scored them all
            tab.page.locator("ul.calibration-todo a.score-blind").first.click()
            tab.page.wait_for_url(re.compile(r"/score/"))
            assert tab.page.locator("#machine-outcome").count() == 0
            tab.page.check(f"input[name=outcome][value={outcome}]")
            tab.page.click("text=Submit score")
            tab.page.wait_for_url(re.compile(r"/calibration/\d+$"))
    last = tabs[-1]
    assert last.page.locator("#results-hidden").count() == 0
    outcome_row = last.page.locator("table.calibration-agreement tr[data-item=outcome]")
    assert outcome_row.locator("td.alpha").inner_text() not in ("undefined", "-")
    assert outcome_row.locator("td").nth(3).inner_text() == "2"  # n
    system_gap = last.page.locator("table.calibration-agreement tr[data-item=system_gap] td.alpha")
    assert system_gap.inner_text() == "undefined"
    assert last.page.locator("table.side-by-side tr[data-reviewer=tara] td.differs").count() == 2
    for tab in tabs:
        tab.assert_clean()
        tab.close()


def test_coaching_session_planned_held_and_acknowledged(browser: Any, sampling_live: str) -> None:
    """A lead plans a session from the agent's coaching plan and marks it held; the agent acknowledges it
    from the notification; the lead sees it acknowledged with the before/after rates."""
    lead = _as(browser, sampling_live, "admin")
    lead.goto("/agents/alex.rowe")
    plan = lead.page.locator("form.plan-session").first
    plan.locator("input[name=planned_for]").fill("2025-03-06")
    plan.locator("input[name=note]").fill("two calls together")
    plan.locator("button[type=submit]").click()
    lead.page.wait_for_url(re.compile(r"#coaching-sessions$"))
    row = lead.page.locator("table.coaching-sessions tbody tr").first
    assert row.locator(".status").inner_text() == "planned"
    row.locator("form.mark-held button").click()
    lead.page.wait_for_load_state("load")

    agent = _as(browser, sampling_live, "alex")
    agent.goto("/notifications")
    agent.page.click("text=admin planned a coaching session with you")
    agent.page.wait_for_url(re.compile(r"/agents/alex.rowe"))
    agent.page.locator("table.coaching-sessions form.acknowledge button").click()
    agent.page.wait_for_load_state("load")
    assert agent.page.locator("table.coaching-sessions .status").first.inner_text().startswith("acknowledged")

    lead.goto("/agents/alex.rowe")
    row = lead.page.locator("table.coaching-sessions tbody tr").first
    assert row.locator(".status").inner_text() == "acknowledged (2025-03-06)"
    assert re.search(r"\(n=\d+\) → .*\(n=\d+\)", row.locator(".follow-up").inner_text())
    for tab in (lead, agent):
        tab.assert_clean()
        tab.close()
