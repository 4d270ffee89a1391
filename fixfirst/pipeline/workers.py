"""Run redaction and analysis on every core, with output identical to one process.

Why processes and chunks: both stages are pure CPU work in Python, so threads do not help. Items
are cut into chunks, each chunk goes to a worker process, and results come back **in input
order** (a chunk's result is held until all earlier chunks are back), so files, stored rows and
summaries are byte-for-byte what one worker writes. At most ``2 x workers`` chunks are in flight,
so memory stays bounded however long the input is. Every result of the analysis pipeline is the
same as analysing that conversation alone, so the chunk boundaries cannot change any verdict.

Workers are forked where the platform allows it (the loaded models are shared copy-on-write and
start-up costs nothing), spawned elsewhere; each builds its own redactor and pipeline once, from
plain settings, in `init_worker`.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fixfirst.ingest import Redactor, Reject
from fixfirst.model import AnalysisResult, Conversation, Survey

T = TypeVar("T")
R = TypeVar("R")

#: Conversations per chunk sent to a worker: large enough that pickling is a small share of the
#: work, small enough that a progress bar moves and memory stays low.
CHUNK_SIZE = 128


def default_workers() -> int:
    """The cores this process may run on (container and `taskset` limits included)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(frozen=True)
class WorkerSettings:
    """What a worker needs to rebuild the parent's redactor and pipeline (all picklable)."""

    redact: bool = False
    keep_handles: tuple[str, ...] = ()
    pseudonym_key: str | None = None
    analyze: bool = False
    analyze_options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, redactor: Redactor | None, *, analyze_options: dict[str, Any] | None = None) -> WorkerSettings:
        """From the job's redactor (``pipeline.redactor.redactor_for``: it holds the store's pseudonym
        key), or None for no redaction."""
        return cls(
            redact=redactor is not None,
            keep_handles=tuple(sorted(redactor.keep_handles)) if redactor else (),
            pseudonym_key=redactor.pseudonym_key if redactor else None,
            analyze=analyze_options is not None,
            analyze_options=dict(analyze_options or {}),
        )


@dataclass
class _WorkerState:
    redactor: Redactor | None = None
    pipeline: Any = None


_STATE = _WorkerState()


def init_worker(settings: WorkerSettings) -> None:
    _STATE.redactor = Redactor(settings.keep_handles, settings.pseudonym_key) if settings.redact else None
    if settings.analyze:
        # Imported only here: the analysis stack (scikit-learn) takes seconds to import, and an
        # ingest worker only redacts.
        from fixfirst.analyze.engine import build_pipeline

        options = dict(settings.analyze_options)
        scorecard = options.pop("scorecard", None)
        _STATE.pipeline = build_pipeline(
            scorecard="resolution-first" if scorecard is None else scorecard,
            lexicon_dirs=options.pop("lexicon_dirs", ()),
        )


def prepare_chunk(
    items: Sequence[Conversation | Survey | Reject],
) -> list[tuple[Conversation | Survey | Reject, AnalysisResult | None]]:
    """Redact each item (when configured) and analyse the conversations among them (when configured)."""
    redactor = _STATE.redactor
    redacted = list(items) if redactor is None else redactor.redact_items(items)
    results: dict[int, AnalysisResult] = {}
    if _STATE.pipeline is not None:
        positions = [i for i, item in enumerate(redacted) if isinstance(item, Conversation)]
        batch = [redacted[i] for i in positions]
        for position, result in zip(positions, _STATE.pipeline.run_batch(batch), strict=True):
            results[position] = result
    return [(item, results.get(i)) for i, item in enumerate(redacted)]


def ordered_map(
    func: Callable[[list[T]], list[R]],
    items: Iterable[T],
    *,
    workers: int,
    settings: WorkerSettings,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[R]:
    """`func` over chunks of `items` in `workers` processes; results in input order, bounded in flight."""
    if workers <= 1:
        init_worker(settings)
        for chunk in _chunks(items, chunk_size):
            yield from func(chunk)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker, initargs=(settings,)) as pool:
        pending: deque[Future[list[R]]] = deque()
        for chunk in _chunks(items, chunk_size):
            pending.append(pool.submit(func, chunk))
            if len(pending) >= 2 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def prepared(
    items: Iterable[Conversation | Survey | Reject],
    *,
    workers: int,
    redactor: Redactor | None,
    analyze_options: dict[str, Any] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[tuple[Conversation | Survey | Reject, AnalysisResult | None]]:
    """Items redacted by `redactor` (None: as they are), analysed when `analyze_options` is given,
    in input order."""
    settings = WorkerSettings.of(redactor, analyze_options=analyze_options)
    yield from ordered_map(prepare_chunk, items, workers=workers, settings=settings, chunk_size=chunk_size)

