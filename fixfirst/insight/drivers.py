"""Drivers of satisfaction: what outcome and behaviours are associated with CSAT (or "fixed").

Ordinary least squares of the survey answer on outcome dummies (against a reference outcome,
default `unresolved`) plus one indicator per behaviour, with percentile bootstrap confidence
intervals (rows resampled with a seeded generator, so the same data gives the same numbers).
OLS on a 1-5 scale is chosen over an ordinal model because its coefficients read directly as
"+1.1 CSAT points", which is what the report says; the bootstrap does not assume normal errors.

These are associations in observational data, not proven causes; an effect is reported as "not
enough data" when fewer than `min_n` rows have the factor (or lack it), or when its interval both
spans zero and is wider than `max_width`. A wide interval that excludes zero still says the
direction (+43 [+19, +69], n=131 is a clear effect of uncertain size), so it is reported.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from fixfirst.insight.contacts import Contact
from fixfirst.model import Behaviour, FixedAnswer, Outcome, SurveyAnswers

Target = Literal["csat", "fixed"]
#: A behaviour that matches one outcome on at least this share of surveyed contacts is not fitted apart.
COLLINEAR_AGREEMENT = 0.95
DEFAULT_CONTRASTS: tuple[tuple[Outcome, Outcome], ...] = (
    (Outcome.CLEAR_NO, Outcome.DEFLECTED),
    (Outcome.CLEAR_NO, Outcome.UNRESOLVED),
    (Outcome.RESOLVED, Outcome.UNRESOLVED),
    (Outcome.OWNED_FOLLOWUP, Outcome.DEFLECTED),
)
_UNITS = {"csat": "CSAT", "fixed": "percentage points of 'fixed or clear no' answers"}
_DEFAULT_MAX_WIDTH = {"csat": 1.5, "fixed": 0.4}
_NOUNS = {
    Outcome.RESOLVED: "a fix",
    Outcome.CLEAR_NO: "a clear no",
    Outcome.OWNED_FOLLOWUP: "an owned follow-up",
    Outcome.MOVED_PRIVATE: "a move to a private channel",
    Outcome.DEFLECTED: "a deflection",
    Outcome.UNRESOLVED: "leaving it unresolved",
}


class DriverEffect(BaseModel):
    """One factor's association with the target, with its interval and sample size."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    factor: str = Field(description="'outcome:<a>-vs-<b>' or 'behaviour:<label>'.")
    kind: Literal["outcome", "behaviour"]
    label: str
    versus: str | None = Field(description="The outcome compared against (outcomes only).")
    estimate: float | None
    low: float | None
    high: float | None
    n: int = Field(description="Surveyed contacts with the factor (for outcomes: with outcome `label`).")
    n_versus: int = Field(description="Surveyed contacts without it (for outcomes: with outcome `versus`).")
    enough_data: bool
    sentence: str


class DriverAnalysis(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    target: Target
    n: int
    reference_outcome: Outcome
    baseline: float | None = Field(description="Fitted target for the reference outcome with no behaviours.")
    r_squared: float | None
    bootstrap: int
    seed: int
    confidence: float
    min_n: int
    max_width: float
    effects: tuple[DriverEffect, ...]
    note: str

    def effect(self, factor: str) -> DriverEffect | None:
        return next((e for e in self.effects if e.factor == factor), None)


def _target_value(survey: SurveyAnswers, target: Target) -> float | None:
    if target == "csat":
        return None if survey.csat is None else float(survey.csat)
    if survey.fixed is None:
        return None
    return 1.0 if survey.fixed in (FixedAnswer.YES, FixedAnswer.CLEAR_NO) else 0.0


def _fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    coefficients, *_ = np.linalg.lstsq(x, y, rcond=None)
    return coefficients


def _grouped_fit(distinct: np.ndarray, weight: np.ndarray, total_y: np.ndarray) -> np.ndarray:
    """Least squares over rows that repeat `distinct`, given each distinct row's (weighted) count and
    sum of y: the distinct rows weighted by their counts at their mean y (the same minimiser)."""
    seen = weight > 0
    root = np.sqrt(weight[seen])
    return _fit(distinct[seen] * root[:, None], total_y[seen] / weight[seen] * root)


def _distinct_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(x, axis=0, return_inverse=True)` for a 0/1 design, from one integer code a row
    (leftmost column the highest bit, so the codes sort as the rows do) instead of sorting copies of
    the float matrix: same distinct rows, same order, same inverse."""
    width = x.shape[1]
    if width > 62:
        distinct, inverse = np.unique(x, axis=0, return_inverse=True)
        return distinct, inverse.reshape(-1)
    codes = np.zeros(x.shape[0], dtype=np.int64)
    for column in range(width):
        codes = (codes << 1) | (x[:, column] != 0)
    unique_codes, inverse = np.unique(codes, return_inverse=True)
    distinct = ((unique_codes[:, None] >> np.arange(width - 1, -1, -1)) & 1).astype(float)
    return distinct, inverse.reshape(-1)


def _signed(value: float) -> str:
    return f"{value:+.2f}" if abs(value) < 0.995 else f"{value:+.1f}"


def _effect_words(estimate: float, low: float, high: float, target: Target) -> tuple[str, str, str]:
    """Estimate and interval as a reader wants them: CSAT points, or a share as percentage points."""
    if target == "fixed":
        return f"{estimate * 100:+.0f}", f"{low * 100:.0f}", f"{high * 100:.0f}"
    return _signed(estimate), f"{low:.1f}", f"{high:.1f}"


def _effect(
    factor: str,
    kind: Literal["outcome", "behaviour"],
    label: str,
    versus: str | None,
    n: int,
    n_versus: int,
    name: str,
    counts: str,
    fit: tuple[float, float, float] | None,
    *,
    min_n: int,
    width_limit: float,
    target: Target,
) -> DriverEffect:
    """One factor's effect with its reading: enough data needs ``min_n`` on both sides and an
    interval that excludes zero or is no wider than ``width_limit``; ``fit`` is (estimate, low,
    high), None when unfitted."""
    if fit is None:
        return DriverEffect(
            factor=factor, kind=kind, label=label, versus=versus, estimate=None, low=None, high=None,
            n=n, n_versus=n_versus, enough_data=False, sentence=f"{name}: not enough data ({counts})",
        )
    estimate, low, high = fit
    enough = min(n, n_versus) >= min_n and (high - low <= width_limit or low > 0 or high < 0)
    shown = _effect_words(estimate, low, high, target)
    sentence = (
        f"{name} is associated with {shown[0]} {_UNITS[target]} [{shown[1]}, {shown[2]}], n={n}"
        if enough
        else f"{name}: not enough data ({counts}, interval {shown[1]} to {shown[2]})"
    )
    return DriverEffect(
        factor=factor, kind=kind, label=label, versus=versus, estimate=estimate, low=low, high=high,
        n=n, n_versus=n_versus, enough_data=enough, sentence=sentence,
    )


def analyse_drivers(
    contacts: Sequence[Contact],
    responses: Mapping[str, SurveyAnswers],
    *,
    target: Target = "csat",
    reference_outcome: Outcome = Outcome.UNRESOLVED,
    contrasts: Sequence[tuple[Outcome, Outcome]] = DEFAULT_CONTRASTS,
    bootstrap: int = 400,
    seed: int = 20240601,
    confidence: float = 0.95,
    min_n: int = 20,
    max_width: float | None = None,
) -> DriverAnalysis:
    """Fit target ~ outcome + behaviours and bootstrap an interval for every effect."""
    width_limit = _DEFAULT_MAX_WIDTH[target] if max_width is None else max_width
    # The surveyed rows as outcome, label set and value (the label sets are shared, the contacts are
    # not kept): a million-contact scope has hundreds of thousands of surveyed rows.
    outcomes: list[Outcome] = []
    labels: list[frozenset[str]] = []
    values = array("d")
    for contact in contacts:
        survey = responses.get(contact.id)
        if contact.outcome is None or survey is None:
            continue
        value = _target_value(survey, target)
        if value is not None:
            outcomes.append(contact.outcome)
            labels.append(contact.labels)
            values.append(value)
    n = len(values)
    outcome_n = Counter(outcomes)
    pairs_n = Counter(zip(labels, outcomes, strict=True))  # few distinct (label set, outcome) pairs

    def with_label(b: Behaviour) -> int:
        return sum(k for (label_set, _), k in pairs_n.items() if b in label_set)

    outcome_levels = [o for o in Outcome if o is not reference_outcome and outcome_n[o] > 0]
    behaviours = [b for b in Behaviour if 0 < with_label(b) < n]
    # A behaviour that all but coincides with one outcome (a deflective transfer and the deflected
    # outcome) cannot be separated from it: fitted together they split one effect arbitrarily
    # (issue 12 saw identical estimates). It is left out of the fit and reported once, with the outcome.
    collinear: dict[Behaviour, tuple[Outcome, float]] = {}
    for b in behaviours:
        for o in outcome_levels:
            same = sum(k for (label_set, oc), k in pairs_n.items() if (b in label_set) == (oc is o)) / n
            if same >= COLLINEAR_AGREEMENT:
                collinear[b] = (o, same)
                break
    behaviours = [b for b in behaviours if b not in collinear]
    columns = [f"outcome:{o.value}" for o in outcome_levels] + [f"behaviour:{b.value}" for b in behaviours]
    base = DriverAnalysis(
        target=target,
        n=n,
        reference_outcome=reference_outcome,
        baseline=None,
        r_squared=None,
        bootstrap=bootstrap,
        seed=seed,
        confidence=confidence,
        min_n=min_n,
        max_width=width_limit,
        effects=(),
        note="",
    )
    if n < len(columns) + 2 or n < 3:
        return base.model_copy(update={"note": f"not enough surveyed contacts to fit a model (n={n})"})

    x = np.ones((n, len(columns) + 1), dtype=np.uint8)  # 0/1 indicators: a byte each, not a float
    for j, o in enumerate(outcome_levels):
        x[:, j + 1] = np.fromiter((oc is o for oc in outcomes), dtype=bool, count=n)
    for k, b in enumerate(behaviours):
        x[:, len(outcome_levels) + k + 1] = np.fromiter((b in label_set for label_set in labels), dtype=bool, count=n)
    del outcomes, labels
    y = np.frombuffer(values, dtype=np.float64)
    # Every column is an indicator, so the design has few distinct rows: least squares over the n
    # rows is that of the distinct rows, each weighted by how many rows it stands for, at their mean
    # (same minimiser). The full fit and every bootstrap resample are solved that way, in O(n)
    # counting; a float design of every surveyed contact and lstsq's copy of it were a million-contact
    # report's largest allocation.
    distinct, row_group = _distinct_rows(x)
    del x

    groups = len(distinct)
    counts = np.bincount(row_group, minlength=groups).astype(float)
    point = _grouped_fit(distinct, counts, np.bincount(row_group, weights=y, minlength=groups))
    residual = y - (distinct @ point)[row_group]
    total = float(((y - y.mean()) ** 2).sum())
    r_squared = 1.0 - float((residual**2).sum()) / total if total > 0 else None

    rng = np.random.default_rng(seed)
    draws = np.empty((bootstrap, len(columns) + 1))
    for b in range(bootstrap):
        drawn = np.bincount(rng.integers(0, n, size=n), minlength=n).astype(float)
        weight = np.bincount(row_group, weights=drawn, minlength=groups)
        draws[b] = _grouped_fit(distinct, weight, np.bincount(row_group, weights=drawn * y, minlength=groups))
    tail = (1.0 - confidence) / 2 * 100

    def interval(values: np.ndarray) -> tuple[float, float]:
        low, high = np.percentile(values, [tail, 100 - tail])
        return float(low), float(high)

    index = {name: j + 1 for j, name in enumerate(columns)}
    count = {o: outcome_n[o] for o in Outcome}
    effects = []

    def outcome_column(o: Outcome) -> tuple[float, np.ndarray] | None:
        if o is reference_outcome:
            return 0.0, np.zeros(bootstrap)
        j = index.get(f"outcome:{o.value}")
        return None if j is None else (float(point[j]), draws[:, j])

    pairs = [(o, reference_outcome) for o in outcome_levels]
    pairs += [pair for pair in contrasts if pair not in pairs and pair[0] is not pair[1]]
    for a, b in pairs:
        first, second = outcome_column(a), outcome_column(b)
        name = f"{_NOUNS[a]} instead of {_NOUNS[b]}"
        fit = None
        if first is not None and second is not None:
            fit = (first[0] - second[0], *interval(first[1] - second[1]))
        effects.append(
            _effect(
                f"outcome:{a.value}-vs-{b.value}", "outcome", a.value, b.value, count[a], count[b], name,
                f"n={count[a]} vs {count[b]}", fit, min_n=min_n, width_limit=width_limit, target=target,
            )
        )
    for behaviour in Behaviour:
        present = with_label(behaviour)
        label = behaviour.value.replace("_", " ")
        if behaviour in collinear:
            outcome, same = collinear[behaviour]
            effects.append(
                DriverEffect(
                    factor=f"behaviour:{behaviour.value}", kind="behaviour", label=behaviour.value, versus=None,
                    estimate=None, low=None, high=None, n=present, n_versus=n - present, enough_data=False,
                    sentence=f"{label}: goes with {_NOUNS[outcome]} in {same:.0%} of surveyed contacts, so its "
                    f"effect is read with that outcome's (n={present})",
                )
            )
            continue
        j = index.get(f"behaviour:{behaviour.value}")
        fit = None if j is None else (float(point[j]), *interval(draws[:, j]))
        effects.append(
            _effect(
                f"behaviour:{behaviour.value}", "behaviour", behaviour.value, None, present, n - present, label,
                f"n={present}", fit, min_n=min_n, width_limit=width_limit, target=target,
            )
        )
    return base.model_copy(
        update={
            "baseline": float(point[0]),
            "r_squared": r_squared,
            "effects": tuple(effects),
            "note": "associations from observational data (OLS, percentile bootstrap), not proof of cause",
        }
    )
