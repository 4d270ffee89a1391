"""Issue 12, coaching that an agent would accept: a lead plans a session on one habit from the agent's
coaching plan, marks it held, the agent acknowledges it, and the agent page shows the habit's rate in
the four weeks before and after - counted from the stored findings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from fixfirst.store import Store
from fixfirst.store.coaching_sessions import FOLLOW_UP_DAYS, habit_rate, list_coaching_sessions

from .conftest import csrf_from, login
from .web_fixtures import WebDb

AGENT = "alex.rowe"
HELD = datetime(2025, 3, 6, tzinfo=UTC)


def _client(app: FastAPI, user: str) -> TestClient:
    client = TestClient(app)
    login(client, user)
    return client


def _by_hand(store: Store, habit: str, since: datetime, until: datetime) -> tuple[int, int]:
    """The same rate the slow way: every stored conversation and result of the agent, in Python."""
    mine = [
        c for c in store.iter_conversations(since=since, until=until)
        if AGENT in c.agent_ids and store.get_result(c.id) is not None
    ]
    with_habit = [c for c in mine if any(f.label == habit for f in store.get_result(c.id).findings)]
    return len(with_habit), len(mine)


def test_plan_hold_acknowledge_and_follow_up(write_app: FastAPI, writable_db: WebDb) -> None:
    lead = _client(write_app, "admin")
    page = lead.get(f"/agents/{AGENT}").text
    assert 'class="inline-form plan-session"' in page
    habit = page.split('name="habit" value="', 1)[1].split('"', 1)[0]  # the plan's first habit
    direction = page.split('name="direction" value="', 1)[1].split('"', 1)[0]
    planned = lead.post(
        f"/agents/{AGENT}/coaching-sessions",
        data={"csrf_token": csrf_from(page), "habit": habit, "direction": direction, "planned_for": "2025-03-06",
              "note": "listen to two calls together"},
        follow_redirects=False,
    )
    assert planned.status_code == 303 and planned.headers["location"].endswith("#coaching-sessions")

    agent = _client(write_app, "alex")
    assert "planned a coaching session with you" in agent.get("/notifications").text
    page = agent.get(f"/agents/{AGENT}").text
    assert "plan-session" not in page and "Mark held" not in page and "Acknowledge" not in page  # not held yet

    with Store.open(writable_db.url) as store:
        (session,) = list_coaching_sessions(store, AGENT)
    page = lead.get(f"/agents/{AGENT}").text
    held = lead.post(f"/coaching-sessions/{session.id}/held",
                     data={"csrf_token": csrf_from(page), "held_on": "2025-03-06"}, follow_redirects=False)
    assert held.status_code == 303
    again = lead.post(f"/coaching-sessions/{session.id}/held",
                      data={"csrf_token": csrf_from(page), "held_on": "2025-03-07"}, follow_redirects=False)
    assert again.status_code == 409

    mia = _client(write_app, "mia")
    page = mia.get("/conversations").text
    assert mia.post(f"/coaching-sessions/{session.id}/acknowledge", data={"csrf_token": csrf_from(page)},
                    follow_redirects=False).status_code == 404  # not her session
    page = agent.get(f"/agents/{AGENT}").text
    done = agent.post(f"/coaching-sessions/{session.id}/acknowledge", data={"csrf_token": csrf_from(page)},
                      follow_redirects=False)
    assert done.status_code == 303
    assert f"alex acknowledged the coaching session on {direction} {habit.replace('_', ' ')}" in lead.get(
        "/notifications").text

    page = lead.get(f"/agents/{AGENT}").text
    row = page[page.index(f'data-session="{session.id}"') :]
    row = row[: row.index("</tr>")]
    assert "acknowledged (2025-03-06)" in row
    span = timedelta(days=FOLLOW_UP_DAYS)
    with Store.open(writable_db.url) as store:
        before = habit_rate(store, AGENT, habit, HELD - span, HELD)
        after = habit_rate(store, AGENT, habit, HELD, HELD + span)
        assert (before.with_habit, before.contacts) == _by_hand(store, habit, HELD - span, HELD)
        assert (after.with_habit, after.contacts) == _by_hand(store, habit, HELD, HELD + span)
    assert before.contacts > 0 and after.contacts > 0
    assert f"(n={before.contacts}) → " in row and f"(n={after.contacts})" in row


def test_agents_cannot_plan_sessions(write_app: FastAPI) -> None:
    agent = _client(write_app, "alex")
    page = agent.get(f"/agents/{AGENT}").text
    refused = agent.post(
        f"/agents/{AGENT}/coaching-sessions",
        data={"csrf_token": csrf_from(page), "habit": "hollow_apology", "direction": "less",
              "planned_for": "2025-03-06"},
        follow_redirects=False,
    )
    assert refused.status_code == 404
