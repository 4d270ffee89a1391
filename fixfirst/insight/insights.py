"""One computation for the report, the web API and exports: `build_insights()` -> `Insights`.

Order matters and is fixed here: contacts are joined with results, linked into cases over all
teams (a customer's repeat contact to another team is still a repeat), then the team filter
narrows what is summarised; root causes come before scorecards because they decide which
contacts are charged to a policy or system instead of the agent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from fixfirst.insight.cases import DEFAULT_SIMILARITY_THRESHOLD, CaseSummary, link_cases, summarise_cases
from fixfirst.insight.coaching import CoachingPlan, TeamCoachingPlan, build_coaching
from fixfirst.insight.commitments import CommitmentSummary, check_commitments
from fixfirst.insight.contacts import Contact, as_naive_utc, build_contacts, team_of_agents
from fixfirst.insight.customer_voice import CustomerVoice, customer_voice
from fixfirst.insight.drivers import DriverAnalysis, analyse_drivers
from fixfirst.insight.root_causes import RootCauseSummary, find_root_causes
from fixfirst.insight.scorecards import DEFAULT_MIN_VOLUME, Scorecard, build_scorecards
from fixfirst.model import AnalysisResult, Conversation, Survey, SurveyAnswers


class Insights(BaseModel):
    """Everything the insight stage computes, for one period and (optionally) one team."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    period_start: datetime | None
    period_end: datetime | None
    team: str | None
    channel: str | None = None
    window_days: float
    contacts: int = Field(description="Conversations in scope.")
    analysed: int = Field(description="Of those, with an analysis result.")
    cases: CaseSummary
    commitments: CommitmentSummary
    voice: CustomerVoice
    drivers_csat: DriverAnalysis
    drivers_fixed: DriverAnalysis
    agents: tuple[Scorecard, ...]
    teams: tuple[Scorecard, ...]
    coaching: tuple[CoachingPlan, ...]
    team_coaching: tuple[TeamCoachingPlan, ...]
    root_causes: RootCauseSummary


def _in_period(contact: Contact, start: datetime | None, end: datetime | None) -> bool:
    if start is None and end is None:
        return True
    if contact.start is None:
        return False
    return (start is None or contact.start >= start) and (end is None or contact.start < end)


def build_insights(
    conversations: Iterable[Conversation],
    results: Iterable[AnalysisResult] | Mapping[str, AnalysisResult],
    surveys: Iterable[Survey | SurveyAnswers] = (),
    **options: Any,
) -> Insights:
    """Cases, commitments, customer voice, drivers, scorecards, coaching and root causes in one object.

    Joins conversations with results, then `insights_from_contacts` (whose keyword options -
    window_days, period, team, similarity_threshold, min_volume, bootstrap, seed - pass through).
    """
    return insights_from_contacts(build_contacts(conversations, results), surveys, **options)


def insights_from_contacts(
    contacts: Sequence[Contact],
    surveys: Iterable[Survey | SurveyAnswers] = (),
    *,
    window_days: float = 7,
    period: tuple[datetime | None, datetime | None] | None = None,
    team: str | None = None,
    channel: str | None = None,
    similarity_threshold: float = DEFAULT_SIMILARITY_THRESHOLD,
    min_volume: int = DEFAULT_MIN_VOLUME,
    bootstrap: int = 400,
    seed: int = 20240601,
) -> Insights:
    """Insights over contacts already joined (so a caller that needs the contacts too joins once).

    `period` is [start, end) on the contact's start time (naive = UTC); `team` and `channel` keep
    the cases that touch that team or channel and the contacts of it (a repeat contact through
    another team or channel still counts as a repeat).
    """
    start, end = (as_naive_utc(period[0]), as_naive_utc(period[1])) if period else (None, None)
    # A whole-scope read links the caller's sequence itself (a ContactTable: no handle list held).
    all_contacts = contacts if start is None and end is None else [c for c in contacts if _in_period(c, start, end)]
    cases = link_cases(all_contacts, window_days=window_days, similarity_threshold=similarity_threshold)
    if team is not None or channel is not None:

        def kept(contact: Contact) -> bool:
            return (team is None or contact.team == team) and (
                channel is None or contact.channel == channel
            )

        # Keep whole cases that touch the slice, so a repeat to another team or channel still counts.
        contacts = [c for c in all_contacts if kept(c)]
        slice_cases = {cases.items.index_of(c.id) for c in contacts}
        cases = summarise_cases(
            cases.items.subset(i for i in slice_cases if i is not None),
            window_days=window_days,
            similarity_threshold=similarity_threshold,
        )
    else:
        contacts = all_contacts
    agent_teams = team_of_agents(all_contacts)
    case_of = cases.case_of
    linked = all_contacts if len(case_of) == len(all_contacts) else [c for c in all_contacts if c.id in case_of]
    commitments = check_commitments(linked, case_of, agent_teams=agent_teams)
    if team is not None or channel is not None:
        on_channel = {c.id for c in contacts}
        promises = commitments.promises
        commitments = commitments.narrowed(
            i
            for i in range(len(promises))
            if (team is None or promises.team(i) == team)
            and (channel is None or promises.conversation_id(i) in on_channel)
        )

    def case_path(conversation_id: str) -> str:
        index = cases.items.index_of(conversation_id)
        assert index is not None, f"{conversation_id} is in no case"
        if cases.items.size(index) > 1:
            return "repeat-contact case"
        return "closed first contact" if cases.items.first_contact_resolved(index) else "single contact, not closed"

    voice = customer_voice(surveys, contacts, case_of, case_path)
    drivers_csat = analyse_drivers(contacts, voice.responses, target="csat", bootstrap=bootstrap, seed=seed)
    drivers_fixed = analyse_drivers(contacts, voice.responses, target="fixed", bootstrap=bootstrap, seed=seed)
    root_causes = find_root_causes(contacts, case_of)
    agents, teams = build_scorecards(
        contacts, voice.responses, root_causes.blocked, agent_teams, min_volume=min_volume, seed=seed
    )
    coaching, team_coaching = build_coaching(contacts, agents, teams, drivers_csat)
    return Insights(
        period_start=start,
        period_end=end,
        team=team,
        channel=channel,
        window_days=window_days,
        contacts=len(contacts),
        analysed=sum(1 for c in contacts if c.outcome is not None),  # no result built per contact
        cases=cases,
        commitments=commitments,
        voice=voice,
        drivers_csat=drivers_csat,
        drivers_fixed=drivers_fixed,
        agents=agents,
        teams=teams,
        coaching=coaching,
        team_coaching=team_coaching,
        root_causes=root_causes,
    )
