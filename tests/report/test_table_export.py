"""Table exports: every table round-trips through CSV, Parquet and JSON with the same rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from fixfirst.errors import FixFirstError
from fixfirst.report import TABLE_NAMES, ReportModel, export_tables, report_tables
from fixfirst.report.report_model import ConversationRow, FindingRow, OverviewKpis, PerformerRow, TurnRow
from fixfirst.report.table_export import guard_formula

from .sample_report import HOSTILE_ID, SCRIPT_TEXT, sample_report

READERS: dict[str, Callable[[Path], pd.DataFrame]] = {
    "csv": lambda p: pd.read_csv(p, keep_default_na=True),
    "parquet": pd.read_parquet,
    "json": lambda p: pd.read_json(p, orient="records", dtype=False),
}
DATE_COLUMNS = {"period_start", "period_end", "generated_at", "started_at", "deadline"}


def _comparable(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as plain values: ISO dates; missing or empty (CSV cannot tell) as None; 12-digit floats."""
    rows = []
    for record in frame.astype(object).to_dict(orient="records"):
        clean: dict[str, object] = {}
        for key, value in record.items():
            if value is None or value == "" or (not isinstance(value, str) and pd.isna(value)):
                clean[key] = None
            elif key in DATE_COLUMNS:
                clean[key] = pd.Timestamp(value).isoformat()
            elif isinstance(value, float) and value.is_integer():
                clean[key] = int(value)
            elif isinstance(value, float):
                clean[key] = float(f"{value:.12g}")  # text formats may differ in the last bits
            else:
                clean[key] = value
        rows.append(clean)
    return rows


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_every_table_round_trips(fmt: str, tmp_path: Path) -> None:
    model = sample_report()
    expected = report_tables(model)
    written = export_tables(model, tmp_path, fmt)  # type: ignore[arg-type]
    assert list(written) == list(TABLE_NAMES)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.{fmt}" for n in TABLE_NAMES)
    for name, path in written.items():
        back = READERS[fmt](path)
        assert list(back.columns) == list(expected[name].columns), name
        assert _comparable(back) == _comparable(expected[name]), name


def test_tables_hold_the_report_rows() -> None:
    model = sample_report()
    tables = report_tables(model)
    assert len(tables["agents"]) == 5 and len(tables["teams"]) == 2
    assert len(tables["agent_weekly"]) == 5 * 4
    assert len(tables["drivers"]) == 7 + 2  # CSAT drivers, then 'fixed' drivers
    assert tables["drivers"]["target"].tolist()[-1] == "'fixed' answers"
    assert len(tables["team_coaching"]) == 1 and tables["team_coaching"].iloc[0]["agents_most_affected"] == "bruno dana"
    voice = tables["customer_voice"]
    assert voice["by"].tolist() == ["outcome", "outcome", "behaviour present", "behaviour absent", "case path"]
    assert len(tables["promises_by_agent"]) == 2 and len(tables["promises_by_team"]) == 1
    promise = tables["promises"].iloc[0]
    assert promise["status"] == "broken" and promise["chase_text"] == "Third time I contact you."
    assert len(tables["coaching"]) == 3  # items, not plans
    assert len(tables["root_causes"]) == 3 and len(tables["root_cause_examples"]) == 3
    assert tables["contact_reasons"].set_index("reason").loc["billing", "outcome_deflected"] == 0
    assert len(tables["conversations"]) == 7
    assert len(tables["findings"]) == sum(len(c.findings) for c in model.conversations)
    bruno = tables["agents"].set_index("name").loc["bruno"]
    assert bruno["outcome_deflected"] == 11 and bruno["rate_hollow_apology"] == pytest.approx(0.39)
    assert bruno["fixed_or_clear_no_rate"] == pytest.approx(11 / 41)
    erin = tables["agents"].set_index("name").loc["erin"]
    assert pd.isna(erin["rank"]) and erin["outcome_clear_no"] == 0  # missing outcome is a zero count
    first = tables["coaching"].iloc[0]
    assert (
        first["worst_text"] == "Sorry for the inconvenience." and first["worst_conversation_id"] == "c-1002"
    )
    hostile = tables["findings"][tables["findings"]["conversation_id"] == HOSTILE_ID]
    assert "<script>alert(1)</script>" in set(hostile["text"])
    assert tables["outcome_mix"]["outcome"].tolist()[:2] == ["resolved", "clear_no"]
    assert tables["outcome_mix"]["share"].sum() == pytest.approx(1.0)
    assert SCRIPT_TEXT not in tables["findings"]["text"].tolist()  # spans, not whole turns


@pytest.mark.parametrize(
    ("value", "guarded"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=3+3", "'\r'=3+3"),
        ("fine\n=1+1\r\n@x", "fine\n'=1+1\r\n'@x"),
        ("plain = text", "plain = text"),
        ("", ""),
        (-3, -3),
        (None, None),
    ],
)
def test_guard_formula(value: object, guarded: object) -> None:
    assert guard_formula(value) == guarded


def _formula_model() -> ReportModel:
    text = '=HYPERLINK("http://x","click") please'
    return ReportModel(
        generated_at=datetime(2025, 1, 1),
        overview=OverviewKpis(conversations=1),
        agents=(PerformerRow(name="@agent", volume=1),),
        conversations=(
            ConversationRow(
                id="c-1",
                outcome="unresolved",
                turns=(TurnRow(role="customer", text=text),),
                findings=(
                    FindingRow(label="customer_effort", turn=0, start=0, end=len(text), confidence=0.5),
                ),
            ),
        ),
    )


def test_csv_neutralises_formulas_but_parquet_keeps_text(tmp_path: Path) -> None:
    model = _formula_model()
    csv = export_tables(model, tmp_path / "csv", "csv")
    assert pd.read_csv(csv["agents"])["name"].tolist() == ["'@agent"]
    assert pd.read_csv(csv["findings"])["text"].iloc[0].startswith("'=HYPERLINK")
    raw = export_tables(model, tmp_path / "raw", "csv", csv_formula_guard=False)
    assert pd.read_csv(raw["agents"])["name"].tolist() == ["@agent"]
    parquet = export_tables(model, tmp_path / "pq", "parquet")
    assert pd.read_parquet(parquet["agents"])["name"].tolist() == ["@agent"]


def test_empty_model_exports_headers_only(tmp_path: Path) -> None:
    model = ReportModel(generated_at=datetime(2025, 1, 1), overview=OverviewKpis(conversations=0))
    written = export_tables(model, tmp_path, "parquet")
    findings = pd.read_parquet(written["findings"])
    assert len(findings) == 0 and "explanation" in findings.columns
    assert len(pd.read_parquet(written["overview"])) == 1


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FixFirstError, match="use one of: csv, parquet, json"):
        export_tables(sample_report(), tmp_path, "xlsx")  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())
