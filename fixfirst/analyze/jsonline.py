"""The ``fixfirst analyze`` JSON-line contract: one dict per conversation, stable keys and rounding."""

from __future__ import annotations

from typing import Any

from fixfirst.model import AnalysisResult


def result_to_json(result: AnalysisResult) -> dict[str, Any]:
    """Turn an analysis into the contract line (see issue #3); explanations are included per finding."""
    line: dict[str, Any] = {
        "id": result.id,
        "outcome": {
            "label": result.outcome.label.value,
            "confidence": round(result.outcome.confidence, 3),
            "evidence": [
                {"turn": e.turn, "start": e.start, "end": e.end, "text": e.text}
                for e in result.outcome.evidence
            ],
        },
        "findings": [
            {
                "label": f.label,
                "confidence": round(f.confidence, 3),
                "turn": f.turn,
                "start": f.start,
                "end": f.end,
                "text": f.text,
                "detector": f.detector,
                "explanation": f.explanation,
            }
            for f in result.findings
        ],
        "customer_sentiment": {
            "start": result.customer_sentiment.start.value,
            "end": result.customer_sentiment.end.value,
        },
    }
    if result.score is not None:
        line["score"] = {"scorecard": result.score.scorecard, "points": result.score.points}
    return line
