"""Today's numbers on the bundled demo data: the reference the scale work must not change.

`python -m tests.report.demo_numbers` (from the repository root) runs ingest -> analyze on the
demo data into a temporary SQLite store and writes `tests/fixtures/demo_report_numbers.json`:
the report's aggregate tables plus the engine version they came from. Run it again only when the
engine itself changes (a retrained model); the test then compares against the new numbers.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from fixfirst.pipeline import ReportScope, analyze_stored, build_report_model, demo_sources, ingest_files
from fixfirst.report.table_export import report_tables
from fixfirst.store import Store

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "demo_report_numbers.json"
TABLES = (
    "overview", "actions", "week_over_week",
    "outcome_mix", "agents", "teams", "root_causes", "contact_reasons", "customer_voice", "drivers",
    "promises_by_agent", "promises_by_team",
)
#: Columns that say when or how the report was made, not what it found.
NOT_NUMBERS = {"generated_at", "title"}


def load_demo(store: Store, tmp: Path, *, workers: int) -> str:
    """Ingest and analyse the demo data; returns the engine version of the stored results."""
    options = {"workers": workers} if workers > 1 else {}  # one worker: also runs on code before --workers
    ingest_files(demo_sources(), store, rejects_path=tmp / "rejects.jsonl", **options)
    analyze_stored(store, **options)
    return next(iter(store.iter_results())).engine_version


def demo_numbers(store: Store) -> dict[str, Any]:
    """The aggregate tables of the all-companies report, as JSON-ready records."""
    tables = report_tables(build_report_model(store, ReportScope()))
    numbers: dict[str, Any] = {}
    for name in TABLES:
        records = json.loads(tables[name].to_json(orient="records", date_format="iso"))
        numbers[name] = [{k: v for k, v in row.items() if k not in NOT_NUMBERS} for row in records]
    return numbers


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, Store.open(f"sqlite:///{tmp}/demo.db") as store:
        engine = load_demo(store, Path(tmp), workers=1)
        payload = {"engine_version": engine, "numbers": demo_numbers(store)}
    FIXTURE.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {FIXTURE}")


if __name__ == "__main__":
    main()
