"""Hardening #7: customer ids and customer names are stored as keyed pseudonyms by default - the same
customer gets the same pseudonym in every file (cases and surveys still link), and neither the raw
e-mail address used as an id nor the customer's name reaches the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from fixfirst.pipeline import ingest_files
from fixfirst.pipeline.redactor import PSEUDONYM_KEY_ENV
from fixfirst.store import Store


def _conversation(conversation_id: str, customer: str, author: str) -> dict:
    return {
        "id": conversation_id,
        "channel": "chat",
        "company": "Glasslane Fibre",
        "agent_id": "GLF-0447",
        "customer_id": customer,
        "turns": [
            {"role": "customer", "author": author, "text": f"hi, {author} here, my wifi drops every night"},
            {"role": "agent", "author": "Tom", "text": f"Thanks {author.split()[0]}, I've pushed a firmware fix."},
        ],
    }


def _write(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _dump(db_url: str) -> str:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = []
        for table in ("conversations", "surveys"):
            rows += [repr(tuple(r)) for r in conn.execute(text(f"SELECT * FROM {table}"))]  # noqa: S608
    engine.dispose()
    return "\n".join(rows)


def test_email_ids_and_names_never_reach_the_store_and_cases_still_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PSEUDONYM_KEY_ENV, raising=False)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    first = _write(tmp_path / "a.jsonl", _conversation("c1", "priya.nair@example.com", "Priya Nair"))
    second = _write(tmp_path / "b.jsonl", _conversation("c2", "priya.nair@example.com", "Priya Nair"))
    surveys = tmp_path / "surveys.csv"
    surveys.write_text("conversation_id,customer_id,csat\nc1,priya.nair@example.com,4\n", encoding="utf-8")
    with Store.open(db) as store:
        for path in (first, second, surveys):
            ingest_files([path], store, rejects_path=tmp_path / "rejects.jsonl", workers=1)
        conversations = {c.id: c for c in store.iter_conversations()}
        survey = next(iter(store.iter_surveys()))
    dump = _dump(db)
    assert "priya" not in dump.lower() and "nair" not in dump.lower()
    pseudonym = conversations["c1"].customer_id
    assert pseudonym is not None and pseudonym.startswith("cust-")
    assert conversations["c2"].customer_id == survey.customer_id == pseudonym
    author = conversations["c1"].turns[0].author
    assert author is not None and author.startswith("cust-") and author == conversations["c2"].turns[0].author
    assert conversations["c1"].turns[1].text == "Thanks <NAME>, I've pushed a firmware fix."


def test_each_store_has_its_own_key_unless_one_is_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _write(tmp_path / "a.jsonl", _conversation("c1", "priya.nair@example.com", "Priya Nair"))

    def stored_ids() -> list[str | None]:
        ids = []
        for name in ("one", "two"):
            path = tmp_path / f"{name}-{len(list(tmp_path.glob('*.db')))}.db"
            with Store.open(f"sqlite:///{path}") as store:
                ingest_files([source], store, rejects_path=tmp_path / "rejects.jsonl", workers=1)
                ids.append(next(iter(store.iter_conversations())).customer_id)
        return ids

    monkeypatch.delenv(PSEUDONYM_KEY_ENV, raising=False)
    first, second = stored_ids()
    assert first != second  # a random key per store: its pseudonyms mean nothing elsewhere
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "shared-across-stores")
    first, second = stored_ids()
    assert first == second and first is not None and first.startswith("cust-")
