"""Screenshots for the QA team guide (docs/qa-guide.md), taken from the real dashboard on the demo data.

Runs the demo flow into a temporary folder, adds a QA lead, two reviewers and an agent, serves the
dashboard on a loopback port and walks a QA week in Debian's chromium (Playwright): a sampling rule
and a drawn week, a reviewer's queue, a blind review and its comparison, an agent's dispute and its
decision, a calibration session with its agreement table, a coaching session. Offline; about a
minute. Writes PNG files to docs/qa-guide/ (or --out).

    .venv/bin/python scripts/qa_guide_screenshots.py [--out docs/qa-guide]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from fixfirst.pipeline import ReportScope, load_insights, run_demo
from fixfirst.pipeline.demo_job import DEMO_COMPANY
from fixfirst.store import Store
from fixfirst.store.listing import ListFilter, Visibility, list_conversation_page
from fixfirst.web.app import create_app
from fixfirst.web.auth import create_user
from fixfirst.web.live_server import serving

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "a long demo password"
WEEK = "2025-03-03"


def _coached_agent(store: Store) -> str:
    """The demo company's agent with the longest coaching plan (ties: most contacts)."""
    insights = load_insights(store, ReportScope(company=DEMO_COMPANY)).insights
    volume = {card.name: card.contacts for card in insights.agents}
    plan = max(insights.coaching, key=lambda p: (len(p.items), volume.get(p.agent, 0), p.agent))
    return plan.agent


def _login(page: Page, base: str, user: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")


def _shot(page: Page, out: Path, name: str, selector: str = "main") -> None:
    page.locator(selector).first.screenshot(path=str(out / f"{name}.png"))
    print(f"{name}.png")


def walk(base: str, out: Path, agent: str, conversations: list[str]) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        view = {"viewport": {"width": 1280, "height": 900}}
        lead = browser.new_context(**view).new_page()
        _login(lead, base, "lead")
        lead.goto(f"{base}/sampling")
        form = lead.locator("form.rule-form")
        form.locator("input[name=name]").fill("Three per agent")
        form.locator("input[name=per_agent]").fill("3")
        form.locator("button[type=submit]").click()
        lead.wait_for_load_state("load")
        draw = lead.locator("form.draw-form")
        draw.locator("input[name=week]").fill(WEEK)
        for reviewer in ("rita", "sam"):
            draw.locator(f"input[name=reviewer][value={reviewer}]").check()
        draw.locator("button[type=submit]").click()
        lead.wait_for_url(re.compile(r"drawn="))
        _shot(lead, out, "1-sampling")

        rita = browser.new_context(**view).new_page()
        _login(rita, base, "rita")
        rita.goto(f"{base}/my-queue")
        _shot(rita, out, "2-my-queue")
        rita.locator("table.my-queue a.blind-review").first.click()
        rita.wait_for_url(re.compile(r"/review$"))
        _shot(rita, out, "3-blind-review")
        rita.check("input[name=outcome][value=unresolved]")
        rita.check("input[name=present][value=hollow_apology]")
        rita.click("text=Submit and compare")
        rita.wait_for_url(re.compile(r"compared=1"))
        _shot(rita, out, "4-comparison", "#comparison")

        lead.goto(f"{base}/calibration")
        form = lead.locator("form.calibration-form")
        form.locator("input[name=name]").fill("March calibration")
        form.locator("textarea[name=conversations]").fill("\n".join(conversations))
        for reviewer in ("lead", "rita", "sam"):
            form.locator(f"input[name=reviewer][value={reviewer}]").check()
        form.locator("button[type=submit]").click()
        lead.wait_for_url(re.compile(r"/calibration/\d+$"))
        session_url = lead.url
        answers = {  # (outcome, behaviours present) per conversation
            "lead": [("resolved", ["ownership"]), ("unresolved", ["hollow_apology"]), ("deflected", [])],
            "rita": [("resolved", ["ownership"]), ("unresolved", ["hollow_apology", "scripted_empathy"]),
                     ("unresolved", [])],
            "sam": [("resolved", []), ("clear_no", ["hollow_apology"]), ("deflected", [])],
        }
        pages = {"lead": lead, "rita": rita}
        sam = browser.new_context(**view).new_page()
        _login(sam, base, "sam")
        pages["sam"] = sam
        for name, outcomes in answers.items():
            page = pages[name]
            page.goto(session_url)
            for outcome, present in outcomes:
                page.locator("ul.calibration-todo a.score-blind").first.click()
                page.wait_for_url(re.compile(r"/score/"))
                page.check(f"input[name=outcome][value={outcome}]")
                for label in present:
                    page.check(f"input[name=present][value={label}]")
                page.click("text=Submit score")
                page.wait_for_url(re.compile(r"/calibration/\d+$"))
        lead.goto(session_url)
        _shot(lead, out, "5-calibration")

        lead.goto(f"{base}/agents/{agent}")
        plan = lead.locator("form.plan-session").first
        plan.locator("input[name=planned_for]").fill("2025-03-10")
        plan.locator("input[name=note]").fill("listen to two calls together")
        plan.locator("button[type=submit]").click()
        lead.wait_for_load_state("load")
        lead.locator("table.coaching-sessions form.mark-held button").first.click()
        lead.wait_for_load_state("load")
        lead.goto(f"{base}/agents/{agent}")
        _shot(lead, out, "6-coaching", "#coaching")
        _shot(lead, out, "7-coaching-sessions", "table.coaching-sessions")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "qa-guide")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        summary = run_demo(Path(folder) / "demo")
        with Store.open(summary.db_url) as store:
            agent = _coached_agent(store)
            create_user(store, "lead", PASSWORD, "admin")
            create_user(store, "rita", PASSWORD, "manager")
            create_user(store, "sam", PASSWORD, "manager")
            create_user(store, "agent", PASSWORD, "agent", agent_id=agent)
            _total, rows = list_conversation_page(store, Visibility(), ListFilter(agent=agent), limit=3, offset=0)
        with serving(create_app(summary.db_url)) as base:
            walk(base, args.out, agent, [row["id"] for row in rows])


if __name__ == "__main__":
    main()
