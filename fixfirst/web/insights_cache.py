"""The Insights object per store and team scope, rebuilt only when the data changed.

Why: ``build_insights`` over the demo's 520 contacts takes about a second; a page view must
not pay it each time. The cache key is the store's data fingerprint (counts and newest
ingest/analysis times, read with one cheap query set) plus an in-process generation bumped on
every write through the API, so writes by this server, by the CLI or by another server process
all invalidate it. A lock makes concurrent page views wait for one rebuild instead of doing N.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from fixfirst.insight import Insights, build_insights
from fixfirst.model import AnalysisResult, Conversation, Survey
from fixfirst.store import Store
from fixfirst.store.web_records import data_fingerprint


@dataclass(frozen=True)
class Snapshot:
    """Everything the dashboard reads, loaded together so pages agree with each other."""

    conversations: dict[str, Conversation]
    results: dict[str, AnalysisResult]
    surveys: tuple[Survey, ...]


class InsightsCache:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._generation = 0
        self._key: tuple[Any, ...] | None = None
        self._snapshot: Snapshot | None = None
        self._insights: dict[str | None, Insights] = {}

    def invalidate(self) -> None:
        """Called after every write through the web layer."""
        with self._lock:
            self._generation += 1

    def _current_key(self) -> tuple[Any, ...]:
        return (self._generation, *data_fingerprint(self._store))

    def snapshot(self) -> Snapshot:
        with self._lock:
            return self._fresh_snapshot()

    def _fresh_snapshot(self) -> Snapshot:
        key = self._current_key()
        if self._snapshot is None or key != self._key:
            conversations = {c.id: c for c in self._store.iter_conversations()}
            results = {r.id: r for r in self._store.iter_results()}
            surveys = tuple(self._store.iter_surveys())
            self._snapshot = Snapshot(conversations, results, surveys)
            self._insights = {}
            self._key = key
        return self._snapshot

    def insights(self, team: str | None = None) -> Insights:
        """Insights over all stored data, or for one team (``build_insights(team=...)``)."""
        with self._lock:
            snapshot = self._fresh_snapshot()
            if team not in self._insights:
                self._insights[team] = build_insights(
                    snapshot.conversations.values(), snapshot.results, snapshot.surveys, team=team
                )
            return self._insights[team]
