"""Fit and cross-validate the outcome model on labelled threads (numpy only; no ML framework).

Run:  python -m fixfirst.analyze.outcome_training --labels L.jsonl --conversations C.jsonl [--write]

Why here and in numpy: the model is ~30 features x 6 labels; a few hundred gradient steps of L2-
regularised multinomial logistic regression fit it in well under a second, and shipping the trainer
next to the model means anyone with more labelled threads can refit it with one command. Reported
numbers are repeated stratified k-fold cross-validation on the labelled set (never train accuracy).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from fixfirst.analyze.artifacts import build_artifacts
from fixfirst.analyze.lexicon import load_lexicon
from fixfirst.analyze.outcome import DECISIVE_RULES, allowed_labels, cascade, read_features
from fixfirst.analyze.outcome_model import FEATURES, MODEL_PATH, OutcomeModel, feature_vector
from fixfirst.model import Conversation, Outcome, Role, Turn

LABELS = tuple(o.value for o in Outcome)
#: L2 strength, chosen by repeated CV over {0.3, 1, 3, 10, 30, 100} on the dev labels (see benchmarks/README.md).
DEFAULT_L2 = 30.0


def fit(x: np.ndarray, y: np.ndarray, l2: float = DEFAULT_L2, steps: int = 600) -> OutcomeModel:
    """Multinomial logistic regression by full-batch gradient descent on standardised features."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    z = (x - mean) / scale
    n, d = z.shape
    k = len(LABELS)
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0
    w = np.zeros((k, d))
    b = np.log((onehot.sum(axis=0) + 1.0) / (n + k))
    rate = 0.5
    for _ in range(steps):
        logits = z @ w.T + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = p - onehot
        w -= rate * (grad.T @ z / n + l2 * w / n)
        b -= rate * grad.mean(axis=0)
    return OutcomeModel(LABELS, FEATURES, mean, scale, w, b)


def read_labelled(labels: Path, conversations: Path) -> list[tuple[Conversation, str]]:
    gold = {g["id"]: g["outcome"] for g in map(json.loads, labels.read_text(encoding="utf-8").splitlines())}
    out = []
    with conversations.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["id"] not in gold:
                continue
            turns = tuple(
                Turn(index=i, role=Role(t["role"]), author=t.get("author"), text=t["text"])
                for i, t in enumerate(record["turns"])
            )
            out.append((Conversation(id=record["id"], turns=turns), gold[record["id"]]))
    return out


def design(items: Iterable[tuple[Conversation, str]]):
    """Per contact: features, gold index, the cascade's label and whether a decisive rule fired."""
    lexicon = load_lexicon()
    rows, ys, cascades, decisive, masks = [], [], [], [], []
    for conversation, gold in items:
        doc = build_artifacts(conversation, lexicon)
        if doc.last_agent is None:
            continue
        f = read_features(doc)
        verdict, rule = cascade(doc, f)
        rows.append(feature_vector(doc, f, verdict.label.value))
        ys.append(LABELS.index(gold))
        cascades.append(LABELS.index(verdict.label.value))
        decisive.append(rule in DECISIVE_RULES)
        allowed = allowed_labels(doc, f) | {verdict.label.value}
        masks.append([label in allowed for label in LABELS])
    return np.array(rows), np.array(ys), np.array(cascades), np.array(decisive), np.array(masks)


def macro_f1(y: np.ndarray, p: np.ndarray) -> float:
    scores = []
    for k in set(y.tolist()):
        tp = np.sum((p == k) & (y == k))
        fp = np.sum((p == k) & (y != k))
        fn = np.sum((p != k) & (y == k))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def stratified_folds(y: np.ndarray, k: int, rng: np.random.Generator) -> list[np.ndarray]:
    folds: list[list[int]] = [[] for _ in range(k)]
    for label in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == label))
        for i, j in enumerate(idx):
            folds[i % k].append(int(j))
    return [np.array(f) for f in folds]


def cross_validate(
    x, y, cascades, decisive, masks, *, l2: float = DEFAULT_L2, k: int = 5, repeats: int = 10, subset=None
):
    """Mean (accuracy, macro-F1) of cascade-only and cascade+model over repeated stratified k-fold."""
    rng = np.random.default_rng(0)
    learned, base = [], []
    for _ in range(repeats):
        predicted = cascades.copy()
        for test in stratified_folds(y, k, rng):
            train = np.setdiff1d(np.arange(len(y)), test)
            train = train[~decisive[train]]
            model = fit(x[train], y[train], l2)
            for i in test:
                if not decisive[i]:
                    p = model.probabilities(x[i])
                    predicted[i] = int(np.argmax(np.where(masks[i], p, -1.0)))
        m = np.ones(len(y), bool) if subset is None else subset
        learned.append((float(np.mean(predicted[m] == y[m])), macro_f1(y[m], predicted[m])))
        base.append((float(np.mean(cascades[m] == y[m])), macro_f1(y[m], cascades[m])))
    return np.mean(base, axis=0), np.mean(learned, axis=0), np.std(learned, axis=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fit / cross-validate the outcome model.")
    parser.add_argument("--labels", type=Path, required=True)
    parser.add_argument("--conversations", type=Path, required=True)
    parser.add_argument("--l2", type=float, nargs="*", default=[DEFAULT_L2])
    parser.add_argument("--write", action="store_true", help=f"fit on all labels and write {MODEL_PATH.name}")
    args = parser.parse_args(argv)
    x, y, cascades, decisive, masks = design(read_labelled(args.labels, args.conversations))
    for l2 in args.l2:
        base, learned, spread = cross_validate(x, y, cascades, decisive, masks, l2=l2)
        print(
            f"l2={l2}: cascade acc {base[0]:.3f} F1 {base[1]:.3f} | "
            f"5-fold x10 CV cascade+model acc {learned[0]:.3f}±{spread[0]:.3f} F1 {learned[1]:.3f}±{spread[1]:.3f}"
        )
    if args.write:
        keep = ~decisive
        model = fit(x[keep], y[keep], args.l2[0])
        MODEL_PATH.parent.mkdir(exist_ok=True)
        MODEL_PATH.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH} ({int(keep.sum())} training contacts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
