"""Accepting conversations and surveys over HTTP: validate each record, redact, store, analyse.

Why per record: a pipeline posting 500 conversations with three broken ones must get 497
stored and three precise errors back, never a 500 and never all-or-nothing. Validation reuses
the ingest stage's builder (same canonical JSON as FixFirst JSONL files), redaction reuses
``Redactor``, and analysis runs synchronously on arrival so the dashboard shows the result at
once. Storage stays idempotent by id (a re-post of the same record is a ``duplicate``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from fixfirst.ingest import Redactor
from fixfirst.ingest.conversation_builder import RecordError, build_conversation
from fixfirst.ingest.reject import summarise_validation_error
from fixfirst.model import AnalysisResult, Conversation, Survey, stable_id
from fixfirst.store import Store, WriteStats

log = logging.getLogger(__name__)


def analyze(conversations: Sequence[Conversation]) -> Iterator[AnalysisResult]:
    """The engine, imported on the first post and not at start: the analysis stack (scikit-learn,
    SciPy) costs 2.5 s and ~140 MiB that a server which only shows pages never needs."""
    from fixfirst.analyze import analyze as run

    return run(conversations)

#: Records per request; bigger batches should be split by the client.
MAX_BATCH = 1000
_SURVEY_KEYS = ("conversation_id", "customer_id", "submitted_at", "csat", "ces", "fixed", "empathy", "comment")


@dataclass
class RecordStatus:
    """What happened to one posted record: ``index`` is its position in the request."""

    index: int
    id: str | None
    status: str  # stored | updated | duplicate | rejected
    code: int
    errors: list[str] = field(default_factory=list)
    outcome: str | None = None


def _stats_status(stats: WriteStats) -> str:
    if stats.stored:
        return "stored"
    if stats.updated:
        return "updated"
    return "duplicate"


def _record_id(record: Any) -> str | None:
    if isinstance(record, dict) and isinstance(record.get("id"), str | int):
        return str(record["id"])[:200]
    return None


class RecordIntake:
    """Validates, redacts, stores and analyses posted records. One writer at a time per process,
    so concurrent posts of the same id cannot race between the duplicate check and the write."""

    def __init__(self, store: Store, redactor: Redactor | None, on_write: Callable[[], None]) -> None:
        self._store = store
        self._redactor = redactor
        self._on_write = on_write
        self._lock = threading.Lock()

    def redact_note(self, text: str | None) -> str | None:
        """Free text people type about a conversation (review notes, dispute comments) often quotes
        the customer: it is redacted like the transcript before it is stored."""
        if text is None or self._redactor is None:
            return text
        return self._redactor.redact_text(text, free_text=True)

    def conversations(
        self, records: Sequence[Any], allowed_team: Callable[[str | None], bool], source: str
    ) -> list[RecordStatus]:
        statuses: list[RecordStatus] = []
        accepted: list[tuple[int, Conversation]] = []
        seen: dict[str, int] = {}
        for index, record in enumerate(records):
            status = RecordStatus(index, _record_id(record), "rejected", 422)
            statuses.append(status)
            if not isinstance(record, dict):
                status.errors.append(f"record: expected a JSON object, got {type(record).__name__}")
                continue
            try:
                conversation = build_conversation(record)
            except RecordError as exc:
                status.errors.append(str(exc))
                continue
            except ValidationError as exc:
                status.errors.extend(summarise_validation_error(exc, limit=10).split("; "))
                continue
            except (TypeError, ValueError) as exc:
                status.errors.append(f"record: {exc}")
                continue
            status.id = conversation.id
            if not allowed_team(conversation.team):
                status.code = 403
                status.errors.append(f"team: you may not write conversations of team {conversation.team!r}")
                continue
            if conversation.id in seen:
                status.code = 409
                status.errors.append(f"id: {conversation.id!r} repeats record {seen[conversation.id]} of this request")
                continue
            seen[conversation.id] = index
            if self._redactor is not None:
                conversation = self._redactor.redact_conversation(conversation)
            accepted.append((index, conversation))
        # The stored record must be writable too: a manager of team A may not take over (and so
        # read the reviews and disputes of) a conversation of team B by posting its id as team A.
        stored = self._store.stored_teams([c.id for _i, c in accepted])
        kept: list[tuple[int, Conversation]] = []
        for index, conversation in accepted:
            if conversation.id in stored and not allowed_team(stored[conversation.id]):
                statuses[index].code = 403
                statuses[index].errors.append("id: a conversation with this id exists and you may not change it")
            else:
                kept.append((index, conversation))
        accepted = kept
        if accepted:
            self._store_conversations(accepted, statuses, source)
        return statuses

    def _store_conversations(
        self, accepted: list[tuple[int, Conversation]], statuses: list[RecordStatus], source: str
    ) -> None:
        with self._lock:
            # One transaction for the whole request (ids are unique within it); the store reports
            # what happened to each record, in order. Only the write holds the lock: analysis runs
            # outside it, so a long record slows its own request, never another client's writes.
            stats = self._store.write_conversations([c for _i, c in accepted], source=source)
            to_analyse: list[Conversation] = []
            for (index, conversation), happened in zip(accepted, stats.each, strict=True):
                statuses[index].status = happened
                statuses[index].code = 201 if happened == "stored" else 200
                if happened == "stored" or self._store.get_result(conversation.id) is None:
                    to_analyse.append(conversation)
        outcomes = self._analyse(to_analyse)
        self._on_write()
        for index, conversation in accepted:
            result = outcomes.get(conversation.id) or self._store.get_result(conversation.id)
            statuses[index].outcome = result.outcome.label.value if result else None

    def _analyse(self, conversations: list[Conversation]) -> dict[str, Any]:
        if not conversations:
            return {}
        try:
            results = list(analyze(conversations))
        except Exception:  # noqa: BLE001 - one odd conversation must not fail the batch; retry singly
            log.warning("batch analysis failed; analysing %d conversations one by one", len(conversations))
            results = []
            for conversation in conversations:
                try:
                    results.extend(analyze([conversation]))
                except Exception:  # noqa: BLE001
                    log.exception("analysis failed for conversation %s; stored without a result", conversation.id)
        if results:
            with self._lock:
                # A newer post of the same id may have changed the words meanwhile: keep only
                # results whose conversation is still the one analysed.
                analysed = {c.id: c.content_hash() for c in conversations}
                stored = self._store.stored_content_hashes(list(analysed))
                self._store.write_results([r for r in results if stored.get(r.id) == analysed[r.id]])
        return {r.id: r for r in results}

    def surveys(self, records: Sequence[Any], allowed: Callable[[Survey], bool]) -> list[RecordStatus]:
        statuses: list[RecordStatus] = []
        accepted: list[tuple[int, Survey]] = []
        for index, record in enumerate(records):
            status = RecordStatus(index, _record_id(record), "rejected", 422)
            statuses.append(status)
            if not isinstance(record, dict):
                status.errors.append(f"record: expected a JSON object, got {type(record).__name__}")
                continue
            fields = dict(record)
            if fields.get("id") is None:
                fields["id"] = stable_id("sv", *(fields.get(k) for k in _SURVEY_KEYS))
            try:
                survey = Survey.model_validate(fields)
            except ValidationError as exc:
                status.errors.extend(summarise_validation_error(exc, limit=10).split("; "))
                continue
            status.id = survey.id
            if not allowed(survey):
                status.code = 403
                status.errors.append("conversation_id: you may not write surveys for this conversation")
                continue
            if self._redactor is not None:
                survey = self._redactor.redact_survey(survey)
            accepted.append((index, survey))
        if accepted:
            with self._lock:
                for index, survey in accepted:
                    stats = self._store.write_surveys([survey])
                    statuses[index].status = _stats_status(stats)
                    statuses[index].code = 201 if stats.stored else 200
                self._on_write()
        return statuses
