"""Build insights and the report model from what the store holds, for one scope (period, team, company)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fixfirst.insight import Insights
from fixfirst.insight.contacts import Contact, contact_of
from fixfirst.insight.insights import insights_from_contacts
from fixfirst.model import Survey
from fixfirst.report.from_insights import report_from_insights
from fixfirst.report.report_model import ReportModel
from fixfirst.store import Store


@dataclass(frozen=True)
class ReportScope:
    """Which contacts a report covers: [start, end) on start time, one team, one company, one channel."""

    start: datetime | None = None
    end: datetime | None = None
    team: str | None = None
    company: str | None = None
    window_days: float = 7
    channel: str | None = None

    def describe(self) -> str:
        parts = [self.company or "all companies", self.team or "all teams"]
        if self.channel:
            parts.append(f"channel {self.channel}")
        if self.start or self.end:
            parts.append(f"{self.start.date() if self.start else '...'} to {self.end.date() if self.end else '...'}")
        return ", ".join(parts)


@dataclass(frozen=True)
class LoadedInsights:
    insights: Insights
    contacts: list[Contact]


def load_insights(store: Store, scope: ReportScope = ReportScope()) -> LoadedInsights:
    """Stream the company's conversations with their results into compact contacts, then insights.

    Cases are linked among the period's contacts over every team and channel (a repeat contact to
    another team still counts), so the store reads the company's contacts of the period - a month's
    report on a year of data costs a month - and `insights_from_contacts` narrows to team and
    channel. Surveys are those of the contacts read or of their customers. Only the compact views
    are kept (`fixfirst.insight.views`), never the full models.
    """
    rows = store.iter_analysed(company=scope.company, started=(scope.start, scope.end))
    contacts = [contact_of(conversation, result) for conversation, result in rows]
    wanted = {c.id for c in contacts}
    customers = {c.conversation.customer_id for c in contacts if c.conversation.customer_id}
    surveys: list[Survey] = [
        s for s in store.iter_surveys() if s.conversation_id in wanted or s.customer_id in customers
    ]
    insights = insights_from_contacts(
        contacts,
        surveys,
        window_days=scope.window_days,
        period=(scope.start, scope.end) if scope.start or scope.end else None,
        team=scope.team,
        channel=scope.channel,
    )
    return LoadedInsights(insights, contacts)


def build_report_model(store: Store, scope: ReportScope = ReportScope(), *, title: str | None = None) -> ReportModel:
    """The full report model for `scope`, ready for `write_html` or `export_tables`.

    The conversations shown in full (the drill-down) get their stored results read back, with the
    explanations the compact contacts leave out.
    """
    loaded = load_insights(store, scope)
    return report_from_insights(
        loaded.insights,
        contacts=loaded.contacts,
        full_results=store.results_for,
        title=title or f"FixFirst report - {scope.describe()}",
    )
