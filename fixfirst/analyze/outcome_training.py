"""Fit and cross-validate the outcome model on labelled threads (numpy only; no ML framework).

Run:  python -m fixfirst.analyze.outcome_training --labels L.jsonl --conversations C.jsonl [--write]
      [--diagnose]   (CV per label-confidence group, and the ceiling of the cue families)

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
            conversation = Conversation(id=record["id"], company=record.get("company"), turns=turns)
            out.append((conversation, gold[record["id"]]))
    return out


def read_label_confidence(labels: Path) -> dict[str, str]:
    """The annotator's own confidence per id (``high`` / ``low``; ``unknown`` where the file has none)."""
    rows = map(json.loads, labels.read_text(encoding="utf-8").splitlines())
    return {g["id"]: str(g.get("confidence") or "unknown") for g in rows}


def has_agent_turn(conversation: Conversation) -> bool:
    """Whether ``design`` keeps this contact (it skips contacts no agent replied to)."""
    return any(t.role is Role.AGENT for t in conversation.turns)


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


#: The cue families whose presence defines the cascade's reading of a reply (see ``cue_ceiling``).
CUE_FAMILIES: tuple[str, ...] = (
    "cascade_resolved",
    "cascade_clear_no",
    "cascade_moved_private",
    "cascade_deflected",
    "cascade_unresolved",
    "plain_link",
    "answer_cues",
    "tentative",
    "questions",
    "handoff_main",
    "generic_link",
)


def cue_ceiling(x: np.ndarray, y: np.ndarray, columns: tuple[str, ...] = CUE_FAMILIES) -> float:
    """In-sample accuracy of the best possible labelling that sees only which cue families fire.

    Why: contacts with the same cue signature but different gold labels cannot be told apart by any
    weighting of those cues, however tuned. When this ceiling sits near the target, more weighting or
    tuning will not reach it - new kinds of evidence (or cleaner labels) are needed.
    """
    index = [FEATURES.index(name) for name in columns]
    groups: dict[tuple[bool, ...], list[int]] = {}
    for row, gold in zip(x[:, index] > 0, y.tolist(), strict=True):
        groups.setdefault(tuple(row.tolist()), []).append(gold)
    best = sum(max(golds.count(k) for k in set(golds)) for golds in groups.values())
    return best / len(y) if len(y) else 0.0


def diagnose(x, y, cascades, decisive, masks, groups: list[str], l2: float = DEFAULT_L2) -> list[str]:
    """Report lines: CV per label-confidence group (label noise shows as a gap) and the cue ceiling."""
    lines = []
    names = np.array(groups)
    for group in sorted(set(groups)):
        subset = names == group
        _, learned, spread = cross_validate(x, y, cascades, decisive, masks, l2=l2, subset=subset)
        lines.append(
            f"labels marked {group} ({int(subset.sum())}): CV acc {learned[0]:.3f}±{spread[0]:.3f} F1 {learned[1]:.3f}"
        )
    lines.append(f"ceiling of any labelling by cue families alone (in-sample): {cue_ceiling(x, y):.3f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fit / cross-validate the outcome model.")
    parser.add_argument("--labels", type=Path, required=True)
    parser.add_argument("--conversations", type=Path, required=True)
    parser.add_argument("--l2", type=float, nargs="*", default=[DEFAULT_L2])
    parser.add_argument("--write", action="store_true", help=f"fit on all labels and write {MODEL_PATH.name}")
    parser.add_argument("--diagnose", action="store_true", help="CV per label-confidence group and cue ceiling")
    args = parser.parse_args(argv)
    items = read_labelled(args.labels, args.conversations)
    x, y, cascades, decisive, masks = design(items)
    for l2 in args.l2:
        base, learned, spread = cross_validate(x, y, cascades, decisive, masks, l2=l2)
        print(
            f"l2={l2}: cascade acc {base[0]:.3f} F1 {base[1]:.3f} | "
            f"5-fold x10 CV cascade+model acc {learned[0]:.3f}±{spread[0]:.3f} F1 {learned[1]:.3f}±{spread[1]:.3f}"
        )
    if args.diagnose:
        confidence = read_label_confidence(args.labels)
        groups = [confidence[c.id] for c, _ in items if has_agent_turn(c)]
        for line in diagnose(x, y, cascades, decisive, masks, groups, args.l2[0]):
            print(line)
    if args.write:
        keep = ~decisive
        model = fit(x[keep], y[keep], args.l2[0])
        MODEL_PATH.parent.mkdir(exist_ok=True)
        MODEL_PATH.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH} ({int(keep.sum())} training contacts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
