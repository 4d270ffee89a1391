"""The repository: everything FixFirst keeps, behind one small API (the CLI and web only call this).

Guarantees, on SQLite and PostgreSQL alike:

- **One batch, one transaction.** ``write_*`` calls are all-or-nothing. A crash, an exception in
  the input iterator or Ctrl-C leaves only whole batches behind: never a conversation without its
  turns, never a result without its findings.
- **Idempotent by id.** Writing a conversation that is already stored, unchanged, is a duplicate
  and is skipped; a changed one is updated in place; so re-running an interrupted ingest
  completes it with nothing lost and nothing doubled.
- **No stale marks.** When what was said in a conversation changes, its analysis result and
  findings are deleted (they pointed at words that are gone); ``iter_conversations(
  without_results=True)`` then lists what needs analysing again. A change that leaves the words
  alone (team, metadata, timestamps) keeps the result.
- **Round trip.** What is read back equals what was written, with the normalisations documented
  in :mod:`fixfirst.store.column_types` (UTC timestamps, NUL and lone surrogates replaced, JSON
  metadata).
- **Streaming reads.** ``iter_*`` fetch ``batch_size`` rows at a time by key, and hold no
  connection or lock while the caller works on a batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any, Self, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    Table,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from fixfirst.errors import StoreError
from fixfirst.model import AnalysisResult, Conversation, Survey
from fixfirst.store.column_types import storable_text, to_utc
from fixfirst.store.engine import create_store_engine, resolve_url, write_transaction
from fixfirst.store.migrate import upgrade_to_head
from fixfirst.store.rows import (
    Row,
    agent_rows,
    conversation_from_rows,
    conversation_rows,
    result_from_rows,
    result_rows,
    survey_from_row,
    survey_row,
)
from fixfirst.store.tables import (
    conversation_agents_table,
    conversations_table,
    findings_table,
    results_table,
    surveys_table,
    turns_table,
)

#: Conversations per transaction in :meth:`Store.ingest_conversations` unless told otherwise.
DEFAULT_BATCH_SIZE = 500
#: Ids per ``IN (...)`` clause: well under SQLite's and PostgreSQL's bound-parameter limits.
_IN_CHUNK = 500

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WriteStats:
    """What a write did: ``stored`` new records, ``duplicates`` skipped unchanged, ``updated`` replaced.

    ``each`` says the same per received record, in order ("stored", "duplicate" or "updated"), so a
    caller answering per record (the web API) can write a whole batch in one transaction. It is not
    part of equality: two writes that did the same amount of work compare equal.
    """

    stored: int = 0
    duplicates: int = 0
    updated: int = 0
    each: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __add__(self, other: WriteStats) -> WriteStats:
        return WriteStats(
            self.stored + other.stored,
            self.duplicates + other.duplicates,
            self.updated + other.updated,
            self.each + other.each,
        )

    @property
    def seen(self) -> int:
        """Records received, whatever happened to them."""
        return self.stored + self.duplicates + self.updated

    def counts(self) -> WriteStats:
        """The same counts without the per-record detail: what a running total over a long stream
        should add, so it stays the same size however many records pass."""
        return WriteStats(self.stored, self.duplicates, self.updated)


@dataclass(frozen=True, slots=True)
class AnalysedRows:
    """One stored conversation as the insight stage reads it (`Store.iter_analysed_rows`): its
    columns (id, channel, company, team, customer_id, started_at, agent_ids), its turns in order
    (role, author, text, ts), its result (outcome, outcome_confidence, outcome_evidence, scorecard,
    points; None when not analysed) and its findings in stored order (label, turn, start, end,
    confidence)."""

    conversation: Mapping[str, Any]
    turns: list[Mapping[str, Any]]
    result: Mapping[str, Any] | None
    findings: list[Mapping[str, Any]]


def _analysed_conditions(
    company: str | None, started: tuple[datetime | None, datetime | None]
) -> list[ColumnElement[bool]]:
    """One company, and conversations stored with a start in [since, until) or without one."""
    c = conversations_table.c
    conditions = [] if company is None else [c.company == storable_text(company)]
    since, until = started
    if since is not None:
        conditions.append(or_(c.started_at.is_(None), c.started_at >= to_utc(since)))
    if until is not None:
        conditions.append(or_(c.started_at.is_(None), c.started_at < to_utc(until)))
    return conditions


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _batches(stream: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(stream)
    while batch := list(islice(iterator, size)):
        yield batch


def _insert_ignoring_conflicts(conn: Connection, table: Table, rows: list[Row]) -> None:
    """Bulk insert; a row whose key another writer inserted meanwhile is skipped, not an error."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "sqlite":
        statement: Any = sqlite.insert(table).on_conflict_do_nothing()
    elif dialect == "postgresql":
        # psycopg pipelines an executemany; a giant multi-row VALUES measured 5x slower (no statement cache).
        statement = postgresql.insert(table).on_conflict_do_nothing()
    else:  # pragma: no cover - resolve_url admits only the two above
        statement = insert(table)
    conn.execute(statement, rows)


def _copy_team_to_results(conn: Connection, rows: list[Row]) -> None:
    """Keep the team copied on results (`AnalysisResultRow.team`) in step with changed conversations."""
    r = results_table.c
    conn.execute(
        update(results_table).where(r.conversation_id == bindparam("cid")).values(team=bindparam("new_team")),
        [{"cid": row["id"], "new_team": row["team"]} for row in rows],
    )


def _update_by_id(conn: Connection, table: Table, rows: list[Row]) -> None:
    """Update whole rows by primary key ``id`` in one executemany."""
    if not rows:
        return
    columns = [key for key in rows[0] if key != "id"]
    statement = (
        update(table)
        .where(table.c.id == bindparam("match_id"))
        .values({column: bindparam(f"new_{column}") for column in columns})
    )
    conn.execute(
        statement,
        [{"match_id": row["id"], **{f"new_{column}": row[column] for column in columns}} for row in rows],
    )


def _sequential_stats(ids: list[str], hashes: list[str], stored_hashes: dict[str, str]) -> WriteStats:
    """Stats as if the records were written one after another (a repeated id in one batch included)."""
    state = dict(stored_hashes)
    each: list[str] = []
    for record_id, record_hash in zip(ids, hashes, strict=True):
        previous = state.get(record_id)
        each.append("stored" if previous is None else "duplicate" if previous == record_hash else "updated")
        state[record_id] = record_hash
    return WriteStats(
        stored=each.count("stored"), duplicates=each.count("duplicate"), updated=each.count("updated"), each=tuple(each)
    )


def _check_batch_size(batch_size: int) -> None:
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")


def _keyset_pages(fetch: Callable[[str | None], list[T]], key: Callable[[T], str], batch_size: int) -> Iterator[T]:
    """Stream pages by keyset ("id > last seen"), so a long scan never holds more than one page and
    never slows down with an OFFSET; ``fetch(after)`` returns at most ``batch_size`` items in key order."""
    after: str | None = None
    while True:
        page = fetch(after)
        yield from page
        if len(page) < batch_size:
            return
        after = key(page[-1])


def _scope_conditions(
    since: datetime | None, until: datetime | None, team: str | None
) -> list[ColumnElement[bool]]:
    """Filters on a conversation's start time ([since, until), naive = UTC) and team."""
    c = conversations_table.c
    conditions: list[ColumnElement[bool]] = []
    if since is not None:
        conditions.append(c.started_at >= to_utc(since))
    if until is not None:
        conditions.append(c.started_at < to_utc(until))
    if team is not None:
        conditions.append(c.team == team)
    return conditions


class Store:
    """A FixFirst database. Open with :meth:`Store.open`; use as a context manager or call :meth:`close`."""

    def __init__(self, engine: Engine) -> None:
        """Wrap an engine whose schema is already migrated; most callers want :meth:`open`."""
        self._engine = engine

    # -- lifecycle -------------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | URL | None = None, *, migrate: bool = True) -> Store:
        """Open (creating if needed) the database at ``url`` and bring its schema up to date.

        ``url`` defaults to ``$FIXFIRST_DB``, else ``sqlite:///fixfirst.db`` in the working
        directory; a bare path means a SQLite file; PostgreSQL is ``postgresql+psycopg://...``.
        Raises :class:`~fixfirst.errors.StoreError` when the database cannot be reached or migrated.
        """
        resolved = resolve_url(url)
        engine = create_store_engine(resolved)
        try:
            if migrate:
                upgrade_to_head(engine)
            else:
                with engine.connect():
                    pass
        except SQLAlchemyError as exc:
            engine.dispose()
            raise StoreError(
                f"cannot open the database {resolved.render_as_string(hide_password=True)}: "
                f"{exc.__class__.__name__}: {getattr(exc, 'orig', None) or exc}. Check that the server runs, "
                "the credentials are right and, for SQLite, that the folder exists and is writable."
            ) from exc
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, for callers that need their own queries (read-only, please)."""
        return self._engine

    @property
    def url(self) -> str:
        """The database URL with any password masked, safe to print."""
        return self._engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Release every connection. The store cannot be used afterwards."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- conversations -------------------------------------------------------------------------

    def write_conversations(self, batch: Iterable[Conversation], *, source: str | None = None) -> WriteStats:
        """Store one batch of conversations in ONE transaction (see the module docstring).

        ``batch`` is read completely before anything is written, so an exception while producing
        it writes nothing. Within a batch, a repeated id counts as if written one after another:
        the last version is kept. ``source`` (e.g. the input file) is recorded with each new or
        updated conversation.
        """
        received: list[tuple[Row, list[Row]]] = []
        for conversation in batch:
            row, turns = conversation_rows(conversation)
            row["id"] = storable_text(row["id"])
            received.append((row, turns))
        if not received:
            return WriteStats()
        return self._write_conversation_rows(received, source)

    def _write_conversation_rows(
        self, received: list[tuple[Row, list[Row]]], source: str | None
    ) -> WriteStats:
        now = datetime.now(UTC)
        latest: dict[str, tuple[Row, list[Row]]] = {row["id"]: (row, turns) for row, turns in received}
        with write_transaction(self._engine) as conn:
            existing: dict[str, tuple[str, str]] = {}
            for chunk in _chunks(list(latest), _IN_CHUNK):
                query = select(
                    conversations_table.c.id,
                    conversations_table.c.content_hash,
                    conversations_table.c.record_hash,
                ).where(conversations_table.c.id.in_(chunk))
                for found_id, content_hash, record_hash in conn.execute(query):
                    existing[found_id] = (content_hash, record_hash)

            stats = _sequential_stats(
                [row["id"] for row, _turns in received],
                [row["record_hash"] for row, _turns in received],
                {key: hashes[1] for key, hashes in existing.items()},
            )
            new_rows: list[Row] = []
            new_turns: list[Row] = []
            changed_rows: list[Row] = []
            changed_turns: list[Row] = []
            stale_results: list[str] = []
            for conversation_id, (row, turns) in latest.items():
                before = existing.get(conversation_id)
                if before is not None and before[1] == row["record_hash"]:
                    continue
                stamped = {**row, "ingested_at": now, "source": source}
                if before is None:
                    new_rows.append(stamped)
                    new_turns.extend(turns)
                else:
                    changed_rows.append(stamped)
                    changed_turns.extend(turns)
                    if before[0] != row["content_hash"]:
                        stale_results.append(conversation_id)

            _insert_ignoring_conflicts(conn, conversations_table, new_rows)
            _insert_ignoring_conflicts(conn, turns_table, new_turns)
            _insert_ignoring_conflicts(
                conn, conversation_agents_table, [a for r in new_rows for a in agent_rows(r, latest[r["id"]][1])]
            )
            if changed_rows:
                for chunk in _chunks(stale_results, _IN_CHUNK):
                    conn.execute(delete(findings_table).where(findings_table.c.conversation_id.in_(chunk)))
                    conn.execute(delete(results_table).where(results_table.c.conversation_id.in_(chunk)))
                for chunk in _chunks([row["id"] for row in changed_rows], _IN_CHUNK):
                    conn.execute(delete(turns_table).where(turns_table.c.conversation_id.in_(chunk)))
                _update_by_id(conn, conversations_table, changed_rows)
                _copy_team_to_results(conn, changed_rows)
                _insert_ignoring_conflicts(conn, turns_table, changed_turns)
                for chunk in _chunks([row["id"] for row in changed_rows], _IN_CHUNK):
                    conn.execute(
                        delete(conversation_agents_table).where(conversation_agents_table.c.conversation_id.in_(chunk))
                    )
                _insert_ignoring_conflicts(
                    conn,
                    conversation_agents_table,
                    [a for r in changed_rows for a in agent_rows(r, latest[r["id"]][1])],
                )
        return stats

    def ingest_conversations(
        self,
        stream: Iterable[Conversation],
        *,
        source: str | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_batch: Callable[[WriteStats], None] | None = None,
    ) -> WriteStats:
        """Write a stream of any length in transactions of ``batch_size`` conversations.

        Memory stays bounded by one batch. If the stream or the process dies, every batch written
        before stays written and the one in progress is rolled back; running the same ingest again
        stores exactly what is missing. ``on_batch`` receives each batch's stats after its commit
        (for progress bars).
        """
        _check_batch_size(batch_size)
        total = WriteStats()
        for batch in _batches(stream, batch_size):
            stats = self.write_conversations(batch, source=source)
            total += stats.counts()
            if on_batch is not None:
                on_batch(stats)
        return total

    def _values_by_id(self, key: Any, value: Any, ids: Sequence[str]) -> dict[str, Any]:
        """{id: value} for those of `ids` stored, reading column `value` keyed by column `key`."""
        found: dict[str, Any] = {}
        with self._engine.connect() as conn:
            for chunk in _chunks([storable_text(i) for i in ids], _IN_CHUNK):
                found.update((row[0], row[1]) for row in conn.execute(select(key, value).where(key.in_(chunk))))
        return found

    def stored_teams(self, conversation_ids: Sequence[str]) -> dict[str, str | None]:
        """id -> team of those of `conversation_ids` already stored (for write authorisation)."""
        return self._values_by_id(conversations_table.c.id, conversations_table.c.team, conversation_ids)

    def stored_content_hashes(self, conversation_ids: Sequence[str]) -> dict[str, str]:
        """id -> content hash (what was said) of those of `conversation_ids` already stored."""
        return self._values_by_id(conversations_table.c.id, conversations_table.c.content_hash, conversation_ids)

    def stored_survey_conversations(self, survey_ids: Sequence[str]) -> dict[str, str | None]:
        """survey id -> the conversation id it is stored against, for those already stored."""
        return self._values_by_id(surveys_table.c.id, surveys_table.c.conversation_id, survey_ids)

    def get_conversation(self, conversation_id: str) -> Conversation | None:
        """The stored conversation with this id, or None."""
        found = self._conversations_page(conversations_table.c.id == storable_text(conversation_id), limit=1)
        return found[0] if found else None

    def iter_conversations(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        team: str | None = None,
        customer_id: str | None = None,
        without_results: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> Iterator[Conversation]:
        """Stream stored conversations in id order, ``batch_size`` at a time.

        ``since`` is inclusive and ``until`` exclusive, both on ``started_at`` (naive = UTC);
        either one excludes conversations without a start time. ``without_results`` keeps only
        conversations that have no analysis result (new, or changed since their last analysis).
        """
        _check_batch_size(batch_size)
        c = conversations_table.c
        conditions = _scope_conditions(since, until, team)
        if customer_id is not None:
            conditions.append(c.customer_id == customer_id)
        if without_results:
            conditions.append(~exists().where(results_table.c.conversation_id == c.id))
        yield from _keyset_pages(
            lambda after: self._conversations_page(*conditions, after=after, limit=batch_size),
            lambda conversation: conversation.id,
            batch_size,
        )

    def iter_analysed_rows(
        self,
        *,
        company: str | None = None,
        started: tuple[datetime | None, datetime | None] = (None, None),
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> Iterator[AnalysedRows]:
        """Stream conversations in id order, each with its result (None when not analysed), as the
        stored columns the insight stage reads: no metadata, explanations, copied span texts or score
        breakdowns, and no models built (the report reads every contact of its period; building and
        validating two models per contact was a fifth of its time).

        One page of conversations, then the turns, results and findings of exactly those ids, so a
        caller that reduces each as it comes (the report's insights) never holds more than one page.
        `started` = [since, until) narrows to conversations stored with a start in that range, plus
        those stored without one (their start may come from a turn's time: the caller decides).
        """
        _check_batch_size(batch_size)
        conditions = _analysed_conditions(company, started)
        c, t, r, f = conversations_table.c, turns_table.c, results_table.c, findings_table.c
        after: str | None = None
        while True:
            query = (
                select(c.id, c.channel, c.company, c.team, c.customer_id, c.started_at, c.agent_ids)
                .where(*conditions, *([] if after is None else [c.id > after]))
                .order_by(c.id)
                .limit(batch_size)
            )
            with self._engine.connect() as conn:
                rows = conn.execute(query).mappings().all()
                ids = [row["id"] for row in rows]
                turns: dict[str, list[Mapping[str, Any]]] = {cid: [] for cid in ids}
                findings: dict[str, list[Mapping[str, Any]]] = {cid: [] for cid in ids}
                results: dict[str, Mapping[str, Any]] = {}
                for chunk in _chunks(ids, _IN_CHUNK):
                    turn_query = select(t.conversation_id, t.role, t.author, t.text, t.ts).where(
                        t.conversation_id.in_(chunk)
                    )
                    for turn in conn.execute(turn_query.order_by(t.conversation_id, t.idx)).mappings():
                        turns[turn["conversation_id"]].append(turn)
                    result_query = select(
                        r.conversation_id, r.outcome, r.outcome_confidence, r.outcome_evidence, r.scorecard, r.points
                    ).where(r.conversation_id.in_(chunk))
                    for result in conn.execute(result_query).mappings():
                        results[result["conversation_id"]] = result
                    finding_query = select(
                        f.conversation_id, f.label, f.turn, f.start, f.end, f.confidence
                    ).where(f.conversation_id.in_(chunk))
                    for finding in conn.execute(finding_query.order_by(f.id)).mappings():
                        findings[finding["conversation_id"]].append(finding)
            for row in rows:
                cid = row["id"]
                yield AnalysedRows(row, turns[cid], results.get(cid), findings[cid])
            if len(rows) < batch_size:
                return
            after = ids[-1]

    def results_for(self, conversation_ids: Sequence[str]) -> dict[str, AnalysisResult]:
        """The stored results of these conversations (those that have one), by conversation id."""
        found: dict[str, AnalysisResult] = {}
        for chunk in _chunks(list(conversation_ids), _IN_CHUNK):
            for result in self._results_page(results_table.c.conversation_id.in_(chunk), limit=len(chunk)):
                found[result.id] = result
        return found

    def _conversations_page(
        self, *conditions: ColumnElement[bool], after: str | None = None, limit: int
    ) -> list[Conversation]:
        c = conversations_table.c
        query: Select[Any] = select(conversations_table).order_by(c.id).limit(limit)
        if conditions:
            query = query.where(*conditions)
        if after is not None:
            query = query.where(c.id > after)
        with self._engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            if not rows:
                return []
            turns_by_id: dict[str, list[Row]] = {row["id"]: [] for row in rows}
            t = turns_table.c
            for chunk in _chunks(list(turns_by_id), _IN_CHUNK):
                turn_query = (
                    select(turns_table).where(t.conversation_id.in_(chunk)).order_by(t.conversation_id, t.idx)
                )
                for turn in conn.execute(turn_query).mappings():
                    turns_by_id[turn["conversation_id"]].append(dict(turn))
        return [conversation_from_rows(row, turns_by_id[row["id"]]) for row in rows]

    # -- surveys -------------------------------------------------------------------------------

    def write_surveys(self, batch: Iterable[Survey]) -> WriteStats:
        """Store one batch of surveys in ONE transaction; idempotent by survey id like conversations."""
        incoming: dict[str, Row] = {}
        for survey in batch:
            row = {
                key: storable_text(value) if isinstance(value, str) else value
                for key, value in survey_row(survey).items()
            }
            incoming[row["id"]] = row
        if not incoming:
            return WriteStats()
        with write_transaction(self._engine) as conn:
            existing: dict[str, Row] = {}
            for chunk in _chunks(list(incoming), _IN_CHUNK):
                query = select(surveys_table).where(surveys_table.c.id.in_(chunk))
                for found in conn.execute(query).mappings():
                    existing[found["id"]] = dict(found)
            new_rows = [row for survey_id, row in incoming.items() if survey_id not in existing]
            changed = [
                row
                for survey_id, row in incoming.items()
                if survey_id in existing and existing[survey_id] != row
            ]
            _insert_ignoring_conflicts(conn, surveys_table, new_rows)
            _update_by_id(conn, surveys_table, changed)
        return WriteStats(
            stored=len(new_rows),
            duplicates=len(incoming) - len(new_rows) - len(changed),
            updated=len(changed),
        )

    def iter_surveys(
        self, *, conversation_id: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> Iterator[Survey]:
        """Stream stored surveys in id order, optionally only those joined to one conversation."""
        _check_batch_size(batch_size)
        s = surveys_table.c

        def page(after: str | None) -> list[Survey]:
            query = select(surveys_table).order_by(s.id).limit(batch_size)
            if conversation_id is not None:
                query = query.where(s.conversation_id == conversation_id)
            if after is not None:
                query = query.where(s.id > after)
            with self._engine.connect() as conn:
                return [survey_from_row(row) for row in conn.execute(query).mappings().all()]

        yield from _keyset_pages(page, lambda survey: survey.id, batch_size)

    # -- analysis results ------------------------------------------------------------------------

    def write_results(
        self, results: Iterable[AnalysisResult], *, analyzed_at: datetime | None = None
    ) -> WriteStats:
        """Store analysis results in ONE transaction, each replacing that conversation's previous one.

        ``stored`` counts conversations analysed for the first time, ``updated`` those whose
        earlier result (and all its findings) was replaced. Every result must belong to a stored
        conversation; otherwise nothing is written and StoreError names the missing ids.
        """
        when = to_utc(analyzed_at) if analyzed_at is not None else datetime.now(UTC)
        incoming: dict[str, tuple[Row, list[Row]]] = {}
        for result in results:
            row, findings = result_rows(result, when)
            incoming[storable_text(result.id)] = (row, findings)
        if not incoming:
            return WriteStats()
        ids = list(incoming)
        with write_transaction(self._engine) as conn:
            known: dict[str, str | None] = {}  # conversation id -> its team (copied onto the result)
            replaced: set[str] = set()
            c = conversations_table.c
            for chunk in _chunks(ids, _IN_CHUNK):
                known.update((cid, team) for cid, team in conn.execute(select(c.id, c.team).where(c.id.in_(chunk))))
                replaced.update(
                    conn.scalars(
                        select(results_table.c.conversation_id).where(
                            results_table.c.conversation_id.in_(chunk)
                        )
                    )
                )
            missing = [i for i in ids if i not in known]
            if missing:
                shown = ", ".join(repr(i) for i in missing[:5])
                raise StoreError(
                    f"{len(missing)} analysis result(s) belong to conversations that are not stored "
                    f"({shown}{', ...' if len(missing) > 5 else ''}); write those conversations first. "
                    "Nothing from this batch was written."
                )
            for chunk in _chunks(sorted(replaced), _IN_CHUNK):
                conn.execute(delete(findings_table).where(findings_table.c.conversation_id.in_(chunk)))
                conn.execute(delete(results_table).where(results_table.c.conversation_id.in_(chunk)))
            conn.execute(
                insert(results_table), [{**row, "team": known[cid]} for cid, (row, _findings) in incoming.items()]
            )
            all_findings = [finding for _row, findings in incoming.values() for finding in findings]
            if all_findings:
                conn.execute(insert(findings_table), all_findings)
        return WriteStats(stored=len(ids) - len(replaced), updated=len(replaced))

    def get_result(self, conversation_id: str) -> AnalysisResult | None:
        """The stored analysis result of this conversation, or None."""
        found = self._results_page(results_table.c.conversation_id == storable_text(conversation_id), limit=1)
        return found[0] if found else None

    def iter_results(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        team: str | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> Iterator[AnalysisResult]:
        """Stream stored results in conversation-id order; filters apply to their conversations
        exactly as in :meth:`iter_conversations`."""
        _check_batch_size(batch_size)
        conditions = _scope_conditions(since, until, team)
        if conditions:
            in_scope = select(conversations_table.c.id).where(*conditions)
            conditions = [results_table.c.conversation_id.in_(in_scope)]
        yield from _keyset_pages(
            lambda after: self._results_page(*conditions, after=after, limit=batch_size),
            lambda result: result.id,
            batch_size,
        )

    def _results_page(
        self, *conditions: ColumnElement[bool], after: str | None = None, limit: int
    ) -> list[AnalysisResult]:
        r = results_table.c
        query: Select[Any] = select(results_table).order_by(r.conversation_id).limit(limit)
        if conditions:
            query = query.where(*conditions)
        if after is not None:
            query = query.where(r.conversation_id > after)
        with self._engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            if not rows:
                return []
            findings_by_id: dict[str, list[Row]] = {row["conversation_id"]: [] for row in rows}
            f = findings_table.c
            for chunk in _chunks(list(findings_by_id), _IN_CHUNK):
                finding_query = select(findings_table).where(f.conversation_id.in_(chunk)).order_by(f.id)
                for finding in conn.execute(finding_query).mappings():
                    findings_by_id[finding["conversation_id"]].append(dict(finding))
        return [result_from_rows(row, findings_by_id[row["conversation_id"]]) for row in rows]

    # -- overview --------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Rows per table: conversations, turns, surveys, analysis_results, findings."""
        tables = {
            "conversations": conversations_table,
            "turns": turns_table,
            "surveys": surveys_table,
            "analysis_results": results_table,
            "findings": findings_table,
        }
        with self._engine.connect() as conn:
            return {
                name: conn.scalar(select(func.count()).select_from(table)) or 0
                for name, table in tables.items()
            }
