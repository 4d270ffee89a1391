"""Jobs that run several stages in order (ingest -> store, analyze -> store/file, store -> report).

Each job is plain library code the CLI, the web app and notebooks call alike; a job composes
the stages' public functions and adds no analysis of its own.
"""

from fixfirst.pipeline.analyze_job import AnalyzeSummary, analyze_files, analyze_stored
from fixfirst.pipeline.demo_job import DemoSummary, demo_sources, run_demo
from fixfirst.pipeline.ingest_job import IngestSummary, ingest_files
from fixfirst.pipeline.report_job import ReportScope, build_report_model, load_insights
from fixfirst.pipeline.workers import default_workers

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
