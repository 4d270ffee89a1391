"""Agreement: Cohen's kappa (machine vs reviewer, per label and for the outcome) and Krippendorff's
alpha (several reviewers in a calibration session).

Why kappa and not plain agreement: most labels are absent in most conversations, so "both said
no" inflates raw agreement; kappa discounts the agreement expected by chance from each rater's
own label frequencies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

import krippendorff
import numpy as np

#: Bootstrap draws for the kappa interval, and the seed (the same reviews give the same interval).
BOOTSTRAP_DRAWS = 1000
BOOTSTRAP_SEED = 20261203


def cohens_kappa(machine: Sequence[Hashable], reviewer: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters over the same items; None when there are no items or when it
    is undefined: chance agreement is 1 because both raters gave one and the same value every
    time (e.g. a label neither side ever marked) - agreement there says nothing, so no number.
    """
    if len(machine) != len(reviewer):
        raise ValueError(f"raters rated different numbers of items: {len(machine)} vs {len(reviewer)}")
    n = len(machine)
    if n == 0:
        return None
    observed = sum(1 for a, b in zip(machine, reviewer, strict=True) if a == b) / n
    machine_counts = Counter(machine)
    reviewer_counts = Counter(reviewer)
    expected = sum(machine_counts[k] * reviewer_counts.get(k, 0) for k in machine_counts) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def kappa_interval(
    machine: Sequence[Hashable], reviewer: Sequence[Hashable], draws: int = BOOTSTRAP_DRAWS
) -> tuple[float, float] | None:
    """A 95% percentile-bootstrap interval for kappa, resampling the reviewed items; None when
    there are fewer than two items or kappa is undefined in most resamples."""
    n = len(machine)
    if n < 2:
        return None
    values = {v: i for i, v in enumerate(dict.fromkeys([*machine, *reviewer]))}
    m = np.array([values[v] for v in machine])
    r = np.array([values[v] for v in reviewer])
    picks = np.random.default_rng(BOOTSTRAP_SEED).integers(0, n, size=(draws, n))
    ms, rs = m[picks], r[picks]
    observed = (ms == rs).mean(axis=1)
    expected = sum((ms == k).mean(axis=1) * (rs == k).mean(axis=1) for k in range(len(values)))
    defined = expected < 1.0 - 1e-12
    if defined.sum() < draws / 2:
        return None
    kappas = (observed[defined] - expected[defined]) / (1.0 - expected[defined])
    low, high = np.percentile(kappas, [2.5, 97.5])
    return float(low), float(high)


def _reliability(units: Sequence[Sequence[Hashable | None]]) -> np.ndarray:
    """Units (conversations) x raters -> the raters x units float matrix `krippendorff` takes (NaN = not rated)."""
    codes: dict[Hashable, int] = {}
    matrix = np.full((len(units[0]) if units else 0, len(units)), np.nan)
    for j, unit in enumerate(units):
        for i, value in enumerate(unit):
            if value is not None:
                matrix[i, j] = codes.setdefault(value, len(codes))
    return matrix


def _alpha(matrix: np.ndarray) -> float | None:
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    values = matrix[:, pairable]
    if not pairable.any() or len(np.unique(values[~np.isnan(values)])) < 2:
        return None  # nothing to compare, or everyone always gave one value: alpha is undefined
    value = float(krippendorff.alpha(reliability_data=values, level_of_measurement="nominal"))
    return None if np.isnan(value) else value


def krippendorff_alpha(units: Sequence[Sequence[Hashable | None]]) -> tuple[float | None, int]:
    """Krippendorff's alpha (nominal) of several raters over units, with n = units rated by two or
    more; alpha is None where undefined (no such unit, or one value given every time). Raters may
    skip units (None): alpha, unlike kappa, uses every pair that exists."""
    matrix = _reliability(units)
    n = int(((~np.isnan(matrix)).sum(axis=0) >= 2).sum()) if matrix.size else 0
    return (_alpha(matrix) if n else None), n


def alpha_interval(
    units: Sequence[Sequence[Hashable | None]], draws: int = BOOTSTRAP_DRAWS // 2
) -> tuple[float, float] | None:
    """A 95% percentile-bootstrap interval of alpha, resampling units; None with fewer than two units
    or when alpha is undefined in most resamples."""
    matrix = _reliability(units)
    n = matrix.shape[1] if matrix.size else 0
    if n < 2:
        return None
    picks = np.random.default_rng(BOOTSTRAP_SEED).integers(0, n, size=(draws, n))
    alphas = [a for row in picks if (a := _alpha(matrix[:, row])) is not None]
    if len(alphas) < draws / 2:
        return None
    low, high = np.percentile(alphas, [2.5, 97.5])
    return float(low), float(high)
