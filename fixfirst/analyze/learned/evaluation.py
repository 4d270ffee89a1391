"""Scores of out-of-fold predictions: outcome accuracy, macro-F1, confusion, behaviour P/R/F1,
sentiment accuracy and calibration (reliability table, Brier score) - per corpus.

Shared by ``python -m fixfirst.train --cv`` (which stamps the result into the model's ``meta.json``)
and ``benchmarks/accuracy.py`` (which prints it), so both report the same numbers.
"""

from __future__ import annotations

import numpy as np

from fixfirst.analyze.learned.training import BEHAVIOURS, OUTCOMES, SENTIMENTS, Design

RELIABILITY_BINS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)


def precision_recall_f1(truth: np.ndarray, predicted: np.ndarray) -> dict:
    tp = int((truth & predicted).sum())
    fp = int((~truth & predicted).sum())
    fn = int((truth & ~predicted).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "positives": tp + fn, "predicted": tp + fp}


def reliability(confidence: np.ndarray, correct: np.ndarray) -> list[dict]:
    """Per confidence bin: how many verdicts, their mean confidence and how often they were right."""
    table = []
    for low, high in zip(RELIABILITY_BINS[:-1], RELIABILITY_BINS[1:], strict=True):
        inside = (confidence >= low) & (confidence < high)
        if inside.any():
            table.append(
                {
                    "bin": f"{low:.1f}-{min(high, 1.0):.1f}",
                    "n": int(inside.sum()),
                    "mean_confidence": float(confidence[inside].mean()),
                    "accuracy": float(correct[inside].mean()),
                }
            )
    return table


def score_outcomes(y: np.ndarray, proba: np.ndarray) -> dict:
    predicted = np.array(OUTCOMES)[proba.argmax(axis=1)]
    per, f1s = {}, []
    for label in OUTCOMES:
        stats = precision_recall_f1(y == label, predicted == label)
        per[label] = stats
        if stats["positives"]:
            f1s.append(stats["f1"])
    onehot = (y[:, None] == np.array(OUTCOMES)[None, :]).astype(float)
    confidence = proba.max(axis=1)
    correct = predicted == y
    return {
        "n": int(len(y)),
        "accuracy": float(correct.mean()) if len(y) else 0.0,
        "macro_f1": float(np.mean(f1s)) if f1s else 0.0,
        "per_outcome": per,
        "confusion": {g: {p: int(((y == g) & (predicted == p)).sum()) for p in OUTCOMES} for g in OUTCOMES},
        "brier": float(((proba - onehot) ** 2).sum(axis=1).mean()) if len(y) else 0.0,
        "reliability": reliability(confidence, correct),
    }


def score_corpus(design: Design, cv: dict, mask: np.ndarray) -> dict:
    """All scores for the examples in ``mask`` (one corpus, or everything)."""
    known = mask & (design.outcome_y != "")
    report = {"outcome": score_outcomes(design.outcome_y[known], cv["outcome_proba"][known])}
    behaviours = {}
    for b in BEHAVIOURS:
        rows = mask & (design.behaviour_y[b] >= 0)
        behaviours[b] = precision_recall_f1(design.behaviour_y[b][rows] == 1, cv["behaviour_flags"][b][rows])
    report["behaviours"] = behaviours
    rows = mask & (design.start_y != "")
    start = np.array(SENTIMENTS)[cv["start_proba"][rows].argmax(axis=1)]
    report["sentiment_start_accuracy"] = float((start == design.start_y[rows]).mean()) if rows.any() else 0.0
    # end: neutral where the customer never wrote after the first agent reply (LABELS.md)
    end = np.full(len(design.examples), "neutral", dtype=object)
    end[design.end_owner] = np.array(SENTIMENTS)[cv["end_proba"].argmax(axis=1)]
    gold_end = np.array([e.gold.get("customer_sentiment_end") or "" for e in design.examples], dtype=object)
    rows = mask & (gold_end != "")
    report["sentiment_end_accuracy"] = float((end[rows] == gold_end[rows]).mean()) if rows.any() else 0.0
    return report


def score_all(design: Design, cv: dict) -> dict:
    """Scores per corpus, over the examples the cross-validation predicted (all, unless some were
    kept in every training part)."""
    corpora = np.array([e.corpus for e in design.examples])
    scored = cv.get("scored", np.ones(len(corpora), bool))
    return {
        name: score_corpus(design, cv, (corpora == name) & scored)
        for name in sorted(set(corpora[scored]))
    }
