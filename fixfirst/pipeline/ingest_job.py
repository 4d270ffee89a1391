"""Load source files into the store: batched transactions, rejects written aside, a summary at the end.

Every batch is one transaction, so an interrupted run leaves only whole batches behind, and
because ids are stable, running the same ingest again completes it without duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from fixfirst.ingest import CsvMapping, Redactor, Reject, RejectsWriter, read_sources
from fixfirst.ingest.calls.recording import CallOptions
from fixfirst.model import Conversation, Survey
from fixfirst.pipeline.redactor import redactor_for
from fixfirst.pipeline.workers import prepared
from fixfirst.store import Store, WriteStats

DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest run did; `rejected` records are listed in `rejects_path`."""

    read: int = 0
    conversations: WriteStats = WriteStats()
    surveys: WriteStats = WriteStats()
    rejected: int = 0
    rejects_path: Path | None = None

    @property
    def stored(self) -> int:
        return self.conversations.stored + self.surveys.stored

    @property
    def updated(self) -> int:
        return self.conversations.updated + self.surveys.updated

    @property
    def duplicates(self) -> int:
        return self.conversations.duplicates + self.surveys.duplicates


def ingest_files(
    paths: Iterable[str | Path],
    store: Store,
    *,
    format: str = "auto",  # noqa: A002 - mirrors the --format option
    csv_mapping: CsvMapping | str | Path | None = None,
    redact: bool | Redactor = True,
    call_options: CallOptions | None = None,
    rejects_path: str | Path = "rejects.jsonl",
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int = 1,
    on_item: Callable[[Conversation | Survey | Reject], None] | None = None,
    on_reject: Callable[[Reject], None] | None = None,
) -> IngestSummary:
    """Read `paths`, store conversations and surveys in batches, write rejects to `rejects_path`.

    `workers` processes redact (the costly part); stored rows are the same for any number.
    Raises `InputError` (before anything is stored) when a file cannot be read at all.
    """
    conversation_stats, survey_stats = WriteStats(), WriteStats()
    conversations: list[Conversation] = []
    surveys: list[Survey] = []
    read = 0
    with RejectsWriter(rejects_path) as rejects:
        items = read_sources(
            list(paths), format, csv_mapping=csv_mapping, redact=False, call_options=call_options, call_workers=workers
        )
        for item, _ in prepared(items, workers=workers, redactor=redactor_for(redact, store)):
            if isinstance(item, Reject):
                rejects.write(item)
                if on_reject:
                    on_reject(item)
            else:
                read += 1
                if isinstance(item, Conversation):
                    conversations.append(item)
                else:
                    surveys.append(item)
            if len(conversations) >= batch_size:
                conversation_stats += store.write_conversations(conversations).counts()
                conversations = []
            if len(surveys) >= batch_size:
                survey_stats += store.write_surveys(surveys)
                surveys = []
            if on_item:
                on_item(item)
        if conversations:
            conversation_stats += store.write_conversations(conversations).counts()
        if surveys:
            survey_stats += store.write_surveys(surveys)
        rejected = rejects.count
    return IngestSummary(
        read=read,
        conversations=conversation_stats,
        surveys=survey_stats,
        rejected=rejected,
        rejects_path=Path(rejects_path) if rejected else None,
    )
