"""Read models shared by the REST API and the dashboard pages, filtered by who is asking.

Why shared: the JSON an API client gets and the page a manager sees must show the same numbers
and obey the same access rules; both call these functions with a Principal and never touch the
store or the insight stage directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fixfirst.insight import CoachingPlan, Insights, Scorecard
from fixfirst.model import AnalysisResult, Conversation
from fixfirst.store import Store
from fixfirst.store.listing import (
    ListFilter,
    QueueRow,
    Visibility,
    list_conversation_page,
    review_queue_page,
    visible_ids,
)
from fixfirst.store.web_records import DisputeRecord, ReviewRecord, iter_reviews, list_disputes
from fixfirst.web.access import Principal
from fixfirst.web.data_slice import DataSlice
from fixfirst.web.insights_cache import InsightsCache, ScopeAggregates
from fixfirst.web.review import (
    LOW_CONFIDENCE,
    AgreementReport,
    agreement_report,
    finding_item,
    latest_reviews,
)


class NotVisible(LookupError):
    """The thing does not exist or the principal may not see it (the two are not told apart)."""


ConversationFilter = ListFilter


def visibility(who: Principal) -> Visibility:
    """The principal's access rule as a query condition (the same rule as `Principal.can_see`)."""
    if who.is_agent:
        return Visibility(agent=who.agent_id) if who.agent_id is not None else Visibility(nothing=True)
    return Visibility() if who.all_teams else Visibility(teams=who.teams)


def list_conversations(
    store: Store, who: Principal, f: ConversationFilter, *, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    """(total matching, one page of summaries), newest first; filtered, sorted and paged in SQL."""
    return list_conversation_page(store, visibility(who), f, limit=limit, offset=offset)


def review_queue_for(store: Store, who: Principal, *, limit: int, offset: int) -> tuple[int, list[QueueRow]]:
    """(total waiting, one page of the queue) of the conversations `who` may see."""
    return review_queue_page(store, visibility(who), low_confidence=LOW_CONFIDENCE, limit=limit, offset=offset)


def agreement_for(store: Store, who: Principal) -> AgreementReport:
    """Machine-vs-reviewer agreement over the reviewed conversations `who` may see."""
    latest = latest_reviews(iter_reviews(store))
    allowed = visible_ids(store, visibility(who), list(latest))
    results = {cid: result for cid in sorted(allowed) if (result := store.get_result(cid)) is not None}
    return agreement_report(results, latest)


@dataclass(frozen=True)
class ConversationDetail:
    conversation: Conversation
    result: AnalysisResult | None
    reviews: list[ReviewRecord]
    disputes: list[DisputeRecord]
    surveys: list[Any]


def conversation_detail(store: Store, who: Principal, conversation_id: str) -> ConversationDetail:
    conversation = store.get_conversation(conversation_id)
    if conversation is None or not who.can_see(conversation):
        raise NotVisible(conversation_id)
    result = store.get_result(conversation_id)
    return ConversationDetail(
        conversation=conversation,
        result=result,
        reviews=iter_reviews(store, conversation_id),
        disputes=list_disputes(store, conversation_id=conversation_id),
        surveys=list(store.iter_surveys(conversation_id=conversation_id)),
    )


def call_turn_times(conversation: Conversation) -> dict[int, tuple[float, float]]:
    """Turn index -> (start, end) seconds into the recording, for calls (`metadata.call.turn_times`);
    empty for text conversations or when the stored times do not fit the turns."""
    call = conversation.metadata.get("call")
    times = call.get("turn_times") if isinstance(call, dict) else None
    if not isinstance(times, list) or len(times) != len(conversation.turns):
        return {}
    try:
        return {i: (float(start), float(end)) for i, (start, end) in enumerate(times)}
    except (TypeError, ValueError):
        return {}


def detail_json(detail: ConversationDetail) -> dict[str, Any]:
    result = detail.result
    times = call_turn_times(detail.conversation)
    findings = []
    if result is not None:
        for f in result.findings:
            findings.append(
                {
                    **f.model_dump(mode="json"),
                    "item": finding_item(f),
                    "evidence": f.evidence.model_dump(mode="json"),
                    # Calls: where in the recording the finding's turn is (seconds), to play from there.
                    "seconds": list(times[f.turn]) if f.turn in times else None,
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


def agent_view(
    cache: InsightsCache, who: Principal, agent_id: str, where: DataSlice | None = None
) -> tuple[Scorecard, CoachingPlan | None]:
    insights = cache.insights(None, where)
    card = next((a for a in insights.agents if a.name == agent_id), None)
    if card is None or not who.can_see_agent(card.name, card.team):
        raise NotVisible(agent_id)
    plan = next((p for p in insights.coaching if p.agent == agent_id), None)
    return card, plan


def team_view(cache: InsightsCache, who: Principal, team: str, where: DataSlice | None = None) -> Scorecard:
    card = next((t for t in cache.insights(None, where).teams if t.name == team), None)
    if card is None or not who.can_see_team(team):
        raise NotVisible(team)
    return card


def scoped_insights(
    cache: InsightsCache, who: Principal, team: str | None, where: DataSlice | None = None
) -> Insights:
    """Insights for the aggregate pages: all teams, or one team the principal may see; all
    companies (brands) or one.

    A manager limited to some teams sees one of them at a time (their first by default), so
    root-cause quotes and cases never come from a team outside their scope. `where` narrows to one
    company, period and channel.
    """
    return scoped_aggregates(cache, who, team, where).insights


def scoped_aggregates(
    cache: InsightsCache, who: Principal, team: str | None, where: DataSlice | None = None
) -> ScopeAggregates:
    """`scoped_insights` with the scope's packed case list (same visibility rules)."""
    if not who.can_see_aggregates:
        raise NotVisible("aggregates")
    if team is None and not who.all_teams:
        team = who.teams[0]
    if team is not None and not who.can_see_team(team):
        raise NotVisible(team)
    return cache.aggregates(team, where)
