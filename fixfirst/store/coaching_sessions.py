"""Coaching-session records: planned by a lead for one habit of one agent, held, acknowledged by the
agent, and checked afterwards - the habit's rate among the agent's analysed contacts in the weeks
after the session against the same span before it, counted in SQL from the findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from sqlalchemy import func, insert, select, update

from fixfirst.store.column_types import to_utc
from fixfirst.store.engine import write_transaction
from fixfirst.store.store import Store
from fixfirst.store.tables import conversation_agents_table, conversations_table, findings_table, results_table
from fixfirst.store.web_tables import web_coaching_sessions_table, web_notifications_table, web_users_table

_cs = web_coaching_sessions_table.c
_c, _a, _f, _r = conversations_table.c, conversation_agents_table.c, findings_table.c, results_table.c

#: The follow-up compares this many days after the session with as many before it.
FOLLOW_UP_DAYS = 28


class CoachingSessionError(ValueError):
    """A session that cannot be planned or changed (unknown id, already held or acknowledged)."""


@dataclass(frozen=True)
class HabitRate:
    """How often the habit showed in the agent's analysed contacts of one window."""

    with_habit: int
    contacts: int

    @property
    def rate(self) -> float | None:
        return self.with_habit / self.contacts if self.contacts else None


@dataclass(frozen=True)
class CoachingSession:
    id: int
    agent_id: str
    habit: str
    direction: str
    planned_for: datetime
    planned_by: str
    note: str | None
    created_at: datetime
    held_at: datetime | None
    acknowledged_at: datetime | None

    @property
    def status(self) -> str:
        if self.acknowledged_at is not None:
            return "acknowledged"
        return "held" if self.held_at is not None else "planned"


def _agent_link(agent_id: str) -> str:
    return f"/agents/{quote(agent_id, safe='')}#coaching-sessions"


def plan_session(
    store: Store, agent_id: str, habit: str, direction: str, planned_for: datetime, planned_by: str,
    note: str | None = None,
) -> int:
    """Record a planned session and tell the agent (every user linked to that agent id)."""
    if direction not in ("less", "more"):
        raise CoachingSessionError("direction must be 'less' or 'more'")
    now = datetime.now(UTC)
    with write_transaction(store.engine) as conn:
        session_id = conn.execute(
            insert(web_coaching_sessions_table).returning(_cs.id),
            [{"agent_id": agent_id, "habit": habit, "direction": direction, "planned_for": planned_for,
              "planned_by": planned_by, "note": note, "created_at": now, "held_at": None, "acknowledged_at": None}],
        ).scalar_one()
        users = conn.scalars(select(web_users_table.c.username).where(web_users_table.c.agent_id == agent_id)).all()
        if users:
            conn.execute(
                insert(web_notifications_table),
                [{"username": u, "text": f"{planned_by} planned a coaching session with you on "
                  f"{direction} {habit.replace('_', ' ')} for {planned_for.date().isoformat()}.",
                  "link": _agent_link(agent_id), "created_at": now, "read_at": None} for u in users],
            )
    return int(session_id)


def list_coaching_sessions(store: Store, agent_id: str) -> list[CoachingSession]:
    query = select(web_coaching_sessions_table).where(_cs.agent_id == agent_id).order_by(_cs.planned_for.desc(), _cs.id)
    with store.engine.connect() as conn:
        return [CoachingSession(**row) for row in conn.execute(query).mappings()]


def get_coaching_session(store: Store, session_id: int) -> CoachingSession | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(web_coaching_sessions_table).where(_cs.id == session_id)).mappings().first()
    return None if row is None else CoachingSession(**row)


def mark_held(store: Store, session_id: int, held_at: datetime) -> None:
    with write_transaction(store.engine) as conn:
        done = conn.execute(
            update(web_coaching_sessions_table)
            .where(_cs.id == session_id, _cs.held_at.is_(None))
            .values(held_at=held_at)
        )
        if done.rowcount != 1:
            raise CoachingSessionError(f"coaching session {session_id} does not exist or was already held")


def acknowledge(store: Store, session: CoachingSession, agent_username: str) -> None:
    """The agent confirms the session took place and they took the point; the lead is told."""
    if session.held_at is None:
        raise CoachingSessionError("a session can be acknowledged once it has been held")
    now = datetime.now(UTC)
    with write_transaction(store.engine) as conn:
        done = conn.execute(
            update(web_coaching_sessions_table)
            .where(_cs.id == session.id, _cs.acknowledged_at.is_(None))
            .values(acknowledged_at=now)
        )
        if done.rowcount != 1:
            raise CoachingSessionError(f"coaching session {session.id} was already acknowledged")
        conn.execute(
            insert(web_notifications_table),
            [{"username": session.planned_by, "text": f"{agent_username} acknowledged the coaching session on "
              f"{session.direction} {session.habit.replace('_', ' ')}.", "link": _agent_link(session.agent_id),
              "created_at": now, "read_at": None}],
        )


def habit_rate(store: Store, agent_id: str, habit: str, since: datetime, until: datetime) -> HabitRate:
    """The agent's analysed contacts started in [since, until), and how many show the habit."""
    mine = (
        select(_c.id)
        .select_from(conversations_table.join(results_table, _r.conversation_id == _c.id))
        .where(
            _c.id.in_(select(_a.conversation_id).where(_a.agent_id == agent_id)),
            _c.started_at >= to_utc(since),
            _c.started_at < to_utc(until),
        )
    )
    with store.engine.connect() as conn:
        contacts = int(conn.scalar(select(func.count()).select_from(mine.subquery())) or 0)
        with_habit = int(
            conn.scalar(
                select(func.count(func.distinct(_f.conversation_id))).where(
                    _f.conversation_id.in_(mine), _f.label == habit
                )
            )
            or 0
        )
    return HabitRate(with_habit, contacts)


def follow_up(store: Store, session: CoachingSession) -> tuple[HabitRate, HabitRate] | None:
    """(before, after): the habit's rate in FOLLOW_UP_DAYS before and after the session; None until held."""
    if session.held_at is None:
        return None
    span = timedelta(days=FOLLOW_UP_DAYS)
    held = session.held_at
    return (
        habit_rate(store, session.agent_id, session.habit, held - span, held),
        habit_rate(store, session.agent_id, session.habit, held, held + span),
    )
