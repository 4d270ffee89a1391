"""Build insights and the report model from what the store holds, for one scope (period, team, company)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fixfirst.insight import Insights
from fixfirst.insight.contacts import Contact, build_contacts
from fixfirst.insight.insights import insights_from_contacts
from fixfirst.model import AnalysisResult, Conversation, Survey
from fixfirst.report.from_insights import report_from_insights
from fixfirst.report.report_model import ReportModel
from fixfirst.store import Store


@dataclass(frozen=True)
class ReportScope:
    """Which contacts a report covers: [start, end) on start time, one team, one company."""

    start: datetime | None = None
    end: datetime | None = None
    team: str | None = None
    company: str | None = None
    window_days: float = 7

    def describe(self) -> str:
        parts = [self.company or "all companies", self.team or "all teams"]
        if self.start or self.end:
            parts.append(f"{self.start.date() if self.start else '...'} to {self.end.date() if self.end else '...'}")
        return ", ".join(parts)


@dataclass(frozen=True)
class LoadedInsights:
    insights: Insights
    conversations: list[Conversation]
    results: dict[str, AnalysisResult]
    contacts: list[Contact]


def load_insights(store: Store, scope: ReportScope = ReportScope()) -> LoadedInsights:
    """Read the analysed conversations of `scope` (plus their surveys) and build insights once.

    Cases may reach outside the period or team (a repeat contact to another team still
    counts), so conversations are read for the company and filtered by `build_insights`.
    """
    conversations = [
        c for c in store.iter_conversations() if scope.company is None or c.company == scope.company
    ]
    wanted = {c.id for c in conversations}
    results = {r.id: r for r in store.iter_results() if r.id in wanted}
    customers = {c.customer_id for c in conversations if c.customer_id}
    surveys: list[Survey] = [
        s for s in store.iter_surveys() if s.conversation_id in wanted or s.customer_id in customers
    ]
    contacts = build_contacts(conversations, results)
    insights = insights_from_contacts(
        contacts,
        surveys,
        window_days=scope.window_days,
        period=(scope.start, scope.end) if scope.start or scope.end else None,
        team=scope.team,
    )
    return LoadedInsights(insights, conversations, results, contacts)


def build_report_model(store: Store, scope: ReportScope = ReportScope(), *, title: str | None = None) -> ReportModel:
    """The full report model for `scope`, ready for `write_html` or `export_tables`."""
    loaded = load_insights(store, scope)
    return report_from_insights(
        loaded.insights,
        loaded.conversations,
        loaded.results,
        contacts=loaded.contacts,
        title=title or f"FixFirst report - {scope.describe()}",
    )
