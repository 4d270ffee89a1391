"""Sampling rules, the conversations they draw, and who is assigned to review what.

Why in SQL: a week of a 200-agent team is 20,000 contacts; each rule is one indexed query over
that week (start time, outcome, sentiment, agent, customer), never a scan of the store in Python.
A draw skips conversations that already have a review or an assignment, so running a rule twice
in a week never hands anyone the same conversation twice (the unique key on conversation and
reviewer enforces it too).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, case, exists, func, insert, select

from fixfirst.store.column_types import to_utc
from fixfirst.store.engine import write_transaction
from fixfirst.store.listing import Visibility
from fixfirst.store.store import Store
from fixfirst.store.tables import conversation_agents_table, conversations_table, results_table
from fixfirst.store.web_tables import (
    web_assignments_table,
    web_notifications_table,
    web_reviews_table,
    web_sampling_rules_table,
)

_c, _r, _a = conversations_table.c, results_table.c, conversation_agents_table.c
_rules, _asg, _rev = web_sampling_rules_table.c, web_assignments_table.c, web_reviews_table.c

#: A customer's contact counts as a repeat when the same customer had another contact this many days before.
REPEAT_WINDOW_DAYS = 7


class SamplingKind(StrEnum):
    """What a rule draws from a week's analysed conversations."""

    RANDOM_PER_AGENT = "random_per_agent"  # n at random per agent
    LOW_CONFIDENCE = "low_confidence"  # every verdict under the review queue's confidence bar
    UNRESOLVED_NEGATIVE_END = "unresolved_negative_end"  # unresolved, and the customer ended negative
    REPEAT_CONTACTS = "repeat_contacts"  # the customer had contacted us in the days before


KIND_NAMES = {
    SamplingKind.RANDOM_PER_AGENT: "random n per agent",
    SamplingKind.LOW_CONFIDENCE: "every low-confidence verdict",
    SamplingKind.UNRESOLVED_NEGATIVE_END: "every unresolved contact that ended negative",
    SamplingKind.REPEAT_CONTACTS: f"every repeat contact (same customer within {REPEAT_WINDOW_DAYS} days)",
}


class SamplingError(ValueError):
    """A rule that cannot be stored or drawn (unknown kind, missing n)."""


@dataclass(frozen=True)
class SamplingRule:
    id: int
    name: str
    kind: SamplingKind
    per_agent: int | None
    team: str | None
    created_by: str
    created_at: datetime

    def describe(self) -> str:
        what = KIND_NAMES[self.kind].replace(" n ", f" {self.per_agent} ") if self.per_agent else KIND_NAMES[self.kind]
        return what + (f", team {self.team}" if self.team else "")


@dataclass(frozen=True)
class QueueItem:
    """One conversation in a reviewer's queue, with what a reviewer wants to see before opening it."""

    conversation_id: str
    agents: tuple[str, ...]
    team: str | None
    channel: str
    started_at: datetime | None
    rule: str | None
    assigned_by: str
    assigned_at: datetime
    done: bool


def add_sampling_rule(
    store: Store, name: str, kind: str, created_by: str, *, per_agent: int | None = None, team: str | None = None
) -> SamplingRule:
    """Store a rule; a random rule needs `per_agent` between 1 and 100, the others take none."""
    try:
        chosen = SamplingKind(kind)
    except ValueError:
        raise SamplingError(f"kind: {kind!r} is not one of {', '.join(k.value for k in SamplingKind)}") from None
    if chosen is SamplingKind.RANDOM_PER_AGENT:
        if per_agent is None or not 1 <= per_agent <= 100:
            raise SamplingError("per_agent: a random rule needs how many per agent (1 to 100)")
    else:
        per_agent = None
    if not name.strip():
        raise SamplingError("name: give the rule a name")
    row = {"name": name.strip(), "kind": chosen.value, "per_agent": per_agent, "team": team or None,
           "created_by": created_by, "created_at": datetime.now(UTC)}
    with write_transaction(store.engine) as conn:
        rule_id = conn.execute(insert(web_sampling_rules_table).returning(_rules.id), [row]).scalar_one()
    return SamplingRule(id=rule_id, **{**row, "kind": chosen})


def list_sampling_rules(store: Store) -> list[SamplingRule]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(web_sampling_rules_table).order_by(_rules.id)).mappings().all()
    return [SamplingRule(**{**row, "kind": SamplingKind(row["kind"])}) for row in rows]


def get_sampling_rule(store: Store, rule_id: int) -> SamplingRule | None:
    return next((r for r in list_sampling_rules(store) if r.id == rule_id), None)


def draw(
    store: Store,
    rule: SamplingRule,
    visible: Visibility,
    since: datetime,
    until: datetime,
    *,
    low_confidence: float,
    seed: int = 0,
) -> list[str]:
    """The conversations `rule` picks among those analysed and started in [since, until), that the
    lead may see, with no review and no assignment yet. A random rule takes n per agent per week in
    all (what it already assigned that week counts) and is reproducible for a seed."""
    reviewed = exists().where(_rev.conversation_id == _c.id, _rev.item == "outcome")
    assigned = exists().where(_asg.conversation_id == _c.id)
    where = [
        visible.condition(),
        _c.started_at >= to_utc(since),
        _c.started_at < to_utc(until),
        ~reviewed,
        ~assigned,
    ]
    if rule.team is not None:
        where.append(_c.team == rule.team)
    base = conversations_table.join(results_table, _r.conversation_id == _c.id)
    if rule.kind is SamplingKind.RANDOM_PER_AGENT:
        by_agent: dict[str, list[str]] = defaultdict(list)
        with_agents = base.join(conversation_agents_table, _a.conversation_id == _c.id)
        query = select(_a.agent_id, _c.id).select_from(with_agents)
        with store.engine.connect() as conn:
            for agent, cid in conn.execute(query.where(*where).order_by(_a.agent_id, _c.id)):
                by_agent[agent].append(cid)
            # n per agent per week in all: what this rule already assigned that week counts.
            already = conn.execute(
                select(_a.agent_id, func.count())
                .select_from(web_assignments_table.join(conversations_table, _c.id == _asg.conversation_id)
                             .join(conversation_agents_table, _a.conversation_id == _c.id))
                .where(_asg.rule_id == rule.id, _c.started_at >= to_utc(since), _c.started_at < to_utc(until))
                .group_by(_a.agent_id)
            )
            quota = {agent: (rule.per_agent or 0) - int(n) for agent, n in already}
        rng = random.Random(seed)
        picked: dict[str, None] = {}
        for agent in sorted(by_agent):
            candidates = [cid for cid in by_agent[agent] if cid not in picked]
            wanted = max(0, quota.get(agent, rule.per_agent or 0))
            picked.update(dict.fromkeys(rng.sample(candidates, min(wanted, len(candidates)))))
        return list(picked)
    if rule.kind is SamplingKind.LOW_CONFIDENCE:
        where.append(_r.outcome_confidence < low_confidence)
    elif rule.kind is SamplingKind.UNRESOLVED_NEGATIVE_END:
        where += [_r.outcome == "unresolved", _r.sentiment_end == "negative"]
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(_c.id, _c.customer_id, _c.started_at).select_from(base).where(*where).order_by(_c.started_at, _c.id)
        ).all()
        if rule.kind is not SamplingKind.REPEAT_CONTACTS:
            return [row.id for row in rows]
        # Portable across SQLite and PostgreSQL (no date arithmetic in SQL): the customers' contacts
        # from a window before the week, read by customer in chunks.
        window = timedelta(days=REPEAT_WINDOW_DAYS)
        customers = sorted({row.customer_id for row in rows if row.customer_id})
        starts: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
        for start in range(0, len(customers), 500):
            chunk = customers[start : start + 500]
            for cid, customer, at in conn.execute(
                select(_c.id, _c.customer_id, _c.started_at).where(
                    _c.customer_id.in_(chunk), _c.started_at >= to_utc(since - window), _c.started_at < to_utc(until)
                )
            ):
                starts[customer].append((at, cid))
    return [
        row.id
        for row in rows
        if row.customer_id
        and any(cid != row.id and row.started_at - window <= at < row.started_at for at, cid in starts[row.customer_id])
    ]


def assign(
    store: Store,
    conversation_ids: Sequence[str],
    reviewers: Sequence[str],
    assigned_by: str,
    *,
    rule: SamplingRule | None = None,
    period_start: datetime | None = None,
    can_see: dict[str, set[str]] | None = None,
) -> dict[str, int]:
    """Share the conversations evenly among `reviewers` (each only what they may see, per
    `can_see`: reviewer -> visible ids), skip conversations already assigned to anyone, and notify
    each reviewer once - in one transaction. Returns reviewer -> conversations newly assigned."""
    if not reviewers:
        raise SamplingError("reviewers: choose at least one reviewer")
    now = datetime.now(UTC)
    with write_transaction(store.engine) as conn:
        taken: set[str] = set()
        for start in range(0, len(conversation_ids), 500):
            chunk = list(conversation_ids[start : start + 500])
            taken.update(conn.scalars(select(_asg.conversation_id).where(_asg.conversation_id.in_(chunk))))
        counts = dict.fromkeys(reviewers, 0)
        rows = []
        allowed = {cid: [r for r in reviewers if can_see is None or cid in can_see.get(r, set())]
                   for cid in dict.fromkeys(conversation_ids) if cid not in taken}
        # The conversations fewest reviewers may see go first, each to the least-loaded reviewer who may
        # see it, so a reviewer limited to one team still gets an even share.
        for cid in sorted((c for c in allowed if allowed[c]), key=lambda c: len(allowed[c])):
            reviewer = min(allowed[cid], key=lambda r: (counts[r], reviewers.index(r)))
            counts[reviewer] += 1
            rows.append({"conversation_id": cid, "reviewer": reviewer, "rule_id": rule.id if rule else None,
                         "period_start": period_start, "assigned_by": assigned_by, "assigned_at": now})
        if rows:
            conn.execute(insert(web_assignments_table), rows)
        notices = [
            {"username": reviewer, "text": f"{n} conversation{'s' if n != 1 else ''} assigned to you for review by "
             f"{assigned_by}" + (f" (rule: {rule.name})" if rule else "") + ".",
             "link": "/my-queue", "created_at": now, "read_at": None}
            for reviewer, n in counts.items() if n
        ]
        if notices:
            conn.execute(insert(web_notifications_table), notices)
    return counts


def _done() -> ColumnElement[bool]:
    return exists().where(
        _rev.conversation_id == _asg.conversation_id,
        _rev.reviewer == _asg.reviewer,
        _rev.item == "outcome",
        _rev.created_at >= _asg.assigned_at,
    )


def review_queue_of(store: Store, reviewer: str, *, include_done: bool = False, limit: int = 200) -> list[QueueItem]:
    """A reviewer's assignments, open ones first (oldest assignment first), with agent, team, channel, date."""
    done = _done().label("done")
    query = (
        select(_asg.conversation_id, _asg.assigned_by, _asg.assigned_at, _rules.name.label("rule"),
               _c.team, _c.channel, _c.started_at, done)
        .select_from(
            web_assignments_table.join(conversations_table, _c.id == _asg.conversation_id).outerjoin(
                web_sampling_rules_table, _rules.id == _asg.rule_id
            )
        )
        .where(_asg.reviewer == reviewer)
        .order_by(done, _asg.assigned_at, _c.started_at, _asg.conversation_id)
        .limit(limit)
    )
    if not include_done:
        query = query.where(~_done())
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
        agents: dict[str, list[str]] = defaultdict(list)
        ids = [row.conversation_id for row in rows]
        if ids:
            for cid, agent in conn.execute(select(_a.conversation_id, _a.agent_id).where(_a.conversation_id.in_(ids))):
                agents[cid].append(agent)
    return [
        QueueItem(row.conversation_id, tuple(sorted(agents[row.conversation_id])), row.team, row.channel,
                  row.started_at, row.rule, row.assigned_by, row.assigned_at, bool(row.done))
        for row in rows
    ]


def queue_counts(store: Store, reviewers: Iterable[str]) -> dict[str, tuple[int, int]]:
    """reviewer -> (open, done) assignments, for the lead's overview."""
    names = list(reviewers)
    query = (
        select(_asg.reviewer, func.count(), func.sum(case((_done(), 1), else_=0)))
        .where(_asg.reviewer.in_(names))
        .group_by(_asg.reviewer)
    )
    with store.engine.connect() as conn:
        found = {name: (int(total) - int(done or 0), int(done or 0)) for name, total, done in conn.execute(query)}
    return {name: found.get(name, (0, 0)) for name in names}


__all__ = [
    "KIND_NAMES",
    "QueueItem",
    "SamplingError",
    "SamplingKind",
    "SamplingRule",
    "add_sampling_rule",
    "assign",
    "draw",
    "get_sampling_rule",
    "list_sampling_rules",
    "queue_counts",
    "review_queue_of",
]
