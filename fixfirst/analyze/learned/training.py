"""Train every learned model from the agreement gold, and cross-validate it by company.

Shapes (chosen by grouped cross-validation, see benchmarks/README.md):
- outcome: one-vs-rest logistic regression over the outcome views (final agent turn, the agent turns
  before it, the customer's opening and closing words, cue and shape tokens); probabilities are a
  softmax of the decision values with a temperature fitted on out-of-fold predictions, so a 0.9
  verdict is right about nine times in ten.
- behaviours: a logistic regression per label over *turns* (a turn listed as evidence is a positive,
  every other turn a negative); the contact has the behaviour when its best turn clears a threshold
  chosen by inner cross-validation, and that turn's best sentence is the evidence span.
- sentiment: a three-way model of the first customer turn, and one of the last customer turn after
  the first agent reply (LABELS.md: ``neutral`` when there is none).

Everything is deterministic: liblinear with a fixed seed, folds by sorted group.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from fixfirst.analyze.learned.corpus import Example
from fixfirst.analyze.learned.features import (
    OUTCOME_SPACE,
    SENTIMENT_SPACE,
    TURN_SPACE,
    outcome_row,
    sentiment_row,
)
from fixfirst.analyze.learned.features import (
    turn_rows as rows_of_turns,
)
from fixfirst.analyze.learned.linear import LinearModel, softmax
from fixfirst.analyze.learned.reading import ShippedModels, apply_settled_rules, speaks_for
from fixfirst.analyze.sentiment import closing_customer_turn, opening_customer_turn, vader_compound
from fixfirst.model import Behaviour, Outcome, Sentiment

SEED = 20261202
OUTCOME_C = 3.0
BEHAVIOUR_C = 3.0
#: The opening sentiment is read from one short customer turn: weaker regularisation fits it. Grouped
#: CV (`benchmarks/accuracy.py`), C = 3 -> 30: real threads 0.727 -> 0.757, shared multi-turn 0.794 ->
#: 0.784, written sets 0.805 -> 0.812 (a sentiment-only CV on other folds: +3.0 / +2.2 / +2.5, flat
#: from C = 20 to 100). The closing sentiment lost 0.5-0.7 points on every corpus with C = 30: kept at 3.
SENTIMENT_START_C = 30.0
SENTIMENT_END_C = 3.0
INNER_FOLDS = 3
OUTER_FOLDS = 5
OUTCOMES = tuple(o.value for o in Outcome)
SENTIMENTS = tuple(s.value for s in Sentiment)
BEHAVIOURS = tuple(b.value for b in Behaviour)


def _logreg(c: float, balanced: bool = False) -> LogisticRegression:
    return LogisticRegression(
        C=c, solver="liblinear", class_weight="balanced" if balanced else None, random_state=SEED, max_iter=1000
    )


def fit_one_vs_rest(x: sp.csr_matrix, y: np.ndarray, classes: Sequence[str], c: float) -> LinearModel:
    """One binary logistic regression per class (liblinear: fast and exact on sparse n-grams)."""
    columns, intercepts = [], []
    for label in classes:
        target = (y == label).astype(int)
        if len(target) == 0 or target.min() == target.max():  # never (or always) seen: a constant score
            columns.append(sp.csc_matrix((x.shape[1], 1)))
            intercepts.append(20.0 if len(target) and target[0] else -20.0)
            continue
        model = _logreg(c, balanced=True).fit(x, target)
        columns.append(sp.csc_matrix(model.coef_.T))
        intercepts.append(float(model.intercept_[0]))
    return LinearModel(tuple(classes), sp.hstack(columns, format="csc"), np.array(intercepts))


def fit_binary(x: sp.csr_matrix, y: np.ndarray, label: str, c: float) -> LinearModel:
    if len(y) == 0 or y.min() == y.max():
        return LinearModel((label,), sp.csc_matrix((x.shape[1], 1)), np.array([20.0 if len(y) and y[0] else -20.0]))
    model = _logreg(c).fit(x, y.astype(int))
    return LinearModel((label,), sp.csc_matrix(model.coef_.T), np.array([float(model.intercept_[0])]))


def fit_temperature(decisions: np.ndarray, y_index: np.ndarray) -> float:
    """The temperature that minimises the log loss of softmax(decision / T) on held-out rows."""

    def loss(t: float) -> float:
        p = softmax(decisions / t)
        return float(-np.log(np.clip(p[np.arange(len(y_index)), y_index], 1e-12, None)).mean())

    return float(minimize_scalar(loss, bounds=(0.05, 20.0), method="bounded").x)


def best_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    """The threshold on a contact's best-turn probability with the best F1 (ties: the higher one)."""
    best, best_f1 = 0.5, -1.0
    for t in np.round(np.arange(0.10, 0.91, 0.05), 2):
        predicted = scores >= t
        tp = float((predicted & truth).sum())
        f1 = 2 * tp / (predicted.sum() + truth.sum()) if predicted.sum() + truth.sum() else 0.0
        if f1 >= best_f1:
            best, best_f1 = float(t), f1
    return best


# --- design matrices ------------------------------------------------------------------------------


@dataclass(slots=True)
class Design:
    """Feature rows of every labelled unit, hashed once and sliced per fold."""

    examples: list[Example]
    outcome_x: sp.csr_matrix
    outcome_y: np.ndarray  # label or "" where gold is null / no agent turn
    turn_x: sp.csr_matrix
    turn_owner: np.ndarray  # example index of each turn row
    turn_index: np.ndarray  # the turn's index in its conversation
    turn_eligible: dict[str, np.ndarray]  # behaviour -> whether the turn's speaker can show it
    turn_y: dict[str, np.ndarray]  # behaviour -> 0/1 per turn row
    behaviour_y: dict[str, np.ndarray]  # behaviour -> 1/0/-1 (null) per example
    start_x: sp.csr_matrix
    start_y: np.ndarray
    end_x: sp.csr_matrix
    end_y: np.ndarray
    end_owner: np.ndarray  # example index per end row

    @property
    def groups(self) -> np.ndarray:
        return np.array([e.group for e in self.examples])

    @property
    def calibrates(self) -> np.ndarray:
        """Examples the outcome's temperature is fitted on (corpora that reflect real agreement)."""
        return np.array([e.calibrates for e in self.examples])


def build_design(examples: list[Example]) -> Design:
    outcome_rows, outcome_y = [], []
    turn_rows, turn_owner = [], []
    turn_eligible: dict[str, list[bool]] = {b: [] for b in BEHAVIOURS}
    turn_y: dict[str, list[int]] = {b: [] for b in BEHAVIOURS}
    behaviour_y = {b: np.full(len(examples), -1) for b in BEHAVIOURS}
    start_rows, start_y, end_rows, end_y, end_owner = [], [], [], [], []
    for i, example in enumerate(examples):
        doc, gold = example.doc, example.gold
        has_agent = any(t.is_agent for t in doc.turns)
        outcome_rows.append(outcome_row(doc))
        outcome_y.append(gold.get("outcome") or "" if has_agent else "")
        for b in BEHAVIOURS:
            value = gold["behaviours"].get(b)
            behaviour_y[b][i] = -1 if value is None else int(bool(value))
        turn_rows.extend(rows_of_turns(doc))
        for turn in doc.turns:
            turn_owner.append(i)
            for b in BEHAVIOURS:
                turn_eligible[b].append(speaks_for(b, turn.role) and bool(turn.text.strip()))
                turn_y[b].append(int(bool(gold["behaviours"].get(b)) and turn.index in gold["evidence"].get(b, ())))
        opening = opening_customer_turn(doc)
        start_rows.append(sentiment_row(opening, vader_compound(opening.text), opening=True) if opening else {})
        start_y.append(gold.get("customer_sentiment_start") or "" if opening else "")
        closing = closing_customer_turn(doc)
        if closing is not None:
            end_rows.append(sentiment_row(closing, vader_compound(closing.text), opening=False))
            end_y.append(gold.get("customer_sentiment_end") or "")
            end_owner.append(i)
    return Design(
        examples=examples,
        outcome_x=OUTCOME_SPACE.transform(outcome_rows),
        outcome_y=np.array(outcome_y, dtype=object),
        turn_x=TURN_SPACE.transform(turn_rows),
        turn_owner=np.array(turn_owner),
        turn_index=np.array([t.index for e in examples for t in e.doc.turns]),
        turn_eligible={b: np.array(v) for b, v in turn_eligible.items()},
        turn_y={b: np.array(v) for b, v in turn_y.items()},
        behaviour_y=behaviour_y,
        start_x=SENTIMENT_SPACE.transform(start_rows),
        start_y=np.array(start_y, dtype=object),
        end_x=SENTIMENT_SPACE.transform(end_rows) if end_rows else sp.csr_matrix((0, SENTIMENT_SPACE.width)),
        end_y=np.array(end_y, dtype=object),
        end_owner=np.array(end_owner, dtype=int),
    )


# --- fitting on a subset of examples ----------------------------------------------------------------


def _fit_models(design: Design, train: np.ndarray) -> ShippedModels:
    """Fit every model on the examples in ``train`` (a boolean mask over examples)."""
    rows = train & (design.outcome_y != "")
    outcome = fit_one_vs_rest(design.outcome_x[rows], design.outcome_y[rows], OUTCOMES, OUTCOME_C)
    turn_rows = train[design.turn_owner]
    behaviours = {}
    for b in BEHAVIOURS:
        usable = turn_rows & design.turn_eligible[b] & (design.behaviour_y[b][design.turn_owner] >= 0)
        behaviours[b] = fit_binary(design.turn_x[usable], design.turn_y[b][usable], b, BEHAVIOUR_C)
    start_rows = train & (design.start_y != "")
    start = fit_one_vs_rest(design.start_x[start_rows], design.start_y[start_rows], SENTIMENTS, SENTIMENT_START_C)
    end_rows = train[design.end_owner] & (design.end_y != "")
    end = fit_one_vs_rest(design.end_x[end_rows], design.end_y[end_rows], SENTIMENTS, SENTIMENT_END_C)
    return ShippedModels(outcome, behaviours, {b: 0.5 for b in BEHAVIOURS}, start, end)


def contact_scores(design: Design, model: LinearModel, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each contact's best-turn probability under ``model`` (0 for contacts without rows), and the
    index of that turn in its conversation."""
    best = np.zeros(len(design.examples))
    best_turn = np.zeros(len(design.examples), dtype=int)
    probabilities = model.proba(design.turn_x[rows])[:, 0]
    for owner, index, p in zip(design.turn_owner[rows], design.turn_index[rows], probabilities, strict=True):
        if p > best[owner]:
            best[owner], best_turn[owner] = p, index
    return best, best_turn


def _predict(design: Design, models: ShippedModels, test: np.ndarray) -> dict:
    """Out-of-sample predictions for the examples in ``test``: outcome decisions, contact scores."""
    turn_rows = test[design.turn_owner]
    end_rows = test[design.end_owner]
    scored = {b: contact_scores(design, models.behaviours[b], turn_rows & design.turn_eligible[b]) for b in BEHAVIOURS}
    return {
        "outcome_decision": models.outcome.decision(design.outcome_x[test]),
        "behaviour_scores": {b: scores[test] for b, (scores, _) in scored.items()},
        "stonewall_turn": scored[Behaviour.POLICY_STONEWALL.value][1][test],
        "start": models.start.proba(design.start_x[test]),
        "end": models.end.proba(design.end_x[end_rows]),
    }


def _calibrate(design: Design, models: ShippedModels, train: np.ndarray, folds: int) -> ShippedModels:
    """Fit the outcome temperature and the behaviour thresholds on inner out-of-fold predictions."""
    index = np.flatnonzero(train)
    decisions = np.zeros((len(design.examples), len(OUTCOMES)))
    scores = {b: np.zeros(len(design.examples)) for b in BEHAVIOURS}
    for inner_train, inner_test in GroupKFold(folds).split(index, groups=design.groups[index]):
        fit_mask = np.zeros(len(design.examples), bool)
        fit_mask[index[inner_train]] = True
        test_mask = np.zeros(len(design.examples), bool)
        test_mask[index[inner_test]] = True
        inner = _fit_models(design, fit_mask)
        predicted = _predict(design, inner, test_mask)
        decisions[test_mask] = predicted["outcome_decision"]
        for b in BEHAVIOURS:
            scores[b][test_mask] = predicted["behaviour_scores"][b]
    rows = train & (design.outcome_y != "") & design.calibrates
    if not rows.any():  # nothing marked for calibration in this part: use what there is
        rows = train & (design.outcome_y != "")
    y_index = np.array([OUTCOMES.index(v) for v in design.outcome_y[rows]])
    models.outcome.temperature = fit_temperature(decisions[rows], y_index)
    for b in BEHAVIOURS:
        known = train & (design.behaviour_y[b] >= 0)
        models.thresholds[b] = best_threshold(scores[b][known], design.behaviour_y[b][known] == 1)
    return models


def fit(design: Design, train: np.ndarray | None = None, inner_folds: int = INNER_FOLDS) -> ShippedModels:
    """Fit on ``train`` (default: everything), then calibrate by inner grouped cross-validation."""
    train = np.ones(len(design.examples), bool) if train is None else train
    return _calibrate(design, _fit_models(design, train), train, inner_folds)


def outer_folds(design: Design, folds: int, held: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The (train, test) example indices of each outer fold over ``held``: whole groups left out.
    One function, so anything that must score the same folds (``benchmarks/transformer_probe.py``)
    splits exactly as the cross-validation does."""
    for train_at, test_at in GroupKFold(folds).split(held, groups=design.groups[held]):
        yield held[train_at], held[test_at]


def cross_validate(
    design: Design,
    folds: int = OUTER_FOLDS,
    fraction: float = 1.0,
    trainable: np.ndarray | None = None,
    always_train: np.ndarray | None = None,
) -> dict:
    """Out-of-fold predictions for every example, whole groups (companies, written sets) left out.

    ``fraction`` < 1 trains each fold on that share of its training examples (the learning curve);
    ``trainable`` (a mask over examples) keeps the others out of every training part - they are still
    predicted and scored, so the same folds with and without a set show what the set adds.
    ``always_train`` puts examples in every training part and in no test part (they get no
    prediction; ``cv["scored"]`` says which rows did): the other examples' folds are then the ones
    they would have without those examples, comparable with runs from before they existed.
    """
    n = len(design.examples)
    oof_outcome = np.zeros((n, len(OUTCOMES)))
    oof_scores = {b: np.zeros(n) for b in BEHAVIOURS}
    oof_flags = {b: np.zeros(n, bool) for b in BEHAVIOURS}
    oof_raw = {b: np.zeros(n, bool) for b in BEHAVIOURS}
    oof_start = np.zeros((n, len(SENTIMENTS)))
    oof_end = np.zeros((len(design.end_owner), len(SENTIMENTS)))
    rng = np.random.default_rng(SEED)
    held = np.arange(n) if always_train is None else np.flatnonzero(~always_train)
    scored = np.zeros(n, bool)
    scored[held] = True
    for train_index, test_index in outer_folds(design, folds, held):
        train = np.zeros(n, bool)
        if fraction < 1.0:
            kept = rng.permutation(train_index)[: max(1, int(round(len(train_index) * fraction)))]
            train[kept] = True
        else:
            train[train_index] = True
        if always_train is not None:
            train |= always_train
        if trainable is not None:
            train &= trainable
        test = np.zeros(n, bool)
        test[test_index] = True
        models = fit(design, train)
        predicted = _predict(design, models, test)
        oof_outcome[test] = softmax(predicted["outcome_decision"] / models.outcome.temperature)
        outcome_labels = np.array(OUTCOMES)[oof_outcome[test].argmax(axis=1)]
        for b in BEHAVIOURS:
            oof_scores[b][test] = predicted["behaviour_scores"][b]
            oof_raw[b][test] = predicted["behaviour_scores"][b] >= models.thresholds[b]
        for k, (row, label) in enumerate(zip(np.flatnonzero(test), outcome_labels, strict=True)):
            present = apply_settled_rules(
                design.examples[row].doc,
                str(label),
                {b: bool(oof_raw[b][row]) for b in BEHAVIOURS},
                int(predicted["stonewall_turn"][k]),
            )
            for b in BEHAVIOURS:
                oof_flags[b][row] = present[b]
        oof_start[test] = predicted["start"]
        oof_end[test[design.end_owner]] = predicted["end"]
    return {
        "scored": scored,
        "outcome_proba": oof_outcome,
        "behaviour_scores": oof_scores,
        "behaviour_flags": oof_flags,
        "behaviour_flags_raw": oof_raw,
        "start_proba": oof_start,
        "end_proba": oof_end,
    }
