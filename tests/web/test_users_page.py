"""Issue 12: a QA lead runs the week without the command line - admins add, disable and enable users
in the dashboard (same password policy as the CLI; disabling ends sessions) and create survey links
from a conversation page."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from fixfirst.store import Store
from fixfirst.store.web_records import conversation_for_survey_token, get_user_by_name

from .conftest import csrf_from, login
from .web_fixtures import PASSWORD, WebDb

ALEX_OWN = "BW-CL-00083"


def _client(app: FastAPI, user: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app)
    login(client, user, password)
    return client


def test_admin_adds_disables_and_enables_a_user(write_app: FastAPI, writable_db: WebDb) -> None:
    admin = _client(write_app, "admin")
    page = admin.get("/users").text
    weak = admin.post("/users", data={"csrf_token": csrf_from(page), "username": "rita", "role": "manager",
                                      "password": "short"}, follow_redirects=False)
    assert weak.status_code == 422
    added = admin.post("/users", data={"csrf_token": csrf_from(page), "username": "rita", "role": "manager",
                                       "teams": "Orders & Delivery", "password": "a long enough password"},
                       follow_redirects=False)
    assert added.status_code == 303
    assert admin.post("/users", data={"csrf_token": csrf_from(page), "username": "rita", "role": "manager",
                                      "password": "a long enough password"}, follow_redirects=False).status_code == 409
    rita = _client(write_app, "rita", "a long enough password")
    assert rita.get("/review").status_code == 200
    assert rita.get("/users").status_code == 404  # managers do not manage users

    with Store.open(writable_db.url) as store:
        user = get_user_by_name(store, "rita")
    assert user is not None and user.teams == ("Orders & Delivery",)
    admin.post(f"/users/{user.id}/active", data={"csrf_token": csrf_from(page), "active": "false"},
               follow_redirects=False)
    assert rita.get("/review", follow_redirects=False).status_code == 303  # her session ended
    admin.post(f"/users/{user.id}/active", data={"csrf_token": csrf_from(page), "active": "true"},
               follow_redirects=False)
    assert _client(write_app, "rita", "a long enough password").get("/review").status_code == 200
    me = next(u for u in admin.get("/users").text.split("<tr ") if 'data-user="admin"' in u)
    assert "Disable" not in me  # no way to lock yourself out


def test_survey_link_from_the_conversation_page(write_app: FastAPI, writable_db: WebDb) -> None:
    admin = _client(write_app, "admin")
    page = admin.get(f"/conversations/{ALEX_OWN}").text
    made = admin.post(f"/conversations/{ALEX_OWN}/survey-link", data={"csrf_token": csrf_from(page)})
    assert made.status_code == 200
    url = made.text.split('class="survey-url" value="', 1)[1].split('"', 1)[0]
    token = url.rsplit("/s/", 1)[1]
    with Store.open(writable_db.url) as store:
        assert conversation_for_survey_token(store, token) == ALEX_OWN
    assert TestClient(write_app).get(f"/s/{token}").status_code == 200  # the customer's form opens
    agent = _client(write_app, "alex")
    page = agent.get(f"/conversations/{ALEX_OWN}").text
    assert "survey-link-form" not in page
    assert agent.post(f"/conversations/{ALEX_OWN}/survey-link", data={"csrf_token": csrf_from(page)}).status_code == 404
