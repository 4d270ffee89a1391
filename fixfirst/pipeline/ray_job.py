"""`fixfirst analyze --engine ray`: the same analysis as a Ray Data pipeline, on one machine or a cluster.

Shape of the pipeline (why this shape):

1. one task per input file (JSONL or Parquet shard) reads it with the ordinary ingest adapters,
   so rejects name the same file, line and reason as a local run;
2. records are analysed in batches by a pool of Ray actors; each actor builds the redactor and
   the analysis pipeline once (`fixfirst.pipeline.workers`), exactly as a local worker process;
3. the driver streams the results back **in input order** (``preserve_order``) and writes them
   with the local writer: JSON lines or Parquet (``--out``), and the store (``--db``, e.g. the
   team's PostgreSQL), plus the rejects file.

So the output is byte-for-byte the local run's, and what a cluster adds is analysis capacity.
Without ``address`` Ray starts a private local instance with ``workers`` CPUs; with an address
(``ray://head:10001`` or ``auto``) it joins that cluster, whose nodes must have FixFirst
installed (the models ship inside the package, so nothing is downloaded anywhere).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from fixfirst.errors import ConfigError
from fixfirst.ingest import Redactor, Reject, expand_paths, read_sources
from fixfirst.model import AnalysisResult, Conversation, Survey
from fixfirst.pipeline.analyze_job import AnalyzeSummary, write_analysed
from fixfirst.pipeline.ingest_job import DEFAULT_BATCH_SIZE
from fixfirst.pipeline.redactor import redactor_for
from fixfirst.pipeline.workers import CHUNK_SIZE, WorkerSettings, init_worker, prepare_chunk
from fixfirst.store import Store

_KINDS = {"conversation": Conversation, "survey": Survey, "reject": Reject}


def _encode(item: Conversation | Survey | Reject) -> dict[str, str]:
    kind = next(name for name, cls in _KINDS.items() if isinstance(item, cls))
    return {"kind": kind, "item": item.model_dump_json()}


def _decode(kind: str, payload: str) -> Conversation | Survey | Reject:
    return _KINDS[kind].model_validate_json(payload)


def _read_file(row: dict[str, Any], *, format: str, csv_mapping: Any) -> Iterator[dict[str, str]]:  # noqa: A002
    """Every record of one file, unredacted (redaction runs in the analysis actors)."""
    for item in read_sources([row["path"]], format, csv_mapping=csv_mapping, redact=False):
        yield _encode(item)


class _Analyzer:
    """A Ray actor: redacts and analyses batches with one pipeline built at start."""

    def __init__(self, settings: WorkerSettings) -> None:
        init_worker(settings)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        items = [_decode(kind, payload) for kind, payload in zip(batch["kind"], batch["item"], strict=True)]
        prepared = prepare_chunk(items)
        encoded = [_encode(item) for item, _ in prepared]  # each item serialised once
        return {
            "kind": [e["kind"] for e in encoded],
            "item": [e["item"] for e in encoded],
            "result": ["" if result is None else result.model_dump_json() for _, result in prepared],
        }


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "the Ray engine needs Ray: pip install 'fixfirst[ray]' (or 'ray[data]==2.60.0')"
        ) from None
    return ray


def analyze_with_ray(
    paths: Iterable[str | Path],
    *,
    out: str | Path | None = None,
    store: Store | None = None,
    address: str | None = None,
    workers: int = 1,
    format: str = "auto",  # noqa: A002 - mirrors the --format option
    csv_mapping: Any = None,
    redact: bool | Redactor = True,
    rejects_path: str | Path = "rejects.jsonl",
    scorecard: str | Path | None = None,
    lexicon_dirs: Iterable[str | Path] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_result: Callable[[AnalysisResult], None] | None = None,
) -> AnalyzeSummary:
    """`analyze_files` on Ray: same arguments, same outputs; `address` joins a cluster."""
    ray = _ray()
    files = [str(Path(p).resolve()) for p in expand_paths(list(paths))]
    options = {"scorecard": scorecard, "lexicon_dirs": tuple(str(d) for d in lexicon_dirs)}
    settings = WorkerSettings.of(redactor_for(redact, store), analyze_options=options)
    started_here = not ray.is_initialized()
    if started_here:
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            # One CPU more than analysis actors, so the file-reading tasks always have one to run on.
            ray.init(num_cpus=workers + 1, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        dataset = (
            ray.data.from_items([{"path": f} for f in files])
            .flat_map(_read_file, fn_kwargs={"format": format, "csv_mapping": csv_mapping})
            .map_batches(
                _Analyzer,
                fn_constructor_kwargs={"settings": settings},
                batch_size=CHUNK_SIZE,
                compute=ray.data.ActorPoolStrategy(size=max(1, workers)),
                batch_format="numpy",
            )
        )

        def analysed() -> Iterator[tuple[Conversation | Survey | Reject, AnalysisResult | None]]:
            for batch in dataset.iter_batches(batch_size=batch_size, batch_format="numpy"):
                for kind, payload, result in zip(batch["kind"], batch["item"], batch["result"], strict=True):
                    yield _decode(str(kind), str(payload)), (
                        AnalysisResult.model_validate_json(str(result)) if result else None
                    )

        return write_analysed(analysed(), out=out, store=store, rejects_path=rejects_path, batch_size=batch_size,
                              on_result=on_result)
    finally:
        if started_here:
            ray.shutdown()
