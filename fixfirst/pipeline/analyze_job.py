"""Analyze conversations from files (to a JSONL file, optionally also into the store) or from the store."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from fixfirst.analyze import analyze, result_to_json
from fixfirst.ingest import CsvMapping, Redactor, Reject, RejectsWriter, read_sources
from fixfirst.model import AnalysisResult, Conversation
from fixfirst.pipeline.ingest_job import DEFAULT_BATCH_SIZE
from fixfirst.store import Store


@dataclass
class AnalyzeSummary:
    """Counts of one analysis run, for the closing summary."""

    analyzed: int = 0
    rejected: int = 0
    surveys_skipped: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    behaviours: Counter[str] = field(default_factory=Counter)
    rejects_path: Path | None = None

    def add(self, result: AnalysisResult) -> None:
        self.analyzed += 1
        self.outcomes[result.outcome.label.value] += 1
        self.behaviours.update({f.label for f in result.findings})


def _write_line(sink: IO[str] | None, result: AnalysisResult) -> None:
    if sink is not None:
        sink.write(json.dumps(result_to_json(result), ensure_ascii=False) + "\n")


def _analyze_in_batches(
    conversations: Iterable[Conversation],
    *,
    store: Store | None,
    sink: IO[str] | None,
    summary: AnalyzeSummary,
    batch_size: int,
    analyze_options: dict,
    on_result: Callable[[AnalysisResult], None] | None,
) -> None:
    """Analyze lazily; with a store, write each batch's conversations then results (two transactions)."""
    batch: list[Conversation] = []

    def flush() -> None:
        results = list(analyze(batch, **analyze_options))
        if store is not None:
            store.write_conversations(batch)
            store.write_results(results)
        for result in results:
            _write_line(sink, result)
            summary.add(result)
            if on_result:
                on_result(result)
        batch.clear()

    for conversation in conversations:
        batch.append(conversation)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()


def analyze_files(
    paths: Iterable[str | Path],
    *,
    out: str | Path | None = None,
    store: Store | None = None,
    format: str = "auto",  # noqa: A002 - mirrors the --format option
    csv_mapping: CsvMapping | str | Path | None = None,
    redact: bool | Redactor = True,
    rejects_path: str | Path = "rejects.jsonl",
    scorecard: str | Path | None = None,
    lexicon_dirs: Iterable[str | Path] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_result: Callable[[AnalysisResult], None] | None = None,
) -> AnalyzeSummary:
    """Read conversations from files, analyze them and write contract JSON lines to `out`.

    Text is redacted first (unless `redact=False`), so evidence spans point into the same text
    that would be stored. With `store`, conversations and results are stored too.
    """
    summary = AnalyzeSummary()
    options = {"scorecard": scorecard, "lexicon_dirs": tuple(lexicon_dirs)}
    with RejectsWriter(rejects_path) as rejects:

        def conversations() -> Iterator[Conversation]:
            for item in read_sources(list(paths), format, csv_mapping=csv_mapping, redact=redact):
                if isinstance(item, Reject):
                    rejects.write(item)
                elif isinstance(item, Conversation):
                    yield item
                else:
                    summary.surveys_skipped += 1

        sink = open(out, "w", encoding="utf-8") if out is not None else None  # noqa: SIM115
        try:
            _analyze_in_batches(
                conversations(),
                store=store,
                sink=sink,
                summary=summary,
                batch_size=batch_size,
                analyze_options=options,
                on_result=on_result,
            )
        finally:
            if sink is not None:
                sink.close()
        summary.rejected = rejects.count
        summary.rejects_path = Path(rejects_path) if rejects.count else None
    return summary


def analyze_stored(
    store: Store,
    *,
    only_new: bool = False,
    out: str | Path | None = None,
    scorecard: str | Path | None = None,
    lexicon_dirs: Iterable[str | Path] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_result: Callable[[AnalysisResult], None] | None = None,
) -> AnalyzeSummary:
    """(Re-)analyze conversations already in the store and replace their stored results."""
    summary = AnalyzeSummary()
    options = {"scorecard": scorecard, "lexicon_dirs": tuple(lexicon_dirs)}
    batch: list[AnalysisResult] = []
    sink = open(out, "w", encoding="utf-8") if out is not None else None  # noqa: SIM115
    try:
        for result in analyze(store.iter_conversations(without_results=only_new), **options):
            batch.append(result)
            _write_line(sink, result)
            summary.add(result)
            if on_result:
                on_result(result)
            if len(batch) >= batch_size:
                store.write_results(batch)
                batch = []
        if batch:
            store.write_results(batch)
    finally:
        if sink is not None:
            sink.close()
    return summary
