"""The outcome trainer's fitting and diagnostics on small synthetic designs (no shared data needed)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analyze.conversation_builder import conversation
from fixfirst.analyze.outcome_model import FEATURES
from fixfirst.analyze.outcome_training import (
    LABELS,
    cue_ceiling,
    diagnose,
    fit,
    has_agent_turn,
    read_label_confidence,
)

RESOLVED, UNRESOLVED = LABELS.index("resolved"), LABELS.index("unresolved")


def _rows(*cues: dict[str, float]) -> np.ndarray:
    return np.array([[row.get(name, 0.0) for name in FEATURES] for row in cues])


def _separable(n: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Resolved contacts carry an answer cue, unresolved ones a question: a weighting can learn it."""
    x = _rows(*([{"answer_cues": 1.0, "final_words": 1.0}] * n + [{"questions": 1.0, "final_words": 1.0}] * n))
    y = np.array([RESOLVED] * n + [UNRESOLVED] * n)
    return x, y


def test_fit_learns_a_separable_signal():
    x, y = _separable()
    model = fit(x, y)
    predicted = [int(np.argmax(model.probabilities(row))) for row in x]
    assert predicted == y.tolist()


@pytest.mark.parametrize(
    ("cues", "gold", "expected"),
    [
        # same signature, different gold: no labelling by cues can get both right
        ([{"answer_cues": 1.0}, {"answer_cues": 1.0}], [RESOLVED, UNRESOLVED], 0.5),
        # a count of 2 or 3 is the same "fires" signature as 1
        ([{"answer_cues": 1.0}, {"answer_cues": 3.0}, {"questions": 1.0}], [RESOLVED, RESOLVED, UNRESOLVED], 1.0),
        # features outside the cue families (final_words) do not split a signature
        ([{"final_words": 1.0}, {"final_words": 2.0}], [RESOLVED, UNRESOLVED], 0.5),
        ([{"questions": 1.0}, {"questions": 1.0}, {"questions": 1.0}], [UNRESOLVED, UNRESOLVED, RESOLVED], 2 / 3),
    ],
)
def test_cue_ceiling(cues, gold, expected):
    assert cue_ceiling(_rows(*cues), np.array(gold)) == pytest.approx(expected)


def test_diagnose_reports_each_confidence_group_and_the_ceiling():
    x, y = _separable()
    n = len(y)
    masks = np.ones((n, len(LABELS)), bool)
    groups = ["high", "low"] * (n // 2)
    lines = diagnose(x, y, np.full(n, UNRESOLVED), np.zeros(n, bool), masks, groups)
    assert lines[0].startswith("labels marked high (10): CV acc 1.000")
    assert lines[1].startswith("labels marked low (10): CV acc 1.000")
    assert lines[2].endswith(": 1.000")


def test_read_label_confidence(tmp_path):
    path = tmp_path / "labels.jsonl"
    rows = [
        {"id": "a", "outcome": "resolved", "confidence": "high"},
        {"id": "b", "outcome": "deflected", "confidence": "low"},
        {"id": "c", "outcome": "unresolved"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert read_label_confidence(path) == {"a": "high", "b": "low", "c": "unknown"}


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        ((("c", "My order never came."), ("a", "I've refunded it.")), True),
        ((("c", "My order never came."), ("c", "Hello?")), False),
        ((("c", "My order never came."), ("s", "Ticket closed.")), False),
    ],
)
def test_has_agent_turn(turns, expected):
    assert has_agent_turn(conversation(*turns)) is expected
