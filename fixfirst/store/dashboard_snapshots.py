"""The dashboard's last aggregates per scope, kept in the database across restarts.

Why: on a big store the aggregates take long to compute (about 20 minutes at a million contacts),
and a restarted server had nothing to show until they were computed again. A snapshot is written
by each background build and read on the first view of its scope after a restart. It is only ever
read by the code that wrote it (`code`), and its `data_key` says which data it describes, so the
reader knows whether it is exact or only the last known figures.

The store keeps the bytes; what they mean (`Insights` JSON, packed case lists) is the web layer's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select

from fixfirst.store.engine import write_transaction
from fixfirst.store.store import Store
from fixfirst.store.web_tables import web_dashboard_snapshots_table

#: Scopes kept; the oldest builds go first (a user trying many date ranges must not grow the table
#: without bound, and each snapshot of a big store is tens of megabytes).
MAX_SNAPSHOTS = 16


@dataclass(frozen=True)
class DashboardSnapshot:
    scope_key: str
    scope: Any
    code: str
    data_key: str
    built_at: datetime
    insights: bytes
    cases: bytes
    repeat_cases: bytes


def save_snapshot(store: Store, snapshot: DashboardSnapshot) -> None:
    """Replace the scope's snapshot with `snapshot`; the oldest beyond MAX_SNAPSHOTS are deleted."""
    t = web_dashboard_snapshots_table
    row = {
        "scope_key": snapshot.scope_key,
        "scope": snapshot.scope,
        "code": snapshot.code,
        "data_key": snapshot.data_key,
        "built_at": snapshot.built_at.astimezone(UTC),
        "insights": snapshot.insights,
        "cases": snapshot.cases,
        "repeat_cases": snapshot.repeat_cases,
    }
    with write_transaction(store.engine) as conn:
        conn.execute(delete(t).where(t.c.scope_key == snapshot.scope_key))
        conn.execute(insert(t), [row])
        kept = select(t.c.scope_key).order_by(t.c.built_at.desc(), t.c.scope_key).limit(MAX_SNAPSHOTS)
        conn.execute(delete(t).where(t.c.scope_key.not_in(kept.scalar_subquery())))


def load_snapshot(store: Store, scope_key: str, code: str) -> DashboardSnapshot | None:
    """The scope's snapshot if the same code wrote it, else None."""
    t = web_dashboard_snapshots_table
    with store.engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.scope_key == scope_key, t.c.code == code)).mappings().first()
    return None if row is None else DashboardSnapshot(**dict(row))
