"""Translation between the canonical model and table rows, in both directions.

Why plain dicts here: bulk inserts go through SQLAlchemy Core ``executemany``, which is many times
faster than building ORM objects; and reading builds validated model objects, so whatever comes
out of the store obeys the same rules as whatever an ingest adapter produces.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from fixfirst.model import (
    AnalysisResult,
    Conversation,
    CustomerSentiment,
    Evidence,
    Finding,
    OutcomeVerdict,
    ScoreResult,
    Survey,
    Turn,
)
from fixfirst.store.column_types import jsonable, to_utc

Row = dict[str, Any]


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else to_utc(value)


def conversation_rows(conversation: Conversation) -> tuple[Row, list[Row]]:
    """The conversations row (without ingest bookkeeping) and the turns rows of one conversation.

    The row carries ``content_hash`` (what was said, as :meth:`Conversation.content_hash`) and
    ``record_hash`` (everything that is stored, in its stored form), so a re-ingest can tell
    "nothing changed" from "the team changed" from "the words changed".
    """
    turns = [
        {
            "conversation_id": conversation.id,
            "idx": turn.index,
            "role": turn.role.value,
            "author": turn.author,
            "text": turn.text,
            "ts": _utc(turn.ts),
            "public": turn.public,
        }
        for turn in conversation.turns
    ]
    row: Row = {
        "id": conversation.id,
        "channel": conversation.channel,
        "company": conversation.company,
        "started_at": _utc(conversation.started_at),
        "customer_id": conversation.customer_id,
        "team": conversation.team,
        "agent_ids": list(conversation.agent_ids),
        "metadata": jsonable(conversation.metadata),
        "content_hash": conversation.content_hash(),
    }
    row["record_hash"] = _digest(row, turns)
    return row, turns


def agent_rows(row: Mapping[str, Any], turns: Iterable[Mapping[str, Any]]) -> list[Row]:
    """`conversation_agents` rows: listed agents plus authors of agent turns, once each."""
    names = set(row["agent_ids"])
    names.update(t["author"] for t in turns if t["role"] == "agent" and t["author"])
    return [{"conversation_id": row["id"], "agent_id": name} for name in sorted(names)]


def _digest(row: Mapping[str, Any], turns: Sequence[Mapping[str, Any]]) -> str:
    # repr() of str/None/bool/int/UTC datetime is unambiguous and fast; metadata needs canonical JSON.
    parts = [repr(row[key]) for key in ("id", "channel", "company", "started_at", "customer_id", "team")]
    parts.append(repr(row["agent_ids"]))
    parts.append(json.dumps(row["metadata"], sort_keys=True, ensure_ascii=False) if row["metadata"] else "{}")
    parts.extend(repr((t["idx"], t["role"], t["author"], t["text"], t["ts"], t["public"])) for t in turns)
    return hashlib.sha256("\x1e".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def conversation_from_rows(row: Mapping[str, Any], turns: Iterable[Mapping[str, Any]]) -> Conversation:
    return Conversation(
        id=row["id"],
        channel=row["channel"],
        company=row["company"],
        started_at=row["started_at"],
        customer_id=row["customer_id"],
        agent_ids=tuple(row["agent_ids"] or ()),
        team=row["team"],
        turns=tuple(
            Turn(
                index=t["idx"],
                role=t["role"],
                author=t["author"],
                text=t["text"],
                ts=t["ts"],
                public=t["public"],
            )
            for t in turns
        ),
        metadata=row["metadata"] or {},
    )


def survey_row(survey: Survey) -> Row:
    return {
        "id": survey.id,
        "conversation_id": survey.conversation_id,
        "customer_id": survey.customer_id,
        "csat": survey.csat,
        "ces": survey.ces,
        "fixed": None if survey.fixed is None else survey.fixed.value,
        "empathy": survey.empathy,
        "comment": survey.comment,
        "submitted_at": _utc(survey.submitted_at),
    }


def survey_from_row(row: Mapping[str, Any]) -> Survey:
    return Survey(**{key: row[key] for key in Survey.model_fields})


def result_rows(result: AnalysisResult, analyzed_at: datetime) -> tuple[Row, list[Row]]:
    """The analysis_results row and the findings rows of one result."""
    score = result.score
    row: Row = {
        "conversation_id": result.id,
        "outcome": result.outcome.label.value,
        "outcome_confidence": result.outcome.confidence,
        "outcome_evidence": [e.model_dump() for e in result.outcome.evidence],
        "outcome_explanation": result.outcome.explanation,
        "sentiment_start": result.customer_sentiment.start.value,
        "sentiment_end": result.customer_sentiment.end.value,
        "scorecard": None if score is None else score.scorecard,
        "points": None if score is None else score.points,
        "score_breakdown": None if score is None else [[rule, points] for rule, points in score.breakdown],
        "engine_version": result.engine_version,
        "analyzed_at": analyzed_at,
    }
    findings = [
        {
            "conversation_id": result.id,
            "label": f.label,
            "confidence": f.confidence,
            "turn": f.turn,
            "start": f.start,
            "end": f.end,
            "text": f.text,
            "detector": f.detector,
            "explanation": f.explanation,
        }
        for f in result.findings
    ]
    return row, findings


def result_from_rows(row: Mapping[str, Any], findings: Iterable[Mapping[str, Any]]) -> AnalysisResult:
    score = None
    if row["scorecard"] is not None:
        score = ScoreResult(
            scorecard=row["scorecard"],
            points=row["points"],
            breakdown=tuple((rule, points) for rule, points in row["score_breakdown"] or ()),
        )
    return AnalysisResult(
        id=row["conversation_id"],
        outcome=OutcomeVerdict(
            label=row["outcome"],
            confidence=row["outcome_confidence"],
            evidence=tuple(Evidence(**e) for e in row["outcome_evidence"] or ()),
            explanation=row["outcome_explanation"],
        ),
        findings=tuple(Finding(**{key: f[key] for key in Finding.model_fields}) for f in findings),
        customer_sentiment=CustomerSentiment(start=row["sentiment_start"], end=row["sentiment_end"]),
        score=score,
        engine_version=row["engine_version"],
    )
