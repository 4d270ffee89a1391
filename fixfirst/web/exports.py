"""Downloads from the dashboard: any report table as CSV, Parquet or JSON, and the filtered
conversation list as CSV.

One truth for numbers: a table download is built by the report's own functions
(`build_report_model` -> `report_tables` -> `table_bytes`), for the same scope as
`fixfirst report --company C --team T --from D --to D --channel X --format csv`, so a spreadsheet and the report never
disagree. It is computed on request (seconds on a few thousand contacts; on a very large store the
CLI is the better tool). Agents get no aggregate tables; a manager limited to some teams exports
one of their teams at a time. Text cells that a spreadsheet would run as a formula are defused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response, StreamingResponse

from fixfirst.pipeline.report_job import build_report_model
from fixfirst.report.table_export import FORMATS, TABLE_NAMES, guard_formula, report_tables, table_bytes
from fixfirst.web.context import Ctx, PageUser, Slice
from fixfirst.web.pages import ListFilterQuery
from fixfirst.web.views import list_conversations

router = APIRouter(include_in_schema=False)

#: The drill-down tables carry whole transcripts; the conversation list export is the way to them.
#: The most rows one list export holds (a bigger extract is `fixfirst report --format parquet` or SQL).
MAX_EXPORT_ROWS = 100_000
AGGREGATE_TABLES = tuple(name for name in TABLE_NAMES if name not in ("conversations", "findings"))
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet",
               "json": "application/json"}
LIST_COLUMNS = ("id", "channel", "team", "agents", "started_at", "turns", "outcome", "outcome_confidence", "score",
                "labels")


@router.get("/export/{table}")
def export_table(
    table: str,
    ctx: Ctx,
    who: PageUser,
    where: Slice,
    format: Annotated[str, Query(max_length=10)] = "csv",  # noqa: A002 - the query parameter's name
    team: str | None = None,
) -> Response:
    if not who.can_see_aggregates or table not in AGGREGATE_TABLES:
        raise HTTPException(404, "table not found")
    if format not in FORMATS:
        raise HTTPException(422, f"format: one of {', '.join(FORMATS)}")
    if team is None and not who.all_teams:
        team = who.teams[0]
    if team is not None and not who.can_see_team(team):
        raise HTTPException(404, "team not found")
    model = build_report_model(ctx.store, where.report_scope(team))
    body = table_bytes(report_tables(model)[table], format)  # type: ignore[arg-type]
    parts = (table, where.company, team, where.channel)
    filename = "-".join(part for part in parts if part).replace(" ", "_").replace('"', "")
    return Response(body, media_type=MEDIA_TYPES[format],
                    headers={"Content-Disposition": f'attachment; filename="{filename}.{format}"'})


@router.get("/conversations.csv")
def export_conversations(ctx: Ctx, who: PageUser, filters: ListFilterQuery) -> StreamingResponse:
    """The conversation list with the page's filters (what the user may see), newest first, up to
    MAX_EXPORT_ROWS rows, read page by page."""

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(LIST_COLUMNS)
        for offset in range(0, MAX_EXPORT_ROWS, 1000):
            _total, page = list_conversations(ctx.store, who, filters, limit=1000, offset=offset)
            for item in page:
                values = [" ".join(v) if isinstance(v := item[c], list) else v for c in LIST_COLUMNS]
                writer.writerow([guard_formula(v) for v in values])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if len(page) < 1000:
                return

    return StreamingResponse(rows(), media_type=MEDIA_TYPES["csv"],
                             headers={"Content-Disposition": 'attachment; filename="conversations.csv"'})
