"""Calibration sessions: the same conversations scored blind by several reviewers, kept apart from
production reviews so calibrating never changes a conversation's review or the agreement figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from fixfirst.store.engine import write_transaction
from fixfirst.store.store import Store
from fixfirst.store.web_tables import (
    web_calibration_members_table,
    web_calibration_scores_table,
    web_calibration_sessions_table,
    web_notifications_table,
)

_s, _m, _sc = web_calibration_sessions_table.c, web_calibration_members_table.c, web_calibration_scores_table.c

#: A session small enough to score in one sitting and big enough for an interval to mean something.
MAX_CONVERSATIONS = 50


class CalibrationError(ValueError):
    """A session or score that does not fit (no conversations, not a member, scored twice)."""


@dataclass(frozen=True)
class CalibrationSession:
    id: int
    name: str
    created_by: str
    created_at: datetime
    conversations: tuple[str, ...]
    reviewers: tuple[str, ...]


@dataclass(frozen=True)
class CalibrationScore:
    conversation_id: str
    reviewer: str
    outcome: str
    labels: tuple[str, ...]
    created_at: datetime


def create_session(
    store: Store, name: str, created_by: str, conversation_ids: Sequence[str], reviewers: Sequence[str]
) -> int:
    """Store a session and notify its reviewers, in one transaction; returns its id."""
    conversations = list(dict.fromkeys(conversation_ids))
    people = list(dict.fromkeys(reviewers))
    if not name.strip():
        raise CalibrationError("name: give the session a name")
    if not 1 <= len(conversations) <= MAX_CONVERSATIONS:
        raise CalibrationError(f"conversations: choose 1 to {MAX_CONVERSATIONS} conversations")
    if len(people) < 2:
        raise CalibrationError("reviewers: a calibration needs at least two reviewers")
    now = datetime.now(UTC)
    with write_transaction(store.engine) as conn:
        session_id = conn.execute(
            insert(web_calibration_sessions_table).returning(_s.id),
            [{"name": name.strip(), "created_by": created_by, "created_at": now}],
        ).scalar_one()
        conn.execute(
            insert(web_calibration_members_table),
            [{"session_id": session_id, "conversation_id": cid, "reviewer": None} for cid in conversations]
            + [{"session_id": session_id, "conversation_id": None, "reviewer": who} for who in people],
        )
        conn.execute(
            insert(web_notifications_table),
            [{"username": who, "text": f"{created_by} invited you to the calibration session '{name.strip()}' "
              f"({len(conversations)} conversations, scored blind).", "link": f"/calibration/{session_id}",
              "created_at": now, "read_at": None} for who in people],
        )
    return int(session_id)


def list_sessions(store: Store) -> list[CalibrationSession]:
    """Every session, newest first."""
    with store.engine.connect() as conn:
        sessions = conn.execute(select(web_calibration_sessions_table).order_by(_s.id.desc())).mappings().all()
        members = conn.execute(select(_m.session_id, _m.conversation_id, _m.reviewer).order_by(_m.id)).all()
    conversations: dict[int, list[str]] = {}
    reviewers: dict[int, list[str]] = {}
    for session_id, cid, who in members:
        if cid is not None:
            conversations.setdefault(session_id, []).append(cid)
        if who is not None:
            reviewers.setdefault(session_id, []).append(who)
    return [
        CalibrationSession(row["id"], row["name"], row["created_by"], row["created_at"],
                           tuple(conversations.get(row["id"], ())), tuple(reviewers.get(row["id"], ())))
        for row in sessions
    ]


def get_session(store: Store, session_id: int) -> CalibrationSession | None:
    return next((s for s in list_sessions(store) if s.id == session_id), None)


def add_score(
    store: Store, session: CalibrationSession, conversation_id: str, reviewer: str, outcome: str, labels: Sequence[str]
) -> None:
    """Record one reviewer's blind score; each reviewer scores each conversation of the session once."""
    if reviewer not in session.reviewers:
        raise CalibrationError(f"{reviewer} is not a reviewer of this session")
    if conversation_id not in session.conversations:
        raise CalibrationError(f"{conversation_id} is not in this session")
    row = {"session_id": session.id, "conversation_id": conversation_id, "reviewer": reviewer, "outcome": outcome,
           "labels": sorted(set(labels)), "created_at": datetime.now(UTC)}
    try:
        with write_transaction(store.engine) as conn:
            conn.execute(insert(web_calibration_scores_table), [row])
    except IntegrityError:
        raise CalibrationError(f"you already scored {conversation_id} in this session") from None


def session_scores(store: Store, session_id: int) -> list[CalibrationScore]:
    query = select(web_calibration_scores_table).where(_sc.session_id == session_id).order_by(_sc.id)
    with store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [
        CalibrationScore(r["conversation_id"], r["reviewer"], r["outcome"], tuple(r["labels"]), r["created_at"])
        for r in rows
    ]
