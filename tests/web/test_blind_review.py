"""Issue 12, first slice: blind review then compare, no pre-set verdicts, disputes of any item (the
outcome too) that a review does not silently close, decided by someone other than the reviewer, with
a thread and an in-app notification to the agent."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from fixfirst.store import Store
from fixfirst.store.web_records import iter_reviews, list_dispute_messages, list_disputes
from fixfirst.web.review import finding_item

from .conftest import csrf_from, login
from .web_fixtures import WebDb

ALEX_OWN = "BW-CL-00083"


def _client(app: FastAPI, user: str) -> TestClient:
    client = TestClient(app)
    login(client, user)
    return client


def test_blind_review_hides_the_machine_until_submitted_then_compares(write_app: FastAPI, writable_db: WebDb) -> None:
    admin = _client(write_app, "admin")
    with Store.open(writable_db.url) as store:
        result = store.get_result(ALEX_OWN)
    assert result is not None and result.findings
    page = admin.get(f"/conversations/{ALEX_OWN}/review")
    assert page.status_code == 200
    html = page.text
    assert 'id="machine-outcome"' not in html and "confident" not in html and "<mark" not in html
    assert "finding-link" not in html and "evidence-text" not in html and " checked" not in html
    assert all(f.explanation not in html for f in result.findings if f.explanation)
    assert "Submit and compare" in html

    machine_labels = sorted({f.label for f in result.findings})
    kept, dropped = machine_labels[0], machine_labels[1:]
    other = "clear_no" if result.outcome.label.value != "clear_no" else "resolved"
    added = next(label for label in ("system_gap", "proactive", "ownership") if not result.has(label))
    sent = admin.post(
        f"/conversations/{ALEX_OWN}/review",
        data={"csrf_token": csrf_from(html), "mode": "blind", "outcome": other, "present": [kept, added]},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("?compared=1")
    compared = admin.get(sent.headers["location"]).text
    box = compared[compared.index('id="comparison"') :]
    box = box[: box.index("</section>")]
    assert "different" in box
    assert re.search(r"Only you:.*?</p>", box, re.S)
    with Store.open(writable_db.url) as store:
        decisions = {r.item: r.reviewer_value for r in iter_reviews(store, ALEX_OWN)}
    assert decisions["outcome"] == other
    for finding in result.findings:
        assert decisions[finding_item(finding)] == ("confirmed" if finding.label == kept else "rejected")
    assert decisions[f"missed:{added}"] == "present"
    assert all(decisions[finding_item(f)] == "rejected" for f in result.findings if f.label in dropped)


def test_the_checklist_review_has_no_preset_answers(write_app: FastAPI) -> None:
    admin = _client(write_app, "admin")
    html = admin.get(f"/conversations/{ALEX_OWN}").text
    form = html[html.index('class="stack review-form"') :]
    form = form[: form.index("</form>")]
    assert " checked" not in form and '<option value="" selected>' in form
    unanswered = admin.post(
        f"/conversations/{ALEX_OWN}/review",
        data={"csrf_token": csrf_from(html), "outcome": "resolved"},
        follow_redirects=False,
    )
    assert unanswered.status_code == 422 and "unanswered" in unanswered.text


def test_outcome_dispute_stays_open_after_a_review_and_is_decided_by_someone_else(
    write_app: FastAPI, writable_db: WebDb
) -> None:
    alex = _client(write_app, "alex")
    page = alex.get(f"/conversations/{ALEX_OWN}").text
    assert 'name="item" value="outcome"' in page
    disputed = alex.post(
        f"/conversations/{ALEX_OWN}/dispute",
        data={"csrf_token": csrf_from(page), "item": "outcome", "comment": "I booked the engineer, it was owned"},
        follow_redirects=False,
    )
    assert disputed.status_code == 303
    with Store.open(writable_db.url) as store:
        (dispute,) = list_disputes(store)
    assert (dispute.item, dispute.status) == ("outcome", "open")

    admin = _client(write_app, "admin")
    html = admin.get(f"/conversations/{ALEX_OWN}/review").text
    admin.post(
        f"/conversations/{ALEX_OWN}/review",
        data={"csrf_token": csrf_from(html), "mode": "blind", "outcome": "unresolved"},
    )
    with Store.open(writable_db.url) as store:
        assert list_disputes(store)[0].status == "open"  # a review is no answer to the dispute

    reply = alex.post(f"/disputes/{dispute.id}/reply", data={"csrf_token": csrf_from(page), "text": "see turn 4"},
                      follow_redirects=False)
    assert reply.status_code == 303
    admin_page = admin.get(f"/conversations/{ALEX_OWN}").text
    assert "see turn 4" in admin_page
    assert f'action="/disputes/{dispute.id}/decide"' not in admin_page  # admin reviewed the outcome
    refused = admin.post(
        f"/disputes/{dispute.id}/decide",
        data={"csrf_token": csrf_from(admin_page), "decision": "upheld", "reason": "mine"},
    )
    assert refused.status_code == 409
    assert alex.post(f"/disputes/{dispute.id}/decide", data={"csrf_token": csrf_from(page), "decision": "overturned",
                     "reason": "x"}).status_code == 403

    lead = _client(write_app, "orders_lead")
    lead_page = lead.get(f"/conversations/{ALEX_OWN}").text
    assert f'action="/disputes/{dispute.id}/decide"' in lead_page
    decided = lead.post(
        f"/disputes/{dispute.id}/decide",
        data={"csrf_token": csrf_from(lead_page), "decision": "overturned", "reason": "the visit was booked"},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    with Store.open(writable_db.url) as store:
        (closed,) = list_disputes(store)
        thread = list_dispute_messages(store, [closed.id])[closed.id]
    assert (closed.status, closed.decided_by) == ("overturned", "orders_lead")
    assert [(m.author, m.text) for m in thread] == [("alex", "see turn 4"), ("orders_lead", "overturned: the visit "
                                                                                           "was booked")]
    again = lead.post(f"/disputes/{dispute.id}/decide",
                      data={"csrf_token": csrf_from(lead_page), "decision": "upheld", "reason": "x"})
    assert again.status_code == 409

    home = alex.get("/agents/alex.rowe").text
    assert 'aria-label="1 unread"' in home
    notices = alex.get("/notifications").text
    assert f"Your dispute on {ALEX_OWN} was overturned by orders_lead." in notices
    assert f"#dispute-{dispute.id}" in notices
    assert 'aria-label="1 unread"' not in alex.get("/agents/alex.rowe").text
