"""Pages of conversations and of the review queue, filtered, sorted and counted in the database.

Why here and not in Python: a list page must cost the same on a store of 500 contacts and of a
million. Filters become indexed WHERE clauses (team, start time, outcome, agent through
`conversation_agents`, label through `findings`), the page is ORDER BY ... LIMIT/OFFSET, and only
the rows of that page are read back with their labels, agents and turn counts.

Visibility is part of the query (`Visibility`), so a row a user may not see is never counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, exists, false, func, literal, select, true
from sqlalchemy.engine import Connection

from fixfirst.store.column_types import to_utc
from fixfirst.store.search import matches, matching_ids, search_words
from fixfirst.store.store import Store
from fixfirst.store.tables import (
    conversation_agents_table,
    conversations_table,
    findings_table,
    results_table,
    turns_table,
)
from fixfirst.store.web_tables import web_disputes_table as disputes_table
from fixfirst.store.web_tables import web_reviews_table as reviews_table

_c, _r, _a, _f = conversations_table.c, results_table.c, conversation_agents_table.c, findings_table.c

#: Totals are counted exactly up to this many rows; a total of COUNT_CAP + 1 means "more than
#: COUNT_CAP" ("10,000+"). Counting the matches of a broad filter on a million contacts up to
#: 100,000 took 0.2-0.6 s a page view; nobody pages past the first ten thousand (exports have their
#: own limit, `fixfirst.web.exports.MAX_EXPORT_ROWS`).
COUNT_CAP = 10_000
#: A list page is first looked for among this many newest conversations (in list order): a broad
#: filter finds its page there at once, where the database would otherwise read every match through
#: the filter's index and sort them all (1.4-1.7 s for one outcome on a million).
RECENT_WINDOW = 20_000


def _capped_count(conn: Connection, query: Any) -> int:
    """Rows of `query` (a SELECT), counted up to COUNT_CAP + 1."""
    limited = query.limit(COUNT_CAP + 1).subquery()
    return int(conn.scalar(select(func.count()).select_from(limited)) or 0)


@dataclass(frozen=True)
class Visibility:
    """What one user may see: every team (`teams=None`), some teams, or one agent's own contacts."""

    teams: tuple[str, ...] | None = None
    agent: str | None = None
    nothing: bool = False

    def condition(
        self, ids: ColumnElement[str] = _c.id, team: ColumnElement[str | None] = _c.team
    ) -> ColumnElement[bool]:
        """The restriction as SQL on the conversation ids in `ids` and teams in `team` (the results
        table's own columns let the review queue skip the join with conversations)."""
        if self.nothing:
            return false()
        conditions: list[ColumnElement[bool]] = []
        if self.agent is not None:
            conditions.append(_has_agent(self.agent, ids))
        if self.teams is not None:
            conditions.append(team.in_(self.teams) if self.teams else false())
        return and_(true(), *conditions)


@dataclass(frozen=True)
class ListFilter:
    team: str | None = None
    agent: str | None = None
    outcome: str | None = None
    label: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    channel: str | None = None
    text: str | None = None  # full-text search over the turns (fixfirst.store.search)


def _has_agent(agent: str, ids: ColumnElement[str] = _c.id) -> ColumnElement[bool]:
    # IN (indexed subquery), not a correlated EXISTS: the planner reads the agent's rows once.
    return ids.in_(select(_a.conversation_id).where(_a.agent_id == agent))


def _unindexed(column: ColumnElement[str | None]) -> ColumnElement[str]:
    """`column || ''`: the same value, but no index on it can be used. Checking a few given rows
    (`_page_among_newest`) must not make the planner read every row of a broad filter's index."""
    return column.concat("")


def _conditions(
    f: ListFilter, dialect: str, *, per_row: bool = False, among: Sequence[str] | None = None
) -> list[ColumnElement[bool]]:
    """The filter as SQL; `per_row` checks each candidate row instead of reading the team, outcome
    and label indexes (for a query already limited to the given ids `among`, whose turns alone the
    text search then reads)."""
    same = _unindexed if per_row else (lambda column: column)
    conditions: list[ColumnElement[bool]] = []
    if f.channel is not None:
        conditions.append(_c.channel == f.channel)
    if f.text and search_words(f.text):  # only punctuation or spaces: no search
        conditions.append(matches(f.text, dialect, among=among))
    if f.team is not None:
        conditions.append(same(_c.team) == f.team)
    if f.agent is not None:
        conditions.append(_has_agent(f.agent))
    if f.outcome is not None:
        conditions.append(same(_r.outcome) == f.outcome)
    if f.label is not None:
        if per_row:  # the given rows' findings, through ix_findings_conversation_id
            conditions.append(exists().where(_f.conversation_id == _c.id, _unindexed(_f.label) == f.label))
        else:
            conditions.append(_c.id.in_(select(_f.conversation_id).where(_f.label == f.label)))
    if f.since is not None:
        conditions.append(_c.started_at >= to_utc(f.since))
    if f.until is not None:
        conditions.append(_c.started_at < to_utc(f.until))
    return conditions


def _page_details(conn: Connection, ids: Sequence[str]) -> tuple[dict[str, list[str]], dict[str, list[str]], dict]:
    """Agents, finding labels and turn counts of the conversations on one page."""
    agents: dict[str, list[str]] = defaultdict(list)
    for cid, agent in conn.execute(select(_a.conversation_id, _a.agent_id).where(_a.conversation_id.in_(ids))):
        agents[cid].append(agent)
    labels: dict[str, set[str]] = defaultdict(set)
    for cid, label in conn.execute(select(_f.conversation_id, _f.label).where(_f.conversation_id.in_(ids))):
        labels[cid].add(label)
    t = turns_table.c
    counts = dict(
        conn.execute(
            select(t.conversation_id, func.count()).where(t.conversation_id.in_(ids)).group_by(t.conversation_id)
        ).all()
    )
    return (
        {cid: sorted(names) for cid, names in agents.items()},
        {cid: sorted(found) for cid, found in labels.items()},
        counts,
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else to_utc(moment).isoformat()


#: The list order: newest first, no start time last, then id descending. It walks
#: ix_conversations_started_at backwards (NULLS LAST is SQLite's own DESC order).
_NEWEST_FIRST = (_c.started_at.desc().nulls_last(), _c.id.desc())
#: Ids per step through the newest conversations: one indexed IN-list the planner always drives.
_WINDOW_STEP = 1000


def _page_among_newest(
    conn: Connection, query: Callable[[list[str]], Select[Any]], limit: int, offset: int
) -> list[Row[Any]] | None:
    """The page of `query(ids)` (a filtered list SELECT for those ids) found among the RECENT_WINDOW
    newest conversations, walked in list order a step of ids at a time; None when they hold too few
    matches and older ones exist. Why: the database answers a broad filter ("resolved") by reading
    every match through that filter's index and sorting them all; the newest conversations hold its page."""
    if offset + limit > RECENT_WINDOW:
        return None
    ids = conn.execute(select(_c.id).order_by(*_NEWEST_FIRST).limit(RECENT_WINDOW))
    found: list[Row[Any]] = []
    seen = 0
    for step in ids.scalars().partitions(_WINDOW_STEP):
        seen += len(step)
        found += conn.execute(query(list(step)).where(_c.id.in_(step)).order_by(*_NEWEST_FIRST)).all()
        if len(found) >= offset + limit:
            ids.close()
            return found[offset : offset + limit]
    return found[offset : offset + limit] if seen < RECENT_WINDOW else None


def list_conversation_page(
    store: Store, visible: Visibility, f: ListFilter, *, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    """(total matching, capped at COUNT_CAP + 1, and one page of summaries), newest first (no start time
    last, then id descending)."""
    dialect = store.engine.dialect.name
    searched = bool(f.text and search_words(f.text))
    where = [visible.condition(), *_conditions(f, dialect)]
    joined = conversations_table.outerjoin(results_table, _r.conversation_id == _c.id)
    columns = (_c.id, _c.channel, _c.team, _c.started_at, _r.outcome, _r.outcome_confidence, _r.points)
    # The count joins the results only when a filter needs them.
    counted = joined if f.outcome is not None else conversations_table
    if f.label is None and searched:
        # Walk the matches from the search index up to the cap (every match first: 16 s for "the").
        others = [visible.condition(), *_conditions(replace(f, text=None), dialect)]
        count_query = matching_ids(f.text or "", dialect, counted, others)
    elif f.label is not None:
        # Walk the label's findings up to the cap, instead of first collecting every conversation
        # that has the label (0.6 s for a common one on a million).
        others = [visible.condition(), *_conditions(replace(f, label=None), dialect)]
        count_query = (
            select(_f.conversation_id).distinct()
            .select_from(findings_table.join(counted, _c.id == _f.conversation_id))
            .where(_f.label == f.label, *others)
        )
    else:
        count_query = select(literal(1)).select_from(counted).where(*where)
    with store.engine.connect() as conn:
        total = _capped_count(conn, count_query)
        def step_query(ids: list[str]) -> Select[Any]:
            per_row = [visible.condition(team=_unindexed(_c.team)), *_conditions(f, dialect, per_row=True, among=ids)]
            return select(*columns).select_from(joined).where(*per_row)

        rows = _page_among_newest(conn, step_query, limit, offset)
        if rows is None:  # the page reaches past the newest conversations: the whole table, one query
            rows = conn.execute(
                select(*columns).select_from(joined).where(*where).order_by(*_NEWEST_FIRST).limit(limit).offset(offset)
            ).all()
        agents, labels, turns = _page_details(conn, [row.id for row in rows]) if rows else ({}, {}, {})
    return total, [
        {
            "id": row.id,
            "channel": row.channel,
            "team": row.team,
            "agents": agents.get(row.id, []),
            "started_at": _iso(row.started_at),
            "turns": turns.get(row.id, 0),
            "outcome": row.outcome,
            "outcome_confidence": row.outcome_confidence,
            "score": row.points,
            "labels": labels.get(row.id, []),
        }
        for row in rows
    ]


@dataclass(frozen=True)
class QueueRow:
    conversation_id: str
    outcome: str
    confidence: float
    reasons: tuple[str, ...]
    open_disputes: int


def review_queue_page(
    store: Store, visible: Visibility, *, low_confidence: float, limit: int, offset: int
) -> tuple[int, list[QueueRow]]:
    """Conversations with open disputes (most disputes first), then unreviewed low-confidence ones
    (lowest confidence first): the same order as `fixfirst.web.review.review_queue`, paged in SQL."""
    d, v = disputes_table.c, reviews_table.c
    open_count = (
        select(func.count())
        .where(d.conversation_id == _r.conversation_id, d.status == "open")
        .correlate(results_table)
        .scalar_subquery()
    )
    reviewed = exists().where(v.conversation_id == _r.conversation_id, v.item == "outcome")
    low = and_(_r.outcome_confidence < low_confidence, ~reviewed)
    # The queue reads the results table alone, from its covering indexes (migrations 0009 and 0010):
    # on a million results a cold count went from 2.1 s (all teams) and 5 s (one team) to under 0.1 s.
    seen = visible.condition(_r.conversation_id, _r.team)
    disputed_ids = select(d.conversation_id).where(d.status == "open")
    disputed = _r.conversation_id.in_(disputed_ids)
    with store.engine.connect() as conn:
        # Few conversations are disputed: read them all, sorted like the Python queue.
        first = conn.execute(
            select(_r.conversation_id, _r.outcome, _r.outcome_confidence, open_count.label("n"), low.label("low"))
            .select_from(results_table)
            .where(seen, disputed)
        ).all()
        first_rows = sorted(
            (
                QueueRow(
                    row.conversation_id, row.outcome, row.outcome_confidence,
                    ("disputed", "low confidence") if row.low else ("disputed",), row.n,
                )
                for row in first
            ),
            key=lambda e: (-e.open_disputes, e.confidence, e.conversation_id),
        )
        low_where = [seen, low, ~disputed]
        low_total = _capped_count(conn, select(literal(1)).select_from(results_table).where(*low_where))
        rows = first_rows[offset : offset + limit]
        wanted = limit - len(rows)
        if wanted > 0:
            skip = max(0, offset - len(first_rows))
            rest = conn.execute(
                select(_r.conversation_id, _r.outcome, _r.outcome_confidence)
                .select_from(results_table)
                .where(*low_where)
                .order_by(_r.outcome_confidence, _r.conversation_id)
                .limit(wanted)
                .offset(skip)
            ).all()
            rows += [
                QueueRow(row.conversation_id, row.outcome, row.outcome_confidence, ("low confidence",), 0)
                for row in rest
            ]
    return min(len(first_rows) + low_total, COUNT_CAP + 1), rows


def visible_ids(store: Store, visible: Visibility, ids: Sequence[str]) -> set[str]:
    """Which of `ids` the user may see (for per-id lookups such as reviewed conversations)."""
    found: set[str] = set()
    with store.engine.connect() as conn:
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            query = select(_c.id).where(_c.id.in_(chunk), visible.condition())
            found.update(conn.scalars(query))
    return found


__all__ = [
    "COUNT_CAP",
    "ListFilter",
    "QueueRow",
    "Visibility",
    "list_conversation_page",
    "review_queue_page",
    "visible_ids",
]


def list_companies(store: Store, limit: int = 200) -> list[str]:
    """The companies (brands) with stored conversations, for the dashboard's company filter."""
    query = select(_c.company).where(_c.company.is_not(None)).distinct().order_by(_c.company).limit(limit)
    with store.engine.connect() as conn:
        return [str(row[0]) for row in conn.execute(query)]
