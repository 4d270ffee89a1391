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
- the server keeps each scope's aggregates only (`dashboard_copy`): the per-contact parts of
  `Insights` (case of each conversation, every promise, survey link and blocked contact) are
  dropped, and the case list is kept packed (`PackedRecords`) for `/api/cases`. The report keeps
  them; the server's memory then does not grow with the store;
- each background build is kept in the database too (`fixfirst.store.dashboard_snapshots`), tagged
  with the data fingerprint it began from and the insight code that made it: a restarted server
  shows a big store's last aggregates at once (exact when the data has not changed since, else
  served while the new ones are computed) instead of a "being computed" page for about 20 minutes
  at a million contacts. The server starts on the all-data scope as soon as it is up;
- a small store (at most ``INLINE_LIMIT`` conversations: a build takes a second or two) is
  rebuilt inside the request, so every view is exact; on a bigger store the first view of a scope
  starts the build and answers :class:`InsightsNotReady` (a "being computed" page, HTTP 503 with
  Retry-After) instead of holding the request for minutes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import multiprocessing
import threading
import time
import zlib
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

import fixfirst
from fixfirst.insight import Insights
from fixfirst.model.frozen import record_json
from fixfirst.pipeline.report_job import ReportScope, load_insights
from fixfirst.store import Store
from fixfirst.store.column_types import jsonable
from fixfirst.store.dashboard_snapshots import DashboardSnapshot, load_snapshot, save_snapshot
from fixfirst.store.listing import list_companies
from fixfirst.store.web_records import data_fingerprint
from fixfirst.web.data_slice import DataSlice
from fixfirst.web.packed_records import PackedRecords

log = logging.getLogger(__name__)

#: Stores with at most this many conversations build a scope's first insights inside the request.
INLINE_LIMIT = 5_000
#: Scopes (team, company, period, channel) whose insights are kept; the least recently used goes first.
#: Each holds one scope's aggregates and its packed case list (about 90 bytes a case), so a user
#: trying many date ranges cannot grow the server without bound.
MAX_SCOPES = 8
#: Seconds between two reads of the store's fingerprint (writes through this server bump it at once).
CHECK_EVERY_S = 2.0


#: One scope of the aggregate pages: the report scope with the same contacts (team, company, period, channel).
Scope = ReportScope


@dataclass(frozen=True)
class ScopeAggregates:
    """What the dashboard keeps for one scope: the aggregates, the case list packed, and when the
    build that made them began reading the store."""

    insights: Insights
    cases: PackedRecords
    repeat_cases: PackedRecords
    built_at: datetime = dataclasses.field(default_factory=lambda: datetime.now(UTC))


#: What decides the aggregates besides the data: a snapshot made by other code is never read.
_CODE_PATHS = ("insight", "pipeline/report_job.py", "web/insights_cache.py", "web/packed_records.py")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the insight code (sources and lexicon files) and of the `Insights` schema."""
    root = Path(fixfirst.__file__).parent
    digest = hashlib.sha256(json.dumps(Insights.model_json_schema(), sort_keys=True).encode())
    for name in _CODE_PATHS:
        base = root / name
        for path in sorted(base.rglob("*") if base.is_dir() else [base]):
            if path.is_file() and path.suffix in {".py", ".yaml", ".yml"}:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


code_digest()  # bound to the code this process loaded, not to files changed on disk later (an upgrade)


def scope_key(scope: Scope) -> str:
    return hashlib.sha256(json.dumps(jsonable(dataclasses.asdict(scope)), sort_keys=True).encode()).hexdigest()


def data_key(fingerprint: tuple[Any, ...]) -> str:
    """The store's data fingerprint as stored text (times in UTC ISO form, so every reader agrees)."""
    return json.dumps(jsonable(list(fingerprint)))


def snapshot_of(scope: Scope, fingerprint: tuple[Any, ...], aggregates: ScopeAggregates) -> DashboardSnapshot:
    return DashboardSnapshot(
        scope_key=scope_key(scope),
        scope=jsonable(dataclasses.asdict(scope)),
        code=code_digest(),
        data_key=data_key(fingerprint),
        built_at=aggregates.built_at,
        insights=zlib.compress(aggregates.insights.model_dump_json().encode()),
        cases=aggregates.cases.to_bytes(),
        repeat_cases=aggregates.repeat_cases.to_bytes(),
    )


def aggregates_of(snapshot: DashboardSnapshot) -> ScopeAggregates:
    """The aggregates a snapshot holds; ValueError (pydantic's ValidationError is one) when its
    bytes do not read back."""
    try:
        insights = Insights.model_validate_json(zlib.decompress(snapshot.insights))
    except zlib.error as exc:
        raise ValueError(f"snapshot insights do not decompress: {exc}") from exc
    return ScopeAggregates(
        insights,
        PackedRecords.from_bytes(snapshot.cases),
        PackedRecords.from_bytes(snapshot.repeat_cases),
        built_at=snapshot.built_at,
    )


def _rebuilt(model: BaseModel, **changed: Any) -> Any:
    """`model` made again from its fields with `changed` ones; unlike `model_copy`, it carries no
    private state (`CaseSummary`'s packed cases, and the contacts they read, would otherwise come along)."""
    fields = {name: getattr(model, name) for name in type(model).model_fields}
    return type(model)(**(fields | changed))


def dashboard_copy(insights: Insights) -> ScopeAggregates:
    """`insights` without the parts that grow with the contacts (no page reads them), and the case
    list as packed JSON records (all, and repeat cases only) for `/api/cases`."""
    items = insights.cases.items
    kept = insights.model_copy(
        update={
            "cases": _rebuilt(insights.cases),
            "commitments": _rebuilt(insights.commitments),
            "voice": _rebuilt(insights.voice),
            "root_causes": _rebuilt(insights.root_causes, blocked={}),
        }
    )
    return ScopeAggregates(  # records made as they are packed: never every case as JSON at once
        kept,
        PackedRecords.of(record_json(item) for item in items),
        PackedRecords.of(record_json(item) for item in items if item.contacts > 1),
    )


def compute_aggregates(store: Store, scope: Scope) -> ScopeAggregates:
    """One scope's aggregates, computed by the report's own streaming loader, so the dashboard and
    `fixfirst report` with the same filters agree (and the contacts are held as a column table)."""
    began = datetime.now(UTC)
    loaded = load_insights(store, scope)
    aggregates = dashboard_copy(loaded.insights)  # its case records quote the contacts: pack them first
    loaded.contacts.close()  # the aggregates keep no contact: give the turns' file back at once
    return dataclasses.replace(aggregates, built_at=began)


def _compute_for_url(url: str, scope: Scope, fingerprint: tuple[Any, ...]) -> ScopeAggregates:
    """A background build (in a child process): the aggregates, also saved as the scope's snapshot
    of the data described by `fingerprint` (read before the build began, so a write during the
    build leaves the snapshot marked out of date)."""
    with Store.open(url, migrate=False) as store:
        aggregates = compute_aggregates(store, scope)
        try:
            save_snapshot(store, snapshot_of(scope, fingerprint, aggregates))
        except Exception:  # the figures are good; only a later restart will have to recompute them
            log.exception("keeping the dashboard snapshot of scope %r failed", scope)
        return aggregates


class InsightsNotReady(RuntimeError):
    """The first insights of a scope are still being computed in the background."""

    def __init__(self, started_at: datetime) -> None:
        super().__init__(f"insights are being computed (since {started_at:%H:%M:%S} UTC)")
        self.started_at = started_at


@dataclass(frozen=True)
class _Entry:
    key: tuple[Any, ...]
    aggregates: ScopeAggregates


class InsightsCache:
    def __init__(self, store: Store, *, inline_limit: int | None = None) -> None:
        self._store = store
        self._inline_limit = INLINE_LIMIT if inline_limit is None else inline_limit
        self._lock = threading.Lock()
        self._generation = 0
        self._fingerprint: tuple[Any, ...] | None = None
        self._checked_at = 0.0
        self._entries: OrderedDict[Scope, _Entry] = OrderedDict()
        self._building: dict[Scope, datetime] = {}
        self._scope_locks: dict[Scope, threading.Lock] = {}  # one inline build or snapshot read at a time
        self._companies: tuple[tuple[Any, ...], list[str]] | None = None

    def _keep(self, scope: Scope, entry: _Entry) -> None:
        """Store `entry` (caller holds the lock); the least recently used scope goes past MAX_SCOPES."""
        self._entries[scope] = entry
        self._entries.move_to_end(scope)
        while len(self._entries) > MAX_SCOPES:
            self._entries.popitem(last=False)

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

    def _compute(self, scope: Scope) -> ScopeAggregates:
        return compute_aggregates(self._store, scope)

    def _compute_apart(self, scope: Scope, fingerprint: tuple[Any, ...]) -> ScopeAggregates:
        """A rebuild in a fresh child process: the server's threads keep the GIL, and the memory the
        build needs is returned to the system when the child exits."""
        context = multiprocessing.get_context("spawn")  # never fork a process running server threads
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            return pool.submit(_compute_for_url, self._store.engine.url.render_as_string(hide_password=False),
                               scope, fingerprint).result()

    def _from_snapshot(self, scope: Scope, key: tuple[Any, ...]) -> _Entry | None:
        """The scope's stored snapshot as an entry: under `key` when it describes the current data,
        else under a key no current data has (served while a rebuild runs). None when there is none
        or it does not read back."""
        snapshot = load_snapshot(self._store, scope_key(scope), code_digest())
        if snapshot is None:
            return None
        try:
            aggregates = aggregates_of(snapshot)
        except ValueError:
            log.warning("the stored dashboard snapshot of scope %r does not read back; recomputing", scope)
            return None
        exact = snapshot.data_key == data_key(key[1:])
        entry = _Entry(key if exact else ("snapshot", snapshot.data_key), aggregates)
        with self._lock:
            if scope not in self._entries:
                self._keep(scope, entry)
        return entry

    def _build_in_background(self, scope: Scope, key: tuple[Any, ...]) -> None:
        with self._lock:
            if scope in self._building:
                return
            self._building[scope] = datetime.now(UTC)

        def run() -> None:
            try:
                aggregates = self._compute_apart(scope, key[1:])
                with self._lock:
                    self._keep(scope, _Entry(key, aggregates))
            except Exception:  # a failed rebuild keeps the last insights; the next view tries again
                log.exception("rebuilding insights for scope %r failed", scope)
            finally:
                with self._lock:
                    self._building.pop(scope, None)

        threading.Thread(target=run, name=f"insights-{scope.describe()}", daemon=True).start()

    def warm(self) -> None:
        """On a big store, make the all-data scope ready: its snapshot is read, and a build starts
        when there is none or the data changed since (called in the background at server start)."""
        try:
            if self._big(self._current_key()[1:]):
                self.aggregates()
        except InsightsNotReady:
            pass  # the build runs; pages answer "being computed" until it is done
        except Exception:  # a warm-up must never stop the server; the first view tries again
            log.exception("warming the dashboard's aggregates failed")

    def stale_since(self, team: str | None = None, where: DataSlice | None = None) -> datetime | None:
        """When the figures shown for a scope were computed, if they predate the data (a rebuild is
        on its way); None when they are current or there are none yet. Compared with the data
        fingerprint last read - the page's own read of the aggregates just refreshed it - so a page
        does not query the store for it twice."""
        scope: Scope = (where or DataSlice()).report_scope(team)
        with self._lock:
            entry = self._entries.get(scope)
            key = None if self._fingerprint is None else (self._generation, *self._fingerprint)
        return None if entry is None or key is None or entry.key == key else entry.aggregates.built_at

    def companies(self) -> list[str]:
        """The stored companies (for the company filter), re-read only when the data changed."""
        key = self._current_key()
        with self._lock:
            cached = self._companies
        if cached is not None and cached[0] == key:
            return cached[1]
        names = list_companies(self._store)
        with self._lock:
            self._companies = (key, names)
        return names

    def insights(self, team: str | None = None, where: DataSlice | None = None) -> Insights:
        """Insights over all stored data, or for one team and/or one slice (company, period, channel),
        without the per-contact parts (`dashboard_copy`)."""
        return self.aggregates(team, where).insights

    def aggregates(self, team: str | None = None, where: DataSlice | None = None) -> ScopeAggregates:
        """The insights and the packed case list of one scope (see `insights`)."""
        scope: Scope = (where or DataSlice()).report_scope(team)
        key = self._current_key()
        with self._lock:
            entry = self._entries.get(scope)
            if entry is not None:
                self._entries.move_to_end(scope)
        if entry is not None and entry.key == key:
            return entry.aggregates
        if self._big(key[1:]):
            if entry is None:
                with self._lock:
                    load_lock = self._scope_locks.setdefault(scope, threading.Lock())
                with load_lock:  # concurrent first views read the snapshot once
                    with self._lock:
                        entry = self._entries.get(scope)
                    entry = entry or self._from_snapshot(scope, key)
                if entry is not None and entry.key == key:
                    return entry.aggregates
            self._build_in_background(scope, key)
            if entry is not None:
                return entry.aggregates  # the last complete insights while the new ones are computed
            with self._lock:
                raise InsightsNotReady(self._building.get(scope, datetime.now(UTC)))
        with self._lock:
            inline_lock = self._scope_locks.setdefault(scope, threading.Lock())
        with inline_lock:  # concurrent views wait for one build instead of doing N
            with self._lock:
                entry = self._entries.get(scope)
            if entry is None or entry.key != key:
                entry = _Entry(key, self._compute(scope))
                with self._lock:
                    self._keep(scope, entry)
            return entry.aggregates
