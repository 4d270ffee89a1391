"""Report: the static HTML report (one offline file) and table exports, from a `ReportModel`.

The report does no analysis: `report_model.py` says exactly what is shown; an adapter
(`from_insights.py`) builds it from the insight stage.
"""

from fixfirst.report.html_report import render_html, write_html
from fixfirst.report.report_model import (
    CoachingItemRow,
    CoachingPlanRow,
    ConversationRow,
    DriverRow,
    Excerpt,
    FindingRow,
    OutcomeCount,
    OverviewKpis,
    PerformerRow,
    ReasonRow,
    ReportModel,
    ReportPeriod,
    RootCauseRow,
    ScoreSummary,
    TurnRow,
    WeekScore,
)
from fixfirst.report.table_export import FORMATS, TABLE_NAMES, export_tables, report_tables

__all__ = [
    "FORMATS",
    "TABLE_NAMES",
    "CoachingItemRow",
    "CoachingPlanRow",
    "ConversationRow",
    "DriverRow",
    "Excerpt",
    "FindingRow",
    "OutcomeCount",
    "OverviewKpis",
    "PerformerRow",
    "ReasonRow",
    "ReportModel",
    "ReportPeriod",
    "RootCauseRow",
    "ScoreSummary",
    "TurnRow",
    "WeekScore",
    "export_tables",
    "render_html",
    "report_tables",
    "write_html",
]
