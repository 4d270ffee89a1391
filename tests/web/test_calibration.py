"""Issue 12, calibration sessions: a lead picks conversations and invites reviewers, everyone scores
blind (not even the others' scores until one has scored everything), then per-item Krippendorff's
alpha with n and an interval ("undefined" where it is) and a side-by-side view. Calibration scores
never become reviews of record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fixfirst.store import Store
from fixfirst.store.calibration import CalibrationScore, CalibrationSession
from fixfirst.store.web_records import iter_reviews
from fixfirst.web.auth import create_user
from fixfirst.web.calibration import item_agreement

from .conftest import csrf_from, login
from .web_fixtures import PASSWORD, WebDb

ORDERS = ["BW-CL-00083", "HOSTILE-1"]  # two Orders & Delivery conversations every reviewer here may see


def _score(cid: str, who: str, outcome: str, *labels: str) -> CalibrationScore:
    return CalibrationScore(cid, who, outcome, labels, datetime.now(UTC))


def test_alpha_per_item_with_n_and_undefined_where_nobody_differs() -> None:
    session = CalibrationSession(1, "s", "lead", datetime.now(UTC), ("c1", "c2", "c3", "c4"), ("ann", "bob", "cy"))
    scores = [
        _score("c1", "ann", "resolved", "ownership"), _score("c1", "bob", "resolved", "ownership"),
        _score("c1", "cy", "resolved"),
        _score("c2", "ann", "deflected"), _score("c2", "bob", "deflected"), _score("c2", "cy", "deflected"),
        _score("c3", "ann", "clear_no"), _score("c3", "bob", "unresolved"),  # cy has not scored c3
        _score("c4", "ann", "resolved"),  # only one score: not pairable
    ]
    rows = {r.item: r for r in item_agreement(session, scores)}
    outcome = rows["outcome"]
    assert outcome.n == 3 and outcome.unanimous == 2
    assert outcome.alpha is not None and 0 < outcome.alpha < 1
    assert rows["system_gap"].undefined and rows["system_gap"].alpha is None  # nobody marked it anywhere
    assert rows["ownership"].alpha is not None and rows["ownership"].alpha < 1  # cy missed it on c1


def _client(app: FastAPI, user: str) -> TestClient:
    client = TestClient(app)
    login(client, user)
    return client


@pytest.fixture
def with_tara(writable_db: WebDb) -> WebDb:
    with Store.open(writable_db.url) as store:
        create_user(store, "tara", PASSWORD, "manager")
        create_user(store, "ned", PASSWORD, "manager")
    return writable_db


def _blind(client: TestClient, session_path: str, cid: str, outcome: str, present: list[str]) -> int:
    form = client.get(f"{session_path}/score/{cid}").text
    assert 'id="machine-outcome"' not in form and "<mark" not in form
    sent = client.post(
        f"{session_path}/score/{cid}",
        data={"csrf_token": csrf_from(form), "outcome": outcome, "present": present},
        follow_redirects=False,
    )
    return sent.status_code


def test_three_reviewers_score_blind_then_compare(write_app: FastAPI, with_tara: WebDb) -> None:
    lead = _client(write_app, "admin")
    page = lead.get("/calibration").text
    made = lead.post(
        "/calibration",
        data={"csrf_token": csrf_from(page), "name": "March calibration", "conversations": "\n".join(ORDERS),
              "reviewer": ["admin", "orders_lead", "tara"]},
        follow_redirects=False,
    )
    assert made.status_code == 303
    path = made.headers["location"]

    assert 'id="results-hidden"' in lead.get(path).text  # the lead scores too: blind like everyone
    assert _blind(lead, path, ORDERS[0], "owned_followup", ["ownership"]) == 303
    assert _blind(lead, path, ORDERS[1], "deflected", ["hollow_apology"]) == 303
    tara = _client(write_app, "tara")
    assert "invited you to the calibration session &#39;March calibration&#39;" in tara.get("/notifications").text
    assert _blind(tara, path, ORDERS[0], "owned_followup", ["ownership"]) == 303
    before = tara.get(path).text
    assert 'id="results-hidden"' in before and "side-by-side" not in before  # not until she scored all
    assert _blind(tara, path, ORDERS[0], "resolved", []) == 409  # once per conversation
    assert _blind(tara, path, ORDERS[1], "unresolved", ["hollow_apology"]) == 303
    after = tara.get(path).text
    assert 'id="results-hidden"' not in after
    row = after[after.index('data-item="outcome"') :]
    row = row[: row.index("</tr>")]
    assert "undefined" not in row and ">2<" in row  # n = 2 conversations scored by two or more
    system_gap = after[after.index('data-item="system_gap"') :]
    assert "undefined" in system_gap[: system_gap.index("</tr>")]
    assert 'class="differs"' in after  # tara's "unresolved" against the others' "deflected"
    assert "not scored yet" in after  # orders_lead has not scored

    assert _client(write_app, "ned").get(path).status_code == 404  # not in the session
    page = lead.get("/calibration").text
    watched = lead.post(
        "/calibration",
        data={"csrf_token": csrf_from(page), "name": "Watched", "conversations": ORDERS[0],
              "reviewer": ["orders_lead", "tara"]},
        follow_redirects=False,
    )
    assert 'id="results-hidden"' not in lead.get(watched.headers["location"]).text  # a lead who does not score
    assert _client(write_app, "alex").get("/calibration").status_code == 404
    with Store.open(with_tara.url) as store:
        assert not any(r.reviewer == "tara" for cid in ORDERS for r in iter_reviews(store, cid))


def test_a_session_refuses_reviewers_who_may_not_see_a_conversation(write_app: FastAPI, with_tara: WebDb) -> None:
    lead = _client(write_app, "admin")
    page = lead.get("/calibration").text
    refused = lead.post(
        "/calibration",
        data={"csrf_token": csrf_from(page), "name": "mixed", "conversations": "BW-CL-00083\nBW-EM-00393",
              "reviewer": ["admin", "orders_lead"]},  # BW-EM-00393 is Technical Support: not hers
        follow_redirects=False,
    )
    assert refused.status_code == 422 and "orders_lead may not see &#39;BW-EM-00393&#39;" in refused.text
    one = lead.post(
        "/calibration",
        data={"csrf_token": csrf_from(page), "name": "alone", "conversations": "BW-CL-00083", "reviewer": ["admin"]},
        follow_redirects=False,
    )
    assert one.status_code == 422 and "at least two reviewers" in one.text
