"""The Insights object per team scope, rebuilt off the request path when the data changed.

Why: ``build_insights`` reads every stored contact (about 2 s for 10,000); a page view must not
pay that, and no request may wait on another's rebuild. So:

- the cache key is the store's data fingerprint (counts and newest ingest/analysis times, indexed
  queries) plus a generation bumped on every write through the API; writes by this server, by the
  CLI or by another server process all change it. On a big store the fingerprint is read at most
  every ``CHECK_EVERY_S`` seconds, so page views do not pay for it;
- on a big store, when the key changed, the page gets the last insights at once and one
  background thread per scope has them rebuilt in a child process (so requests keep the GIL and
  the build's memory goes back to the system), then swaps them in;
- a small store (at most ``INLINE_LIMIT`` conversations: a build takes a second or two) is
  rebuilt inside the request, so every view is exact; on a bigger store the first view of a scope
  starts the build and answers :class:`InsightsNotReady` (a "being computed" page, HTTP 503 with
  Retry-After) instead of holding the request for minutes.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fixfirst.insight import Insights, build_insights
from fixfirst.store import Store
from fixfirst.store.web_records import data_fingerprint

log = logging.getLogger(__name__)

#: Stores with at most this many conversations build a scope's first insights inside the request.
INLINE_LIMIT = 5_000
#: Seconds between two reads of the store's fingerprint (writes through this server bump it at once).
CHECK_EVERY_S = 2.0


def compute_insights(store: Store, team: str | None) -> Insights:
    """Insights over everything stored (one team's scope when `team` is given)."""
    return build_insights(store.iter_conversations(), store.iter_results(), store.iter_surveys(), team=team)


def _compute_for_url(url: str, team: str | None) -> Insights:
    with Store.open(url, migrate=False) as store:
        return compute_insights(store, team)


class InsightsNotReady(RuntimeError):
    """The first insights of a scope are still being computed in the background."""

    def __init__(self, started_at: datetime) -> None:
        super().__init__(f"insights are being computed (since {started_at:%H:%M:%S} UTC)")
        self.started_at = started_at


@dataclass(frozen=True)
class _Entry:
    key: tuple[Any, ...]
    insights: Insights


class InsightsCache:
    def __init__(self, store: Store, *, inline_limit: int | None = None) -> None:
        self._store = store
        self._inline_limit = INLINE_LIMIT if inline_limit is None else inline_limit
        self._lock = threading.Lock()
        self._generation = 0
        self._fingerprint: tuple[Any, ...] | None = None
        self._checked_at = 0.0
        self._entries: dict[str | None, _Entry] = {}
        self._building: dict[str | None, datetime] = {}
        self._inline_locks: dict[str | None, threading.Lock] = {}

    def invalidate(self) -> None:
        """Called after every write through the web layer."""
        with self._lock:
            self._generation += 1
            self._checked_at = 0.0

    def _current_key(self) -> tuple[Any, ...]:
        """(generation, *fingerprint); on a big store the fingerprint is re-read every CHECK_EVERY_S."""
        now = time.monotonic()
        with self._lock:
            known, generation = self._fingerprint, self._generation
            fresh = known is not None and self._big(known) and now - self._checked_at < CHECK_EVERY_S
        if not fresh:
            known = data_fingerprint(self._store)
            with self._lock:
                self._fingerprint, self._checked_at = known, now
        assert known is not None
        return (generation, *known)

    def _big(self, fingerprint: tuple[Any, ...]) -> bool:
        return int(fingerprint[0] or 0) > self._inline_limit

    def _compute(self, team: str | None) -> Insights:
        return compute_insights(self._store, team)

    def _compute_apart(self, team: str | None) -> Insights:
        """A rebuild in a fresh child process: the server's threads keep the GIL, and the memory the
        build needs is returned to the system when the child exits."""
        context = multiprocessing.get_context("spawn")  # never fork a process running server threads
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            return pool.submit(_compute_for_url, self._store.engine.url.render_as_string(hide_password=False),
                               team).result()

    def _build_in_background(self, team: str | None, key: tuple[Any, ...]) -> None:
        with self._lock:
            if team in self._building:
                return
            self._building[team] = datetime.now(UTC)

        def run() -> None:
            try:
                insights = self._compute_apart(team)
                with self._lock:
                    self._entries[team] = _Entry(key, insights)
            except Exception:  # a failed rebuild keeps the last insights; the next view tries again
                log.exception("rebuilding insights for team %r failed", team)
            finally:
                with self._lock:
                    self._building.pop(team, None)

        threading.Thread(target=run, name=f"insights-{team or 'all'}", daemon=True).start()

    def insights(self, team: str | None = None) -> Insights:
        """Insights over all stored data, or for one team (``build_insights(team=...)``)."""
        key = self._current_key()
        with self._lock:
            entry = self._entries.get(team)
        if entry is not None and entry.key == key:
            return entry.insights
        if self._big(key[1:]):
            self._build_in_background(team, key)
            if entry is not None:
                return entry.insights  # the last complete insights while the new ones are computed
            with self._lock:
                raise InsightsNotReady(self._building.get(team, datetime.now(UTC)))
        with self._lock:
            inline_lock = self._inline_locks.setdefault(team, threading.Lock())
        with inline_lock:  # concurrent views wait for one build instead of doing N
            with self._lock:
                entry = self._entries.get(team)
            if entry is None or entry.key != key:
                entry = _Entry(key, self._compute(team))
                with self._lock:
                    self._entries[team] = entry
            return entry.insights
