"""Insight: from per-conversation findings to decisions (cases, promises, drivers, scorecards, coaching).

Works on in-memory typed objects from `fixfirst.model`; `build_insights()` is the one entry point
the report, the web API and exports share.
"""

from fixfirst.insight.cases import CaseFacts, CaseSummary, link_cases
from fixfirst.insight.coaching import CoachingItem, CoachingPlan, TeamCoachingItem, TeamCoachingPlan
from fixfirst.insight.commitments import CommitmentSummary, Promise, PromiseStatus, PromiseTally
from fixfirst.insight.contacts import Contact, build_contacts
from fixfirst.insight.customer_voice import BehaviourVoice, CustomerVoice, SurveyLink, VoiceGroup
from fixfirst.insight.drivers import DriverAnalysis, DriverEffect, analyse_drivers
from fixfirst.insight.insights import Insights, build_insights
from fixfirst.insight.quotes import Quote
from fixfirst.insight.root_causes import ReasonBreakdown, RootCause, RootCauseSummary, find_root_causes
from fixfirst.insight.scorecards import AgentStyle, RankEstimate, Scorecard, ScoreStats, WeekPoint

__all__ = [
    "AgentStyle",
    "BehaviourVoice",
    "CaseFacts",
    "CaseSummary",
    "CoachingItem",
    "CoachingPlan",
    "CommitmentSummary",
    "Contact",
    "CustomerVoice",
    "DriverAnalysis",
    "DriverEffect",
    "Insights",
    "Promise",
    "PromiseStatus",
    "PromiseTally",
    "Quote",
    "RankEstimate",
    "ReasonBreakdown",
    "RootCause",
    "RootCauseSummary",
    "ScoreStats",
    "Scorecard",
    "SurveyLink",
    "TeamCoachingItem",
    "TeamCoachingPlan",
    "VoiceGroup",
    "WeekPoint",
    "analyse_drivers",
    "build_contacts",
    "build_insights",
    "find_root_causes",
    "link_cases",
]
