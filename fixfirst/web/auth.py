"""Authentication: argon2 password hashes, signed session cookies with CSRF tokens, Bearer tokens.

Why these choices: argon2id is the current password-hashing recommendation and needs no tuning
here; sessions are a signed, timestamped cookie (itsdangerous), so the server keeps no session
table and a forged or expired cookie is simply ignored. The cookie is HttpOnly and SameSite=Lax;
every form POST must also carry the session's CSRF token (synchroniser token), which a
cross-site page cannot read. API clients send ``Authorization: Bearer <token>`` and never use
the cookie, so CSRF does not apply to them.
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from fixfirst.errors import StoreError
from fixfirst.store import Store
from fixfirst.store.web_records import (
    UserRecord,
    end_sessions,
    get_user,
    get_user_by_name,
    insert_user,
    session_epoch,
    set_password_hash,
    user_for_api_token,
)
from fixfirst.web.access import Principal, UserRole
from fixfirst.web.password_policy import password_problem

SESSION_COOKIE = "fixfirst_session"
#: Sessions older than this are refused (seconds).
SESSION_MAX_AGE_S = 12 * 3600

_hasher = PasswordHasher()
#: Verified against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def principal_of(user: UserRecord) -> Principal:
    return Principal(
        user_id=user.id, username=user.username, role=UserRole(user.role), agent_id=user.agent_id, teams=user.teams
    )


def create_user(
    store: Store,
    username: str,
    password: str,
    role: str,
    agent_id: str | None = None,
    teams: Iterable[str] = (),
) -> Principal:
    """Add a dashboard/API user (the ``fixfirst user add`` command calls this).

    Raises ValueError for a bad role, short password or an agent without ``agent_id``, and
    StoreError when the username is taken.
    """
    try:
        parsed = UserRole(role)
    except ValueError:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(r.value for r in UserRole)}") from None
    username = username.strip()
    if not username or len(username) > 100:
        raise ValueError("username must be 1-100 characters")
    if problem := password_problem(password, username):
        raise ValueError(problem)
    if parsed is UserRole.AGENT and not agent_id:
        raise ValueError("an agent user needs agent_id (the agent id used in conversations)")
    user = insert_user(store, username, hash_password(password), parsed.value, agent_id, teams)
    return principal_of(user)


def change_password(store: Store, username: str, password: str) -> None:
    """Set a new password (same policy as new users) and end every session of the user.

    Raises ValueError for an unknown user or a refused password.
    """
    user = get_user_by_name(store, username)
    if user is None:
        raise ValueError(f"no user named {username!r}")
    if problem := password_problem(password, user.username):
        raise ValueError(problem)
    set_password_hash(store, user.id, hash_password(password))
    end_sessions(store, user.id)


def authenticate(store: Store, username: str, password: str) -> Principal | None:
    """The user for a correct username and password, else None (same cost either way)."""
    user = get_user_by_name(store, username)
    if user is None or not user.active:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password)
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        set_password_hash(store, user.id, hash_password(password))
    return principal_of(user)


def principal_for_token(store: Store, token: str) -> Principal | None:
    user = user_for_api_token(store, token)
    return principal_of(user) if user is not None and user.active else None


@dataclass(frozen=True, slots=True)
class Session:
    """What the session cookie carries: the user (None before login) and the CSRF token."""

    user_id: int | None
    csrf: str
    epoch: int = 0  # the user's session generation at login; logout moves it on (server side)


class SessionCodec:
    """Signs and reads session cookies with the app's secret key."""

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="fixfirst.session")

    def dumps(self, session: Session) -> str:
        return self._serializer.dumps({"u": session.user_id, "c": session.csrf, "e": session.epoch})

    def loads(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        try:
            data: Any = self._serializer.loads(cookie, max_age=SESSION_MAX_AGE_S)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return None
        user_id, epoch = data.get("u"), data.get("e")
        return Session(
            user_id=user_id if isinstance(user_id, int) else None,
            csrf=data["c"],
            epoch=epoch if isinstance(epoch, int) else -1,  # a cookie without an epoch is never current
        )


def new_session(user_id: int | None = None, epoch: int = 0) -> Session:
    return Session(user_id=user_id, csrf=secrets.token_urlsafe(24), epoch=epoch)


def csrf_ok(session: Session | None, submitted: str | None) -> bool:
    return session is not None and bool(submitted) and hmac.compare_digest(session.csrf, str(submitted))


def session_principal(store: Store, session: Session | None) -> Principal | None:
    if session is None or session.user_id is None:
        return None
    try:
        user = get_user(store, session.user_id)
        current = session.epoch == session_epoch(store, session.user_id)
    except StoreError:
        return None
    return principal_of(user) if user is not None and user.active and current else None
