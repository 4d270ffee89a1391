"""Analyze conversations from files (to a JSONL file, optionally also into the store) or from the store."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from fixfirst.analyze import result_to_json
from fixfirst.analyze.result_parquet import ResultParquetWriter
from fixfirst.ingest import CsvMapping, Redactor, Reject, RejectsWriter, read_sources
from fixfirst.ingest.calls.recording import CallOptions
from fixfirst.model import AnalysisResult, Conversation, Survey
from fixfirst.pipeline.ingest_job import DEFAULT_BATCH_SIZE
from fixfirst.pipeline.redactor import redactor_for
from fixfirst.pipeline.workers import prepared
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


class ResultSink(Protocol):
    def write(self, result: AnalysisResult) -> None: ...


class _JsonLinesSink:
    """One contract JSON line per result."""

    def __init__(self, path: str | Path) -> None:
        self._file: IO[str] = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in __exit__

    def write(self, result: AnalysisResult) -> None:
        self._file.write(json.dumps(result_to_json(result), ensure_ascii=False) + "\n")

    def __enter__(self) -> _JsonLinesSink:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._file.close()


def _open_sink(out: str | Path | None) -> AbstractContextManager[ResultSink | None]:
    """Where results go: nowhere, Parquet (an ``.parquet`` path) or JSON lines (any other path)."""
    if out is None:
        return nullcontext()
    if str(out).lower().endswith(".parquet"):
        return ResultParquetWriter(out)
    return _JsonLinesSink(out)


class _ResultWriter:
    """Stores (when a store is given), writes results out and counts them, one batch at a time."""

    def __init__(
        self,
        *,
        store: Store | None,
        sink: ResultSink | None,
        summary: AnalyzeSummary,
        batch_size: int,
        store_conversations: bool,
        on_result: Callable[[AnalysisResult], None] | None,
    ) -> None:
        self.store, self.sink, self.summary = store, sink, summary
        self.batch_size, self.store_conversations, self.on_result = batch_size, store_conversations, on_result
        self.conversations: list[Conversation] = []
        self.results: list[AnalysisResult] = []

    def add(self, conversation: Conversation, result: AnalysisResult) -> None:
        self.conversations.append(conversation)
        self.results.append(result)
        if len(self.results) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Conversations then results, each batch in its own transaction, so a stop keeps whole batches."""
        if self.store is not None and self.results:
            if self.store_conversations:
                self.store.write_conversations(self.conversations)
            self.store.write_results(self.results)
        for result in self.results:
            if self.sink is not None:
                self.sink.write(result)
            self.summary.add(result)
            if self.on_result:
                self.on_result(result)
        self.conversations, self.results = [], []


def analyze_files(
    paths: Iterable[str | Path],
    *,
    out: str | Path | None = None,
    store: Store | None = None,
    format: str = "auto",  # noqa: A002 - mirrors the --format option
    csv_mapping: CsvMapping | str | Path | None = None,
    redact: bool | Redactor = True,
    call_options: CallOptions | None = None,
    rejects_path: str | Path = "rejects.jsonl",
    scorecard: str | Path | None = None,
    lexicon_dirs: Iterable[str | Path] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int = 1,
    on_result: Callable[[AnalysisResult], None] | None = None,
) -> AnalyzeSummary:
    """Read conversations from files, analyze them and write contract JSON lines to `out`.

    Text is redacted first (unless `redact=False`), so evidence spans point into the same text
    that would be stored. With `store`, conversations and results are stored too. `workers`
    processes redact and analyse; the output is the same for any number of workers.
    """
    options = {"scorecard": scorecard, "lexicon_dirs": tuple(lexicon_dirs)}
    items = read_sources(
        list(paths), format, csv_mapping=csv_mapping, redact=False, call_options=call_options, call_workers=workers
    )
    analysed = prepared(items, workers=workers, redactor=redactor_for(redact, store), analyze_options=options)
    return write_analysed(analysed, out=out, store=store, rejects_path=rejects_path, batch_size=batch_size,
                          on_result=on_result)


def write_analysed(
    analysed: Iterable[tuple[Conversation | Survey | Reject, AnalysisResult | None]],
    *,
    out: str | Path | None,
    store: Store | None,
    rejects_path: str | Path,
    batch_size: int,
    on_result: Callable[[AnalysisResult], None] | None,
) -> AnalyzeSummary:
    """Write (item, result) pairs in order: results to `out` and the store, rejects aside, surveys
    counted as skipped. The local and the Ray engine both end here, so their outputs agree."""
    summary = AnalyzeSummary()
    with RejectsWriter(rejects_path) as rejects, _open_sink(out) as sink:
        writer = _ResultWriter(store=store, sink=sink, summary=summary, batch_size=batch_size,
                               store_conversations=True, on_result=on_result)
        for item, result in analysed:
            if isinstance(item, Reject):
                rejects.write(item)
            elif isinstance(item, Conversation) and result is not None:
                writer.add(item, result)
            else:
                summary.surveys_skipped += 1
        writer.flush()
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
    workers: int = 1,
    on_result: Callable[[AnalysisResult], None] | None = None,
) -> AnalyzeSummary:
    """(Re-)analyze conversations already in the store and replace their stored results."""
    summary = AnalyzeSummary()
    options = {"scorecard": scorecard, "lexicon_dirs": tuple(lexicon_dirs)}
    conversations = store.iter_conversations(without_results=only_new)
    with _open_sink(out) as sink:
        writer = _ResultWriter(store=store, sink=sink, summary=summary, batch_size=batch_size,
                               store_conversations=False, on_result=on_result)
        for conversation, result in prepared(conversations, workers=workers, redactor=None, analyze_options=options):
            assert isinstance(conversation, Conversation) and result is not None
            writer.add(conversation, result)
        writer.flush()
    return summary
