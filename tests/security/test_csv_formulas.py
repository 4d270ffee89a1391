"""Hardening #4: no CSV export row starts with a live formula, even through a carriage return."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fixfirst.report import ReportModel, export_tables
from fixfirst.report.report_model import OverviewKpis, PerformerRow

FORMULA_START = ("=", "+", "-", "@")


def test_carriage_return_cannot_smuggle_a_formula_into_agents_csv(tmp_path: Path) -> None:
    model = ReportModel(
        generated_at=datetime(2025, 1, 1),
        overview=OverviewKpis(conversations=1),
        agents=(PerformerRow(name="\r=3+3", volume=1), PerformerRow(name="ok\n@SUM(A1)", volume=1)),
    )
    written = export_tables(model, tmp_path, "csv")
    raw = written["agents"].read_bytes().decode("utf-8")
    # However a reader splits rows (CR, LF or both), no line's first cell is a formula.
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        first = line.lstrip('"')
        assert not first.startswith(FORMULA_START), repr(line)
