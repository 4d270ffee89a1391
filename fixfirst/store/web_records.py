"""Small repository functions over the web tables (users, tokens, reviews, disputes, survey links).

Why functions over ``store.engine`` rather than methods on Store: the web dashboard is the only
caller, and keeping them here leaves the core repository small. Every write is one transaction
(``write_transaction``); secrets are hashed before they reach the database.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import quote

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from fixfirst.errors import StoreError
from fixfirst.store.column_types import storable_text
from fixfirst.store.engine import write_transaction
from fixfirst.store.store import Store
from fixfirst.store.tables import conversations_table, results_table, surveys_table
from fixfirst.store.web_tables import (
    web_api_tokens_table,
    web_dispute_messages_table,
    web_disputes_table,
    web_notifications_table,
    web_reviews_table,
    web_settings_table,
    web_survey_tokens_table,
    web_users_table,
)

R = TypeVar("R")


def _from_row(record_type: type[R], row: Any) -> R:
    """A record dataclass from a result row whose columns include every field of the record."""
    return record_type(**{f.name: row[f.name] for f in fields(record_type)})  # type: ignore[arg-type]


def token_digest(token: str) -> str:
    """SHA-256 hex of a token: tokens are random and long, so a fast hash is enough to store them."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    username: str
    password_hash: str
    role: str
    agent_id: str | None
    teams: tuple[str, ...]
    active: bool


def _user(row: Any) -> UserRecord:
    return UserRecord(
        id=row["id"],
        username=row["username"],
        password_hash=row["password_hash"],
        role=row["role"],
        agent_id=row["agent_id"],
        teams=tuple(row["teams"] or ()),
        active=bool(row["active"]),
    )


def insert_user(
    store: Store, username: str, password_hash: str, role: str, agent_id: str | None, teams: Iterable[str]
) -> UserRecord:
    """Add a user; StoreError when the username is taken."""
    row = {
        "username": storable_text(username),
        "password_hash": password_hash,
        "role": role,
        "agent_id": agent_id,
        "teams": sorted(set(teams)),
        "active": True,
        "created_at": datetime.now(UTC),
    }
    try:
        with write_transaction(store.engine) as conn:
            conn.execute(insert(web_users_table), [row])
    except IntegrityError as exc:
        raise StoreError(f"a user named {username!r} already exists") from exc
    found = get_user_by_name(store, username)
    assert found is not None
    return found


def set_password_hash(store: Store, user_id: int, password_hash: str) -> None:
    with write_transaction(store.engine) as conn:
        conn.execute(
            update(web_users_table).where(web_users_table.c.id == user_id).values(password_hash=password_hash)
        )


def get_user_by_name(store: Store, username: str) -> UserRecord | None:
    with store.engine.connect() as conn:
        row = (
            conn.execute(select(web_users_table).where(web_users_table.c.username == storable_text(username)))
            .mappings()
            .first()
        )
    return _user(row) if row else None


def get_user(store: Store, user_id: int) -> UserRecord | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(web_users_table).where(web_users_table.c.id == user_id)).mappings().first()
    return _user(row) if row else None


def list_users(store: Store) -> list[UserRecord]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(web_users_table).order_by(web_users_table.c.username)).mappings().all()
    return [_user(row) for row in rows]


#: Days an API token is valid unless another lifetime is asked for.
TOKEN_DAYS = 90


def create_api_token(store: Store, user_id: int, name: str, *, days: int = TOKEN_DAYS) -> str:
    """A new random Bearer token for ``user_id``, valid `days`; only its hash is stored, so show it once."""
    token = "ff_" + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with write_transaction(store.engine) as conn:
        conn.execute(
            insert(web_api_tokens_table),
            [{"user_id": user_id, "token_hash": token_digest(token), "name": name, "created_at": now,
              "expires_at": now + timedelta(days=days)}],
        )
    return token


@dataclass(frozen=True, slots=True)
class TokenRecord:
    id: int
    name: str
    created_at: datetime
    expires_at: datetime | None


def list_api_tokens(store: Store, user_id: int) -> list[TokenRecord]:
    t = web_api_tokens_table.c
    query = select(t.id, t.name, t.created_at, t.expires_at).where(t.user_id == user_id).order_by(t.id)
    with store.engine.connect() as conn:
        return [TokenRecord(*row) for row in conn.execute(query)]


def revoke_api_token(store: Store, user_id: int, token_id: int) -> bool:
    """Delete one of the user's tokens; False when the user has no token with that id."""
    t = web_api_tokens_table.c
    with write_transaction(store.engine) as conn:
        return conn.execute(delete(web_api_tokens_table).where(t.id == token_id, t.user_id == user_id)).rowcount > 0


def set_user_active(store: Store, user_id: int, active: bool) -> None:
    with write_transaction(store.engine) as conn:
        conn.execute(web_users_table.update().where(web_users_table.c.id == user_id).values(active=active))


def user_for_api_token(store: Store, token: str) -> UserRecord | None:
    """The user of a token that exists and has not expired."""
    t = web_api_tokens_table.c
    query = (
        select(web_users_table)
        .join(web_api_tokens_table, t.user_id == web_users_table.c.id)
        .where(t.token_hash == token_digest(token), (t.expires_at.is_(None)) | (t.expires_at > datetime.now(UTC)))
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return _user(row) if row else None


# -- settings -------------------------------------------------------------------------------------


def get_or_create_setting(store: Store, key: str, make: Any) -> Any:
    """The stored value of ``key``; on first use ``make()`` is stored (first writer wins a race)."""
    with store.engine.connect() as conn:
        value = conn.scalar(select(web_settings_table.c.value).where(web_settings_table.c.key == key))
    if value is not None:
        return value
    with write_transaction(store.engine) as conn:
        value = conn.scalar(select(web_settings_table.c.value).where(web_settings_table.c.key == key))
        if value is None:
            value = make()
            conn.execute(insert(web_settings_table), [{"key": key, "value": value}])
    return value


def _session_epoch_key(user_id: int) -> str:
    return f"session-epoch:{user_id}"


def session_epoch(store: Store, user_id: int) -> int:
    """The generation of a user's sessions: cookies issued under an older one are no longer valid."""
    with store.engine.connect() as conn:
        value = conn.scalar(
            select(web_settings_table.c.value).where(web_settings_table.c.key == _session_epoch_key(user_id))
        )
    return int(value) if isinstance(value, int) else 0


def end_sessions(store: Store, user_id: int) -> int:
    """End every session of a user (logout, password change): bump the epoch; returns the new one."""
    key = _session_epoch_key(user_id)
    with write_transaction(store.engine) as conn:
        value = conn.scalar(select(web_settings_table.c.value).where(web_settings_table.c.key == key))
        epoch = (int(value) if isinstance(value, int) else 0) + 1
        if value is None:
            conn.execute(insert(web_settings_table), [{"key": key, "value": epoch}])
        else:
            conn.execute(
                web_settings_table.update().where(web_settings_table.c.key == key).values(value=epoch)
            )
    return epoch


# -- reviews and disputes -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    conversation_id: str
    item: str
    machine_value: str
    reviewer_value: str
    reviewer: str
    note: str | None
    created_at: datetime


def add_reviews(store: Store, conversation_id: str, decisions: Iterable[ReviewRecord]) -> int:
    """Append review decisions in one transaction. Disputes stay open: a review is not an answer to
    an agent's dispute - someone other than the reviewer decides it (``decide_dispute``)."""
    rows = [
        {
            "conversation_id": d.conversation_id,
            "item": d.item,
            "machine_value": d.machine_value,
            "reviewer_value": d.reviewer_value,
            "reviewer": d.reviewer,
            "note": d.note,
            "created_at": d.created_at,
        }
        for d in decisions
    ]
    if not rows:
        return 0
    with write_transaction(store.engine) as conn:
        conn.execute(insert(web_reviews_table), rows)
    return len(rows)


def iter_reviews(store: Store, conversation_id: str | None = None) -> list[ReviewRecord]:
    """Review rows in the order they were made (oldest first), for one conversation or all."""
    query = select(web_reviews_table).order_by(web_reviews_table.c.id)
    if conversation_id is not None:
        query = query.where(web_reviews_table.c.conversation_id == conversation_id)
    with store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [_from_row(ReviewRecord, r) for r in rows]


@dataclass(frozen=True, slots=True)
class DisputeRecord:
    id: int
    conversation_id: str
    item: str
    author: str
    comment: str
    status: str
    created_at: datetime
    decided_by: str | None = None
    resolved_at: datetime | None = None


#: A dispute's states: open until decided; the decision keeps the reviewer's verdict or changes it.
DISPUTE_OPEN = "open"
DISPUTE_DECISIONS = ("upheld", "overturned")


class DisputeError(ValueError):
    """A dispute decision that is not allowed (already decided, or by the reviewer or the author)."""


@dataclass(frozen=True, slots=True)
class DisputeMessage:
    id: int
    dispute_id: int
    author: str
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    username: str
    text: str
    link: str
    created_at: datetime
    read_at: datetime | None


def add_dispute(store: Store, conversation_id: str, item: str, author: str, comment: str) -> int:
    with write_transaction(store.engine) as conn:
        result = conn.execute(
            insert(web_disputes_table).returning(web_disputes_table.c.id),
            [
                {
                    "conversation_id": conversation_id,
                    "item": item,
                    "author": author,
                    "comment": comment,
                    "status": DISPUTE_OPEN,
                    "created_at": datetime.now(UTC),
                    "resolved_at": None,
                    "decided_by": None,
                }
            ],
        )
        return int(result.scalar_one())


def list_disputes(
    store: Store, *, conversation_id: str | None = None, status: str | None = None
) -> list[DisputeRecord]:
    query = select(web_disputes_table).order_by(web_disputes_table.c.id)
    if conversation_id is not None:
        query = query.where(web_disputes_table.c.conversation_id == conversation_id)
    if status is not None:
        query = query.where(web_disputes_table.c.status == status)
    with store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [_from_row(DisputeRecord, r) for r in rows]


def get_dispute(store: Store, dispute_id: int) -> DisputeRecord | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(web_disputes_table).where(web_disputes_table.c.id == dispute_id)).mappings().first()
    return _from_row(DisputeRecord, row) if row else None


def add_dispute_message(store: Store, dispute_id: int, author: str, text: str) -> int:
    with write_transaction(store.engine) as conn:
        result = conn.execute(
            insert(web_dispute_messages_table).returning(web_dispute_messages_table.c.id),
            [{"dispute_id": dispute_id, "author": author, "text": text, "created_at": datetime.now(UTC)}],
        )
        return int(result.scalar_one())


def list_dispute_messages(store: Store, dispute_ids: Iterable[int]) -> dict[int, list[DisputeMessage]]:
    """Each dispute's thread, oldest first."""
    ids = list(dispute_ids)
    if not ids:
        return {}
    query = (
        select(web_dispute_messages_table)
        .where(web_dispute_messages_table.c.dispute_id.in_(ids))
        .order_by(web_dispute_messages_table.c.id)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    threads: dict[int, list[DisputeMessage]] = {}
    for row in rows:
        threads.setdefault(row["dispute_id"], []).append(_from_row(DisputeMessage, row))
    return threads


def decide_dispute(
    store: Store, dispute_id: int, decider: str, decision: str, reason: str, reviewer: str | None
) -> DisputeRecord:
    """Close an open dispute as ``upheld`` (the reviewer's or machine's verdict stands) or
    ``overturned``, with the reason as a thread message, and notify the agent who raised it - in
    one transaction. ``reviewer`` is who last reviewed the disputed item: neither they nor the
    dispute's author may decide it."""
    if decision not in DISPUTE_DECISIONS:
        raise DisputeError(f"decision must be one of {', '.join(DISPUTE_DECISIONS)}")
    now = datetime.now(UTC)
    with write_transaction(store.engine) as conn:
        row = conn.execute(select(web_disputes_table).where(web_disputes_table.c.id == dispute_id)).mappings().first()
        if row is None:
            raise DisputeError(f"no dispute {dispute_id}")
        if row["status"] != DISPUTE_OPEN:
            raise DisputeError(f"dispute {dispute_id} was already decided ({row['status']})")
        if decider == row["author"]:
            raise DisputeError("the agent who raised a dispute cannot decide it")
        if reviewer is not None and decider == reviewer:
            raise DisputeError("the reviewer of the disputed item cannot decide the dispute about it")
        conn.execute(
            update(web_disputes_table)
            .where(web_disputes_table.c.id == dispute_id)
            .values(status=decision, decided_by=decider, resolved_at=now)
        )
        conn.execute(
            insert(web_dispute_messages_table),
            [{"dispute_id": dispute_id, "author": decider, "text": f"{decision}: {reason}", "created_at": now}],
        )
        link = f"/conversations/{quote(row['conversation_id'], safe='')}#dispute-{dispute_id}"
        conn.execute(
            insert(web_notifications_table),
            [{"username": row["author"], "text": f"Your dispute on {row['conversation_id']} was {decision} by "
              f"{decider}.", "link": link, "created_at": now, "read_at": None}],
        )
    decided = get_dispute(store, dispute_id)
    assert decided is not None
    return decided


def list_notifications(store: Store, username: str, *, unread_only: bool = False) -> list[Notification]:
    """A user's notifications, newest first."""
    query = (
        select(web_notifications_table)
        .where(web_notifications_table.c.username == username)
        .order_by(web_notifications_table.c.id.desc())
    )
    if unread_only:
        query = query.where(web_notifications_table.c.read_at.is_(None))
    with store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [_from_row(Notification, r) for r in rows]


def count_unread_notifications(store: Store, username: str) -> int:
    query = select(func.count()).where(
        web_notifications_table.c.username == username, web_notifications_table.c.read_at.is_(None)
    )
    with store.engine.connect() as conn:
        return int(conn.scalar(query) or 0)


def mark_notifications_read(store: Store, username: str) -> None:
    with write_transaction(store.engine) as conn:
        conn.execute(
            update(web_notifications_table)
            .where(web_notifications_table.c.username == username, web_notifications_table.c.read_at.is_(None))
            .values(read_at=datetime.now(UTC))
        )


# -- survey links ---------------------------------------------------------------------------------


def create_survey_token(store: Store, conversation_id: str) -> str:
    """A new unguessable survey token for a stored conversation (StoreError when it is not stored)."""
    with store.engine.connect() as conn:
        known = conn.scalar(select(conversations_table.c.id).where(conversations_table.c.id == conversation_id))
    if known is None:
        raise StoreError(f"no stored conversation {conversation_id!r}")
    token = secrets.token_urlsafe(24)
    with write_transaction(store.engine) as conn:
        conn.execute(
            insert(web_survey_tokens_table),
            [{"token_hash": token_digest(token), "conversation_id": conversation_id, "created_at": datetime.now(UTC)}],
        )
    return token


def conversation_for_survey_token(store: Store, token: str) -> str | None:
    with store.engine.connect() as conn:
        return conn.scalar(
            select(web_survey_tokens_table.c.conversation_id).where(
                web_survey_tokens_table.c.token_hash == token_digest(token)
            )
        )


def mark_survey_token_answered(store: Store, token: str) -> None:
    with write_transaction(store.engine) as conn:
        conn.execute(
            update(web_survey_tokens_table)
            .where(web_survey_tokens_table.c.token_hash == token_digest(token))
            .values(answered_at=datetime.now(UTC))
        )


# -- change detection -----------------------------------------------------------------------------


def data_fingerprint(store: Store) -> tuple[Any, ...]:
    """Changes whenever conversations, results or surveys change (any writer, any process): the
    insights cache key. Counts plus the newest ingest time cover inserts, updates and re-analysis."""
    with store.engine.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(conversations_table)),
            conn.scalar(select(func.max(conversations_table.c.ingested_at))),
            conn.scalar(select(func.count()).select_from(results_table)),
            conn.scalar(select(func.max(results_table.c.analyzed_at))),
            conn.scalar(select(func.count()).select_from(surveys_table)),
        )
