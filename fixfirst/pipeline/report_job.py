"""Build insights and the report model from what the store holds, for one scope (period, team, company)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fixfirst.insight import Insights
from fixfirst.insight.contact_table import ContactTable
from fixfirst.insight.contacts import HeldContact, contact_of
from fixfirst.insight.id_index import IdIndex
from fixfirst.insight.insights import insights_from_contacts
from fixfirst.insight.survey_table import SurveyTable
from fixfirst.insight.views import PlainConversation, ResultView, TurnParts
from fixfirst.model import Outcome, Role
from fixfirst.report.from_insights import report_from_insights
from fixfirst.report.report_model import ReportModel
from fixfirst.store import Store
from fixfirst.store.store import AnalysedRows


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
    contacts: ContactTable


def load_insights(store: Store, scope: ReportScope = ReportScope()) -> LoadedInsights:
    """Stream the company's conversations with their results into a contact table, then insights.

    Cases are linked among the period's contacts over every team and channel (a repeat contact to
    another team still counts), so the store reads the company's contacts of the period - a month's
    report on a year of data costs a month - and `insights_from_contacts` narrows to team and
    channel. Surveys are those of the contacts read or of their customers. The contacts are held
    column by column with their turns in a temporary file (`ContactTable`), never as models.
    """
    contacts = ContactTable()
    for row in store.iter_analysed_rows(company=scope.company, started=(scope.start, scope.end)):
        contacts.add(contact_of_rows(row))
    surveys = _surveys_of(store, contacts)
    insights = insights_from_contacts(
        contacts,
        surveys,
        window_days=scope.window_days,
        period=(scope.start, scope.end) if scope.start or scope.end else None,
        team=scope.team,
        channel=scope.channel,
    )
    return LoadedInsights(insights, contacts)


def _surveys_of(store: Store, contacts: ContactTable) -> SurveyTable:
    """The surveys of the contacts read or of their customers, held as columns (`SurveyTable`: a
    `Survey` model costs about 20x the memory)."""
    conversations, customers = contacts.id_index, IdIndex(contacts.customer_ids)
    table = SurveyTable()
    for survey in store.iter_surveys():
        if (survey.conversation_id is not None and conversations.get(survey.conversation_id) is not None) or (
            survey.customer_id is not None and customers.get(survey.customer_id) is not None
        ):
            table.append(survey)
    return table


def contact_of_rows(rows: AnalysedRows) -> HeldContact:
    """A compact contact straight from the stored columns (no `Conversation` / `AnalysisResult`
    built): the same contact `contact_of` makes from the models."""
    row, result = rows.conversation, rows.result
    conversation = PlainConversation(
        id=row["id"],
        channel=row["channel"],
        company=row["company"],
        team=row["team"],
        customer_id=row["customer_id"],
        started_at=row["started_at"],
        agent_ids=tuple(row["agent_ids"] or ()),
        turns=tuple(TurnParts(Role(t["role"]), t["author"], t["text"], t["ts"]) for t in rows.turns),
    )
    summary = None
    if result is not None:
        summary = ResultView.from_parts(
            id=conversation.id,
            label=Outcome(result["outcome"]),
            confidence=result["outcome_confidence"],
            points=None if result["scorecard"] is None else result["points"],
            evidence=[(e["turn"], e["start"], e["end"]) for e in result["outcome_evidence"] or ()],
            findings=[(f["label"], f["turn"], f["start"], f["end"], f["confidence"]) for f in rows.findings],
        )
    return contact_of(conversation, summary)


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
