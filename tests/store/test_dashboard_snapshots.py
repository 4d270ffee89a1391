"""Dashboard snapshots: one per scope, read back byte-exact by the code that wrote them, the oldest
pruned beyond MAX_SNAPSHOTS (on both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fixfirst.store import Store, dashboard_snapshots
from fixfirst.store.dashboard_snapshots import DashboardSnapshot, load_snapshot, save_snapshot

T0 = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _snapshot(scope_key: str, *, minutes: int = 0, payload: bytes = b"\x00\xffcases") -> DashboardSnapshot:
    return DashboardSnapshot(
        scope_key=scope_key,
        scope={"team": None, "start": "2026-11-01T00:00:00+00:00"},
        code="code-1",
        data_key='[29, "2026-12-01T09:00:00+00:00"]',
        built_at=T0 + timedelta(minutes=minutes),
        insights=b"x\x9c\x00 insights",
        cases=payload,
        repeat_cases=b"",
    )


def test_a_snapshot_reads_back_exactly_and_only_for_its_code(store: Store) -> None:
    saved = _snapshot("a" * 64)
    save_snapshot(store, saved)
    assert load_snapshot(store, "a" * 64, "code-1") == saved
    assert load_snapshot(store, "a" * 64, "code-2") is None
    assert load_snapshot(store, "b" * 64, "code-1") is None
    replaced = _snapshot("a" * 64, minutes=5, payload=b"newer")
    save_snapshot(store, replaced)
    assert load_snapshot(store, "a" * 64, "code-1") == replaced


def test_only_the_newest_snapshots_are_kept(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboard_snapshots, "MAX_SNAPSHOTS", 3)
    for minutes in range(5):
        save_snapshot(store, _snapshot(f"{minutes:064d}", minutes=minutes))
    kept = [key for key in (f"{m:064d}" for m in range(5)) if load_snapshot(store, key, "code-1")]
    assert kept == [f"{m:064d}" for m in (2, 3, 4)]
