"""Jobs that run several stages in order (ingest -> store, analyze -> store/file, store -> report).

Each job is plain library code the CLI, the web app and notebooks call alike; a job composes
the stages' public functions and adds no analysis of its own.

Exports load on first use (PEP 562): `fixfirst report` and `fixfirst serve` need the report job
only, and importing the analysis jobs would load scikit-learn, SciPy and the models' code - about
150 MiB of a report's peak memory for nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fixfirst.pipeline.analyze_job import AnalyzeSummary, analyze_files, analyze_stored
    from fixfirst.pipeline.demo_job import DemoSummary, demo_sources, run_demo
    from fixfirst.pipeline.ingest_job import IngestSummary, ingest_files
    from fixfirst.pipeline.report_job import ReportScope, build_report_model, load_insights
    from fixfirst.pipeline.workers import default_workers

_EXPORTS = {
    "AnalyzeSummary": "analyze_job",
    "analyze_files": "analyze_job",
    "analyze_stored": "analyze_job",
    "DemoSummary": "demo_job",
    "demo_sources": "demo_job",
    "run_demo": "demo_job",
    "IngestSummary": "ingest_job",
    "ingest_files": "ingest_job",
    "ReportScope": "report_job",
    "build_report_model": "report_job",
    "load_insights": "report_job",
    "default_workers": "workers",
}

__all__ = [
    "AnalyzeSummary",
    "DemoSummary",
    "IngestSummary",
    "ReportScope",
    "analyze_files",
    "analyze_stored",
    "build_report_model",
    "default_workers",
    "demo_sources",
    "ingest_files",
    "load_insights",
    "run_demo",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"fixfirst.pipeline.{_EXPORTS[name]}"), name)
