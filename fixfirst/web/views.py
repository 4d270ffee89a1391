"""Read models shared by the REST API and the dashboard pages, filtered by who is asking.

Why shared: the JSON an API client gets and the page a manager sees must show the same numbers
and obey the same access rules; both call these functions with a Principal and never touch the
store or the insight stage directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fixfirst.insight import CoachingPlan, Insights, Scorecard
from fixfirst.model import AnalysisResult, Conversation
from fixfirst.store import Store
from fixfirst.store.column_types import to_utc
from fixfirst.store.web_records import DisputeRecord, ReviewRecord, iter_reviews, list_disputes
from fixfirst.web.access import Principal, agents_of
from fixfirst.web.insights_cache import InsightsCache, Snapshot
from fixfirst.web.review import finding_item


class NotVisible(LookupError):
    """The thing does not exist or the principal may not see it (the two are not told apart)."""


@dataclass(frozen=True)
class ConversationFilter:
    team: str | None = None
    agent: str | None = None
    outcome: str | None = None
    label: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def conversation_summary(conversation: Conversation, result: AnalysisResult | None) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "channel": conversation.channel,
        "team": conversation.team,
        "agents": sorted(agents_of(conversation)),
        "started_at": conversation.started_at.isoformat() if conversation.started_at else None,
        "turns": len(conversation.turns),
        "outcome": result.outcome.label.value if result else None,
        "outcome_confidence": result.outcome.confidence if result else None,
        "score": result.score.points if result and result.score else None,
        "labels": sorted({f.label for f in result.findings}) if result else [],
    }


def _matches(conversation: Conversation, result: AnalysisResult | None, f: ConversationFilter) -> bool:
    if f.team is not None and conversation.team != f.team:
        return False
    if f.agent is not None and f.agent not in agents_of(conversation):
        return False
    if f.outcome is not None and (result is None or result.outcome.label.value != f.outcome):
        return False
    if f.label is not None and (result is None or not result.has(f.label)):
        return False
    if f.since is not None or f.until is not None:
        if conversation.started_at is None:
            return False
        start = to_utc(conversation.started_at)
        if f.since is not None and start < to_utc(f.since):
            return False
        if f.until is not None and start >= to_utc(f.until):
            return False
    return True


def list_conversations(
    snapshot: Snapshot, who: Principal, f: ConversationFilter, *, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    """(total matching, one page of summaries), newest first."""
    visible = [
        c for c in snapshot.conversations.values() if who.can_see(c) and _matches(c, snapshot.results.get(c.id), f)
    ]
    visible.sort(key=lambda c: (c.started_at.timestamp() if c.started_at else 0.0, c.id), reverse=True)
    page = visible[offset : offset + limit]
    return len(visible), [conversation_summary(c, snapshot.results.get(c.id)) for c in page]


@dataclass(frozen=True)
class ConversationDetail:
    conversation: Conversation
    result: AnalysisResult | None
    reviews: list[ReviewRecord]
    disputes: list[DisputeRecord]
    surveys: list[Any]


def conversation_detail(store: Store, snapshot: Snapshot, who: Principal, conversation_id: str) -> ConversationDetail:
    conversation = snapshot.conversations.get(conversation_id) or store.get_conversation(conversation_id)
    if conversation is None or not who.can_see(conversation):
        raise NotVisible(conversation_id)
    result = snapshot.results.get(conversation_id) or store.get_result(conversation_id)
    return ConversationDetail(
        conversation=conversation,
        result=result,
        reviews=iter_reviews(store, conversation_id),
        disputes=list_disputes(store, conversation_id=conversation_id),
        surveys=list(store.iter_surveys(conversation_id=conversation_id)),
    )


def detail_json(detail: ConversationDetail) -> dict[str, Any]:
    result = detail.result
    findings = []
    if result is not None:
        for f in result.findings:
            findings.append(
                {
                    **f.model_dump(mode="json"),
                    "item": finding_item(f),
                    "evidence": f.evidence.model_dump(mode="json"),
                }
            )
    return {
        "conversation": detail.conversation.model_dump(mode="json"),
        "result": None
        if result is None
        else {
            "outcome": result.outcome.model_dump(mode="json"),
            "customer_sentiment": result.customer_sentiment.model_dump(mode="json"),
            "score": result.score.model_dump(mode="json") if result.score else None,
            "engine_version": result.engine_version,
            "findings": findings,
        },
        "reviews": [
            {
                "item": r.item,
                "machine": r.machine_value,
                "reviewer_value": r.reviewer_value,
                "reviewer": r.reviewer,
                "note": r.note,
                "at": r.created_at.isoformat(),
            }
            for r in detail.reviews
        ],
        "disputes": [
            {
                "id": d.id,
                "item": d.item,
                "author": d.author,
                "comment": d.comment,
                "status": d.status,
                "at": d.created_at.isoformat(),
            }
            for d in detail.disputes
        ],
        "surveys": [s.model_dump(mode="json") for s in detail.surveys],
    }


# -- scorecards and aggregates ------------------------------------------------------------------


def visible_agents(insights: Insights, who: Principal) -> list[Scorecard]:
    return [a for a in insights.agents if who.can_see_agent(a.name, a.team)]


def visible_teams(insights: Insights, who: Principal) -> list[Scorecard]:
    return [t for t in insights.teams if who.can_see_team(t.name)]


def agent_view(cache: InsightsCache, who: Principal, agent_id: str) -> tuple[Scorecard, CoachingPlan | None]:
    insights = cache.insights()
    card = next((a for a in insights.agents if a.name == agent_id), None)
    if card is None or not who.can_see_agent(card.name, card.team):
        raise NotVisible(agent_id)
    plan = next((p for p in insights.coaching if p.agent == agent_id), None)
    return card, plan


def team_view(cache: InsightsCache, who: Principal, team: str) -> Scorecard:
    card = next((t for t in cache.insights().teams if t.name == team), None)
    if card is None or not who.can_see_team(team):
        raise NotVisible(team)
    return card


def scoped_insights(cache: InsightsCache, who: Principal, team: str | None) -> Insights:
    """Insights for the aggregate pages: all teams, or one team the principal may see.

    A manager limited to some teams sees one of them at a time (their first by default), so
    root-cause quotes and cases never come from a team outside their scope.
    """
    if not who.can_see_aggregates:
        raise NotVisible("aggregates")
    if team is None and not who.all_teams:
        team = who.teams[0]
    if team is not None and not who.can_see_team(team):
        raise NotVisible(team)
    return cache.insights(team)
