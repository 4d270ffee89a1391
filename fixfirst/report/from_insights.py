"""Adapter: insight stage (`Insights`) + the conversations and results it came from -> `ReportModel`.

The insight stage decides the numbers; this module only chooses what the report shows and names
it for a reader: outcome pairs become "resolved vs unresolved", quotes get their whole turn so
the report can show them in context, and the drill-down gets the conversations the report quotes
plus the lowest-scoring ones in scope (a report of 100,000 contacts must not embed them all).
"""

from __future__ import annotations

import heapq
import itertools
import logging
from array import array
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from statistics import fmean

from fixfirst.insight import CoachingPlan, DriverEffect, Insights, Quote, RootCause, Scorecard
from fixfirst.insight.coaching import TeamCoachingPlan
from fixfirst.insight.commitments import CommitmentSummary, Promise, PromiseStatus, PromiseTally
from fixfirst.insight.contacts import Contact, build_contacts
from fixfirst.insight.customer_voice import CustomerVoice, VoiceGroup
from fixfirst.insight.id_index import IdIndex
from fixfirst.insight.views import ConversationLike
from fixfirst.model import AnalysisResult, Conversation
from fixfirst.report.palette import outcome_name, outcome_rank
from fixfirst.report.report_model import (
    BehaviourVoiceRow,
    CoachingItemRow,
    CoachingPlanRow,
    ConversationRow,
    DriverRow,
    Excerpt,
    FindingRow,
    OutcomeCount,
    OverviewKpis,
    PerformerRow,
    PromiseRow,
    PromiseTallyRow,
    ReasonRow,
    ReportModel,
    ReportPeriod,
    RootCauseRow,
    ScoreSummary,
    TeamCoachingItemRow,
    TeamCoachingPlanRow,
    TurnRow,
    VoiceRow,
    WeekScore,
)
from fixfirst.report.this_week import top_actions, week_over_week

log = logging.getLogger(__name__)

#: Lowest-scoring conversations added to the drill-down, beyond those the report quotes.
DEFAULT_DRILL_DOWN = 60
#: Example promises shown in the report: broken ones first (up to BROKEN_EXAMPLES), kept ones to fill.
PROMISE_EXAMPLES = 12
BROKEN_EXAMPLES = 8
NOT_ANALYSED = "not analysed"


class ConversationsById(Mapping[str, ConversationLike]):
    """The conversations of `contacts` by id, each built when read: a report quotes a few hundred of
    a scope's contacts, and a stored contact's conversation is read back from its table's file."""

    def __init__(self, contacts: Sequence[Contact]) -> None:
        self._contacts = contacts
        self._index = IdIndex.of_contacts(contacts)  # 12 bytes a contact, not a dict entry and a handle

    def __getitem__(self, conversation_id: str) -> ConversationLike:
        position = self._index.get(conversation_id)
        if position is None:
            raise KeyError(conversation_id)
        return self._contacts[position].conversation

    def __contains__(self, conversation_id: object) -> bool:  # without reading the conversation
        return isinstance(conversation_id, str) and self._index.get(conversation_id) is not None

    def __iter__(self) -> Iterator[str]:
        return (c.id for c in self._contacts)

    def __len__(self) -> int:
        return len(self._contacts)


def _in_scope(contact: Contact, insights: Insights) -> bool:
    """The same scope rule as `build_insights`: period [start, end) on the start time, team, channel."""
    start, end = insights.period_start, insights.period_end
    if start is not None or end is not None:
        if contact.start is None:
            return False
        if (start is not None and contact.start < start) or (end is not None and contact.start >= end):
            return False
    return (insights.team is None or contact.team == insights.team) and (
        insights.channel is None or contact.channel == insights.channel
    )


def _factor(effect: DriverEffect) -> str:
    if effect.kind == "outcome" and effect.versus:
        return f"{outcome_name(effect.label)} vs {outcome_name(effect.versus)}"
    return effect.label.replace("_", " ")


def _driver(effect: DriverEffect, scale: float = 1.0) -> DriverRow:
    """One driver row; `scale` turns a share (0-1) into percentage points for the 'fixed' target."""
    low, high = effect.low, effect.high
    if low is not None and high is not None and low > high:
        low, high = high, low

    def scaled(value: float | None) -> float | None:
        return None if value is None else value * scale

    return DriverRow(
        factor=_factor(effect),
        effect=scaled(effect.estimate),
        low=scaled(low),
        high=scaled(high),
        n=effect.n,
        sentence=effect.sentence,
        enough_data=effect.enough_data,
    )


def _performer(card: Scorecard, scores: Sequence[float]) -> PerformerRow:
    return PerformerRow(
        name=card.name,
        team=card.team if card.kind == "agent" else None,
        volume=card.contacts,
        outcomes=dict(card.outcomes),
        score=ScoreSummary.of(scores, n=card.score.n, median=card.score.median, q1=card.score.q1, q3=card.score.q3),
        behaviour_rates=dict(card.behaviour_rates),
        csat_mean=card.survey.csat_mean,
        csat_n=card.survey.csat_n,
        weekly=tuple(WeekScore(week=w.week, score=w.mean_score, contacts=w.contacts) for w in card.weekly),
        rank=card.rank.rank if card.rank.ranked else None,
        rank_best=card.rank.rank_best if card.rank.ranked else None,
        rank_worst=card.rank.rank_worst if card.rank.ranked else None,
        profile=card.style.value,
        profile_reason=card.style_reason or card.rank.note,
    )


def _excerpt(quote: Quote | None, conversations: Mapping[str, ConversationLike]) -> Excerpt | None:
    """The quote with its whole turn; falls back to the quoted words alone if the turn is gone."""
    if quote is None:
        return None
    conversation = conversations.get(quote.conversation_id)
    if conversation is not None and quote.turn < len(conversation.turns):
        text = conversation.turns[quote.turn].text
        if quote.end <= len(text):
            return Excerpt(
                conversation_id=quote.conversation_id,
                turn=quote.turn,
                start=quote.start,
                end=quote.end,
                turn_text=text,
                author=quote.author,
            )
    return Excerpt(
        conversation_id=quote.conversation_id,
        turn=quote.turn,
        start=0,
        end=len(quote.text),
        turn_text=quote.text,
        author=quote.author,
    )


def _coaching(plan: CoachingPlan, conversations: Mapping[str, ConversationLike]) -> CoachingPlanRow:
    items = []
    for item in plan.items:
        gap = f"{item.agent_rate:.0%} of your contacts vs {item.team_rate:.0%} in the team."
        effect = "" if item.effect is None else f" Associated with {item.effect:+.2f} CSAT."
        items.append(
            CoachingItemRow(
                behaviour=item.behaviour,
                direction=item.direction,
                why=f"{item.advice} {gap}{effect}".strip(),
                worst=_excerpt(item.worst, conversations),
                best=_excerpt(item.best, conversations),
            )
        )
    return CoachingPlanRow(agent=plan.agent, team=plan.team, note=plan.note, items=tuple(items))


def _team_coaching(plan: TeamCoachingPlan, conversations: Mapping[str, ConversationLike]) -> TeamCoachingPlanRow:
    items = []
    for item in plan.items:
        effect = "" if item.effect is None else f" Associated with {item.effect:+.2f} CSAT."
        gap = f"{item.team_rate:.0%} of the team's contacts vs {item.company_rate:.0%} company-wide."
        items.append(
            TeamCoachingItemRow(
                behaviour=item.behaviour,
                direction=item.direction,
                why=f"{item.advice} {gap}{effect}".strip(),
                team_rate=item.team_rate,
                company_rate=item.company_rate,
                agents=item.agents_most_affected,
                example=_excerpt(item.example, conversations),
            )
        )
    return TeamCoachingPlanRow(team=plan.team, items=tuple(items))


def _voice(group: VoiceGroup, name: str | None = None) -> VoiceRow:
    """The survey numbers of one group; the report shows counts, so the response rate is left out."""
    return VoiceRow(**{**group.model_dump(exclude={"response_rate"}), "group": name or group.group})


def _voice_rows(
    voice: CustomerVoice,
) -> tuple[tuple[VoiceRow, ...], tuple[BehaviourVoiceRow, ...], tuple[VoiceRow, ...]]:
    """Survey answers by outcome (best first), by behaviour present/absent, and by case path."""
    by_outcome = tuple(
        _voice(g, outcome_name(g.group)) for g in sorted(voice.by_outcome, key=lambda g: outcome_rank(g.group))
    )
    by_behaviour = tuple(
        BehaviourVoiceRow(behaviour=b.behaviour.value, present=_voice(b.present), absent=_voice(b.absent))
        for b in voice.by_behaviour
        if b.present.contacts
    )
    return by_outcome, by_behaviour, tuple(_voice(g) for g in voice.by_case_path)


def _tally(tally: PromiseTally) -> PromiseTallyRow:
    return PromiseTallyRow(**tally.model_dump())


def _promise(promise: Promise, conversations: Mapping[str, ConversationLike]) -> PromiseRow | None:
    words = _excerpt(promise.evidence, conversations)
    if words is None:
        return None
    return PromiseRow(
        owner=promise.owner,
        team=promise.team,
        status=promise.status.value,
        deadline=promise.deadline,
        deadline_phrase=promise.deadline_phrase,
        reason=promise.status_reason,
        promise=words,
        chase=_excerpt(promise.status_evidence, conversations),
    )


def _promise_examples(
    commitments: CommitmentSummary, conversations: Mapping[str, ConversationLike], scope_ids: Container[str]
) -> tuple[PromiseRow, ...]:
    """Broken promises first (they are what to act on), then kept ones so a reader sees both; time order."""

    promises = commitments.promises

    def judged(status: PromiseStatus, limit: int) -> list[PromiseRow]:
        chosen = sorted(  # from the packed columns: (made_at is None, made_at, id), no record built
            (
                i
                for i in range(len(promises))
                if promises.status(i) is status and promises.conversation_id(i) in scope_ids
            ),
            key=promises.sort_key,
        )
        # Rows only until `limit` are made: each reads its conversation back, and there may be thousands.
        rows = (r for i in chosen if (r := _promise(promises[i], conversations)) is not None)
        return list(itertools.islice(rows, max(limit, 0)))

    broken = judged(PromiseStatus.BROKEN, BROKEN_EXAMPLES)
    kept = judged(PromiseStatus.KEPT, PROMISE_EXAMPLES - len(broken))
    return (*broken, *kept)


def _root_cause(cause: RootCause, conversations: Mapping[str, ConversationLike]) -> RootCauseRow:
    examples = tuple(x for q in cause.examples if (x := _excerpt(q, conversations)) is not None)
    return RootCauseRow(
        kind=cause.kind,
        name=cause.name,
        contacts=cause.contacts,
        unresolved=cause.unresolved_contacts,
        repeat_contacts=cause.repeat_contacts,
        forced=cause.forced,
        charged_to=cause.charged_to,
        agents=cause.agents,
        examples=examples,
    )


def _conversation_row(contact: Contact, full: AnalysisResult | None) -> ConversationRow:
    """A conversation shown in full; `full` is its stored result (explanations), else the compact one."""
    conversation, result = contact.conversation, contact.result
    turns = tuple(TurnRow(role=t.role.value, author=t.author, text=t.text) for t in conversation.turns)
    findings = []
    if result is not None:
        for f in full.findings if full is not None else result.findings:
            if f.turn < len(turns) and f.end <= len(turns[f.turn].text):
                findings.append(
                    FindingRow(
                        label=f.label,
                        turn=f.turn,
                        start=f.start,
                        end=f.end,
                        confidence=f.confidence,
                        explanation=getattr(f, "explanation", ""),
                    )
                )
            else:
                log.debug(
                    "finding %s of %s points outside its turn; not highlighted", f.label, conversation.id
                )
    return ConversationRow(
        id=conversation.id,
        channel=conversation.channel,
        agent=contact.agents[0] if contact.agents else None,
        team=conversation.team,
        started_at=contact.start,
        outcome=result.outcome.label.value if result else NOT_ANALYSED,
        confidence=result.outcome.confidence if result else None,
        outcome_explanation=full.outcome.explanation if full is not None else "",
        score=contact.points,
        turns=turns,
        findings=tuple(findings),
    )


def _sentence(text: str) -> str:
    """'associations from ...' -> 'Associations from ....': notes read as sentences after the lead."""
    text = text.strip()
    if not text:
        return ""
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _quoted_ids(model_parts: Iterable[Excerpt | None]) -> list[str]:
    return list(dict.fromkeys(x.conversation_id for x in model_parts if x is not None))


def report_from_insights(
    insights: Insights,
    conversations: Iterable[Conversation] = (),
    results: Iterable[AnalysisResult] | Mapping[str, AnalysisResult] = (),
    *,
    contacts: Sequence[Contact] | None = None,
    full_results: Callable[[Sequence[str]], Mapping[str, AnalysisResult]] | None = None,
    title: str = "FixFirst report",
    generated_at: datetime | None = None,
    drill_down: int = DEFAULT_DRILL_DOWN,
) -> ReportModel:
    """Build the report model from `build_insights()` output and the same conversations and results.

    Either pass the conversations and results, or the `contacts` already joined (the store's
    streaming path) with `full_results`, which reads back the full results of the few
    conversations shown in full. `drill_down` caps the lowest-scoring conversations added to
    those the report already quotes.
    """
    by_result = dict(results) if isinstance(results, Mapping) else {r.id: r for r in results}
    joined = contacts if contacts is not None else build_contacts(conversations, by_result)
    if full_results is None:

        def full_results(ids: Sequence[str]) -> Mapping[str, AnalysisResult]:
            return {i: by_result[i] for i in ids if i in by_result}

    by_id = ConversationsById(joined)
    scoped = any(x is not None for x in (insights.period_start, insights.period_end, insights.team, insights.channel))
    contacts: Sequence[Contact] = [c for c in joined if _in_scope(c, insights)] if scoped else joined
    # One pass of tallies, never a list per figure: a whole-store report has a million contacts.
    counts: Counter[str] = Counter()
    points = array("d")
    scores_by_agent: dict[str, array] = {}
    scores_by_team: dict[str, array] = {}
    first_start = last_start = None
    for contact in contacts:
        if (outcome := contact.outcome) is not None:
            counts[outcome.value] += 1
        if (start := contact.start) is not None:
            first_start = start if first_start is None or start < first_start else first_start
            last_start = start if last_start is None or start > last_start else last_start
        if (score := contact.points) is None:
            continue
        points.append(score)
        for agent in contact.agents:
            scores_by_agent.setdefault(agent, array("d")).append(score)
        scores_by_team.setdefault(contact.team or "(no team)", array("d")).append(score)
    analysed = sum(counts.values())
    outcome_mix = [OutcomeCount(outcome=k, count=v) for k, v in counts.items()]
    if len(contacts) > analysed:
        outcome_mix.append(OutcomeCount(outcome=NOT_ANALYSED, count=len(contacts) - analysed))

    overall = insights.voice.overall
    overview = OverviewKpis(
        conversations=insights.contacts,
        analysed=insights.analysed,
        resolution_rate=counts["resolved"] / analysed if analysed else None,
        clear_no_rate=counts["clear_no"] / analysed if analysed else None,
        fcr=insights.cases.first_contact_resolution,
        repeat_contact_rate=insights.cases.repeat_contact_rate,
        mean_score=fmean(points) if points else None,
        csat_mean=overall.csat_mean,
        ces_mean=overall.ces_mean,
        survey_n=overall.responses,
        promises_made=insights.commitments.total.made,
        promise_keep_rate=insights.commitments.total.keep_rate,
    )

    week_label, week_rows = week_over_week(contacts)
    coaching = tuple(_coaching(plan, by_id) for plan in insights.coaching if plan.items)
    causes = sorted(
        [*insights.root_causes.policies, *insights.root_causes.systems],
        key=lambda r: (-r.cost, -r.contacts, r.name),
    )
    root_causes = tuple(_root_cause(cause, by_id) for cause in causes)

    team_coaching = tuple(_team_coaching(plan, by_id) for plan in insights.team_coaching if plan.items)
    scope_ids: Container[str] = {c.id for c in contacts} if scoped else by_id
    promises = _promise_examples(insights.commitments, by_id, scope_ids)
    voice_by_outcome, voice_by_behaviour, voice_by_case_path = _voice_rows(insights.voice)

    quoted = _quoted_ids(
        [x for plan in coaching for item in plan.items for x in (item.worst, item.best)]
        + [item.example for plan in team_coaching for item in plan.items]
        + [x for cause in root_causes for x in cause.examples]
        + [x for p in promises for x in (p.promise, p.chase)]
    )
    chosen = [i for i in quoted if i in scope_ids]
    chosen_ids = set(chosen)
    wanted = max(drill_down, 0)
    worst = heapq.nsmallest(wanted + len(chosen), ((p, c.id) for c in contacts if (p := c.points) is not None))
    extra = [cid for _, cid in worst if cid not in chosen_ids][:wanted]
    selected = chosen_ids | set(extra)
    drill = sorted(
        (c for c in contacts if c.id in selected),
        key=lambda c: (c.points is None, c.points if c.points is not None else 0.0, c.id),
    )
    shown = full_results([c.id for c in drill])
    note = (
        f"{len(drill)} of {len(contacts)} conversations: the {len(chosen)} quoted above and "
        f"the {len(extra)} lowest-scoring others, lowest score first."
    )

    period_start, period_end = insights.period_start, insights.period_end
    if period_start is None and period_end is None:
        period_start, period_end = first_start, last_start

    return ReportModel(
        title=title,
        period=ReportPeriod(start=period_start, end=period_end),
        generated_at=generated_at or datetime.now(UTC).replace(microsecond=0),
        scope=", ".join(p for p in (f"Team {insights.team}" if insights.team else "",
                                    f"channel {insights.channel}" if insights.channel else "") if p) or None,
        overview=overview,
        actions=top_actions(insights),
        week_label=week_label,
        week_over_week=week_rows,
        outcome_mix=tuple(outcome_mix),
        drivers_target="CSAT" if insights.drivers_csat.target == "csat" else insights.drivers_csat.target,
        drivers_unit="CSAT points",
        drivers_note=_sentence(insights.drivers_csat.note),
        drivers=tuple(_driver(e) for e in insights.drivers_csat.effects),
        drivers_fixed_target="'fixed' answers",
        drivers_fixed_unit="percentage points of 'fixed or clear no'",
        drivers_fixed_note=_sentence(insights.drivers_fixed.note),
        drivers_fixed=tuple(_driver(e, scale=100.0) for e in insights.drivers_fixed.effects),
        voice_by_outcome=voice_by_outcome,
        voice_by_behaviour=voice_by_behaviour,
        voice_by_case_path=voice_by_case_path,
        promises_by_agent=tuple(_tally(t) for t in insights.commitments.by_agent),
        promises_by_team=tuple(_tally(t) for t in insights.commitments.by_team),
        promises=promises,
        agents=tuple(_performer(card, scores_by_agent.get(card.name, [])) for card in insights.agents),
        teams=tuple(_performer(card, scores_by_team.get(card.name, [])) for card in insights.teams),
        coaching=coaching,
        team_coaching=team_coaching,
        root_causes=root_causes,
        contact_reasons=tuple(
            ReasonRow(
                reason=r.reason,
                contacts=r.contacts,
                outcomes=dict(r.outcomes),
                helpful_rate=r.helpful_rate,
                policy_stonewalls=r.policy_stonewalls,
                system_gaps=r.system_gaps,
                deflections=r.deflections,
                repeat_contacts=r.repeat_contacts,
            )
            for r in insights.root_causes.reasons
        ),
        conversations=tuple(_conversation_row(c, shown.get(c.id)) for c in drill),
        conversations_note=note,
    )
