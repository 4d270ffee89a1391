"""The report's tables as files for analysts: CSV, Parquet or JSON, one file per table.

The same `ReportModel` feeds the HTML and these files, so a number in a spreadsheet always
matches the number in the report. Nested values (outcome counts, behaviour rates, weekly series,
quotes) are flattened into columns or long tables, because that is what pandas, spreadsheets and
BI tools read without extra work.

CSV cells that a spreadsheet would run as a formula (text starting with = + - @ or a tab/CR) are
prefixed with an apostrophe, the OWASP advice for CSV injection: transcript words and agent
names are untrusted. Parquet and JSON keep the text unchanged.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from fixfirst.errors import FixFirstError
from fixfirst.report.palette import outcome_rank
from fixfirst.report.report_model import Excerpt, PerformerRow, ReportModel

if TYPE_CHECKING:
    import pandas as pd

ExportFormat = Literal["csv", "parquet", "json"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "parquet", "json")

#: Tables written by `export_tables`, in order; each name becomes `<name>.<fmt>`.
TABLE_NAMES = (
    "overview",
    "actions",
    "week_over_week",
    "outcome_mix",
    "drivers",
    "agents",
    "agent_weekly",
    "teams",
    "team_weekly",
    "coaching",
    "team_coaching",
    "customer_voice",
    "promises_by_agent",
    "promises_by_team",
    "promises",
    "root_causes",
    "root_cause_examples",
    "contact_reasons",
    "conversations",
    "findings",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_AFTER_BREAK = re.compile(r"([\r\n]+)(?=[=+\-@\t])")
_QUOTE_PREFIXES = ("worst_", "best_", "example_", "promise_", "chase_")
_INTEGER_COLUMNS = {"rank", "rank_best", "rank_worst", "analysed", "promises_made", "turn", "start", "end"}
_VOICE_COLUMNS = [
    "contacts",
    "responses",
    "csat_mean",
    "csat_n",
    "ces_mean",
    "ces_n",
    "fixed_yes_rate",
    "fixed_clear_no_rate",
    "fixed_n",
]
_TALLY_COLUMNS = ["name", "made", "kept", "broken", "pending", "undated", "keep_rate"]


def _outcome_columns(rows: Iterable[PerformerRow]) -> list[str]:
    return sorted({k for r in rows for k in r.outcomes}, key=lambda k: (outcome_rank(k), k))


def _behaviour_columns(rows: Iterable[PerformerRow]) -> list[str]:
    return list(dict.fromkeys(b for r in rows for b in r.behaviour_rates))


def _performers(rows: tuple[PerformerRow, ...]) -> pd.DataFrame:
    outcomes, behaviours = _outcome_columns(rows), _behaviour_columns(rows)
    records = []
    for r in rows:
        record: dict[str, Any] = {"name": r.name, "team": r.team, "volume": r.volume}
        record.update({f"outcome_{k}": r.outcomes.get(k, 0) for k in outcomes})
        record.update(
            fixed_or_clear_no_rate=r.resolved_share,
            score_n=r.score.n,
            score_median=r.score.median,
            score_q1=r.score.q1,
            score_q3=r.score.q3,
            csat_mean=r.csat_mean,
            csat_n=r.csat_n,
            rank=r.rank,
            rank_best=r.rank_best,
            rank_worst=r.rank_worst,
            profile=r.profile,
            profile_reason=r.profile_reason,
        )
        record.update({f"rate_{b}": r.behaviour_rates.get(b) for b in behaviours})
        records.append(record)
    columns = ["name", "team", "volume", *(f"outcome_{k}" for k in outcomes), "fixed_or_clear_no_rate"]
    columns += ["score_n", "score_median", "score_q1", "score_q3", "csat_mean", "csat_n"]
    columns += [
        "rank",
        "rank_best",
        "rank_worst",
        "profile",
        "profile_reason",
        *(f"rate_{b}" for b in behaviours),
    ]
    return _frame(records, columns)


def _weekly(rows: tuple[PerformerRow, ...]) -> pd.DataFrame:
    records = [
        {"name": r.name, "week": w.week, "score": w.score, "contacts": w.contacts}
        for r in rows
        for w in r.weekly
    ]
    return _frame(records, ["name", "week", "score", "contacts"])


def _quote_columns(prefix: str, x: Excerpt | None) -> dict[str, Any]:
    return {
        f"{prefix}_conversation_id": x.conversation_id if x else None,
        f"{prefix}_turn": x.turn if x else None,
        f"{prefix}_start": x.start if x else None,
        f"{prefix}_end": x.end if x else None,
        f"{prefix}_author": x.author if x else None,
        f"{prefix}_text": x.text if x else None,
    }


def _frame(records: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """A frame with fixed columns (even when empty); integer columns with gaps use nullable Int64."""
    import pandas as pd  # here, not at import: the HTML report and the dashboard never need pandas

    frame = pd.DataFrame.from_records(records, columns=columns)
    for column in frame.columns:
        quote_offset = column.startswith(_QUOTE_PREFIXES) and column.endswith(("_turn", "_start", "_end"))
        if column in _INTEGER_COLUMNS or quote_offset:
            frame[column] = frame[column].astype("Int64")
    return frame


def report_tables(model: ReportModel) -> dict[str, pd.DataFrame]:
    """Every table of the report as a DataFrame, keyed by the names in TABLE_NAMES."""
    o = model.overview
    overview = _frame(
        [
            {
                "title": model.title,
                "period_start": model.period.start,
                "period_end": model.period.end,
                "generated_at": model.generated_at,
                "scope": model.scope,
                **o.model_dump(),
            }
        ],
        ["title", "period_start", "period_end", "generated_at", "scope", *o.model_dump()],
    )
    total = sum(c.count for c in model.outcome_mix)
    outcome_mix = _frame(
        [
            {"outcome": c.outcome, "count": c.count, "share": c.count / total if total else None}
            for c in sorted(model.outcome_mix, key=lambda c: outcome_rank(c.outcome))
        ],
        ["outcome", "count", "share"],
    )
    drivers = _frame(
        [
            {"target": model.drivers_target, "unit": model.drivers_unit, **d.model_dump()}
            for d in model.drivers
        ]
        + [
            {"target": model.drivers_fixed_target, "unit": model.drivers_fixed_unit, **d.model_dump()}
            for d in model.drivers_fixed
        ],
        ["target", "unit", "factor", "effect", "low", "high", "n", "sentence", "enough_data"],
    )
    team_coaching = _frame(
        [
            {
                "team": plan.team,
                "priority": position,
                "behaviour": item.behaviour,
                "direction": item.direction,
                "why": item.why,
                "team_rate": item.team_rate,
                "company_rate": item.company_rate,
                "agents_most_affected": " ".join(item.agents),
                **_quote_columns("example", item.example),
            }
            for plan in model.team_coaching
            for position, item in enumerate(plan.items, start=1)
        ],
        ["team", "priority", "behaviour", "direction", "why", "team_rate", "company_rate", "agents_most_affected"]
        + list(_quote_columns("example", None)),
    )
    voice_records = [
        {"by": "outcome", "group": v.group, **v.model_dump(exclude={"group"})} for v in model.voice_by_outcome
    ]
    for b in model.voice_by_behaviour:
        for side, v in (("present", b.present), ("absent", b.absent)):
            voice_records.append({"by": f"behaviour {side}", "group": b.behaviour, **v.model_dump(exclude={"group"})})
    voice_records += [
        {"by": "case path", "group": v.group, **v.model_dump(exclude={"group"})} for v in model.voice_by_case_path
    ]
    customer_voice = _frame(voice_records, ["by", "group", *_VOICE_COLUMNS])
    promises = _frame(
        [
            {
                "owner": p.owner,
                "team": p.team,
                "status": p.status,
                "deadline": p.deadline,
                "deadline_phrase": p.deadline_phrase,
                "reason": p.reason,
                **_quote_columns("promise", p.promise),
                **_quote_columns("chase", p.chase),
            }
            for p in model.promises
        ],
        ["owner", "team", "status", "deadline", "deadline_phrase", "reason"]
        + list(_quote_columns("promise", None))
        + list(_quote_columns("chase", None)),
    )
    coaching_records = []
    for plan in model.coaching:
        for position, item in enumerate(plan.items, start=1):
            coaching_records.append(
                {
                    "agent": plan.agent,
                    "team": plan.team,
                    "priority": position,
                    "behaviour": item.behaviour,
                    "direction": item.direction,
                    "why": item.why,
                    **_quote_columns("worst", item.worst),
                    **_quote_columns("best", item.best),
                }
            )
    coaching_columns = ["agent", "team", "priority", "behaviour", "direction", "why"]
    coaching_columns += list(_quote_columns("worst", None)) + list(_quote_columns("best", None))
    root_causes = _frame(
        [r.model_dump(exclude={"examples"}) for r in model.root_causes],
        ["kind", "name", "contacts", "unresolved", "repeat_contacts", "forced", "charged_to", "agents"],
    )
    root_examples = _frame(
        [
            {"kind": r.kind, "name": r.name, **_quote_columns("example", x)}
            for r in model.root_causes
            for x in r.examples
        ],
        ["kind", "name", *_quote_columns("example", None)],
    )
    reason_outcomes = sorted(
        {k for r in model.contact_reasons for k in r.outcomes}, key=lambda k: (outcome_rank(k), k)
    )
    contact_reasons = _frame(
        [
            {
                **r.model_dump(exclude={"outcomes"}),
                **{f"outcome_{k}": r.outcomes.get(k, 0) for k in reason_outcomes},
            }
            for r in model.contact_reasons
        ],
        [
            "reason",
            "contacts",
            "helpful_rate",
            "policy_stonewalls",
            "system_gaps",
            "deflections",
            "repeat_contacts",
        ]
        + [f"outcome_{k}" for k in reason_outcomes],
    )
    conversations = _frame(
        [
            {
                "id": c.id,
                "channel": c.channel,
                "agent": c.agent,
                "team": c.team,
                "started_at": c.started_at,
                "outcome": c.outcome,
                "confidence": c.confidence,
                "score": c.score,
                "turns": len(c.turns),
                "findings": len(c.findings),
                "labels": " ".join(c.labels),
                "outcome_explanation": c.outcome_explanation,
            }
            for c in model.conversations
        ],
        [
            "id",
            "channel",
            "agent",
            "team",
            "started_at",
            "outcome",
            "confidence",
            "score",
            "turns",
            "findings",
            "labels",
            "outcome_explanation",
        ],
    )
    findings = _frame(
        [
            {
                "conversation_id": c.id,
                "label": f.label,
                "turn": f.turn,
                "start": f.start,
                "end": f.end,
                "text": c.turns[f.turn].text[f.start : f.end],
                "confidence": f.confidence,
                "explanation": f.explanation,
            }
            for c in model.conversations
            for f in c.findings
        ],
        ["conversation_id", "label", "turn", "start", "end", "text", "confidence", "explanation"],
    )
    return {
        "overview": overview,
        "actions": _frame([a.model_dump() for a in model.actions], ["owner", "title", "evidence", "effect", "section"]),
        "week_over_week": _frame(
            [{"weeks": model.week_label, **w.model_dump(), "change": w.change} for w in model.week_over_week],
            ["weeks", "figure", "latest", "previous", "change", "unit"],
        ),
        "outcome_mix": outcome_mix,
        "drivers": drivers,
        "agents": _performers(model.agents),
        "agent_weekly": _weekly(model.agents),
        "teams": _performers(model.teams),
        "team_weekly": _weekly(model.teams),
        "coaching": _frame(coaching_records, coaching_columns),
        "team_coaching": team_coaching,
        "customer_voice": customer_voice,
        "promises_by_agent": _frame([t.model_dump() for t in model.promises_by_agent], _TALLY_COLUMNS),
        "promises_by_team": _frame([t.model_dump() for t in model.promises_by_team], _TALLY_COLUMNS),
        "promises": promises,
        "root_causes": root_causes,
        "root_cause_examples": root_examples,
        "contact_reasons": contact_reasons,
        "conversations": conversations,
        "findings": findings,
    }


def guard_formula(value: Any) -> Any:
    """Prefix text a spreadsheet would evaluate (=, +, -, @, tab, CR) with an apostrophe - at the
    start of the cell and after every line break in it, because a reader that splits rows on CR
    (or a cell like "\r=3+3") would otherwise start a row with a live formula."""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START):
        value = "'" + value
    return _FORMULA_AFTER_BREAK.sub(r"\1'", value)


def _write(frame: pd.DataFrame, path: Path, fmt: ExportFormat, *, csv_formula_guard: bool) -> None:
    if fmt == "csv":
        from pandas.api.types import is_string_dtype

        safe = frame.copy()
        if csv_formula_guard:
            for column in safe.columns:
                if safe[column].dtype == object or is_string_dtype(safe[column]):
                    safe[column] = safe[column].map(guard_formula)
        safe.to_csv(path, index=False, encoding="utf-8")
    elif fmt == "parquet":
        frame.to_parquet(path, index=False, engine="pyarrow")
    else:
        frame.to_json(
            path, orient="records", date_format="iso", force_ascii=False, indent=1, double_precision=15
        )


def table_bytes(frame: pd.DataFrame, fmt: ExportFormat, *, csv_formula_guard: bool = True) -> bytes:
    """One table as the bytes of a file in `fmt` (the dashboard's downloads write exactly what
    `export_tables` writes)."""
    if fmt not in FORMATS:
        raise FixFirstError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"table.{fmt}"
        _write(frame, path, fmt, csv_formula_guard=csv_formula_guard)
        return path.read_bytes()


def export_tables(
    model: ReportModel,
    out_dir: str | os.PathLike[str],
    fmt: ExportFormat = "csv",
    *,
    csv_formula_guard: bool = True,
) -> dict[str, Path]:
    """Write every report table to `out_dir/<table>.<fmt>`; returns table name -> path.

    Files are written under a temporary name and renamed, so a reader never sees a half file.
    """
    if fmt not in FORMATS:
        raise FixFirstError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, frame in report_tables(model).items():
        target = directory / f"{name}.{fmt}"
        partial = directory / f".{name}.{fmt}.partial"
        try:
            _write(frame, partial, fmt, csv_formula_guard=csv_formula_guard)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        written[name] = target
    return written
