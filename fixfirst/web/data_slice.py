"""`DataSlice`: the part of the data an aggregate page or API answer summarises (no web imports, so
the insights cache and the request layer share it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import quote, urlencode

from fixfirst.pipeline.report_job import ReportScope


@dataclass(frozen=True)
class DataSlice:
    """Which contacts the aggregate pages and their API summarise: one company, a period [start, end)
    on the contact's start, one channel - the scope of `fixfirst report --company --from --to
    --channel`, so the dashboard and the report compute the same numbers for the same filters."""

    company: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    channel: str | None = None

    def query(self) -> str:
        """The slice as a query string ("" when it is everything), for links between pages."""
        values = {
            "company": self.company,
            "from": self.start.date().isoformat() if self.start else None,
            "to": self.end.date().isoformat() if self.end else None,
            "channel": self.channel,
        }
        kept = {key: value for key, value in values.items() if value}
        return "?" + urlencode(kept, quote_via=quote) if kept else ""

    @property
    def narrowed(self) -> bool:
        return self.start is not None or self.end is not None or self.channel is not None

    def report_scope(self, team: str | None = None) -> ReportScope:
        """The `fixfirst report` scope with the same contacts."""
        return ReportScope(start=self.start, end=self.end, team=team, company=self.company, channel=self.channel)


def midnight_utc(day: date) -> datetime:
    """The start of `day` in UTC: how every day the dashboard is given (filters, weeks, sessions) is read."""
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def parse_day(value: str) -> datetime:
    """A YYYY-MM-DD text as midnight UTC; ValueError when it is not one."""
    return midnight_utc(date.fromisoformat(value))
