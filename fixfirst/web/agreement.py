"""Machine-vs-reviewer agreement: Cohen's kappa, per label and for the outcome.

Why kappa and not plain agreement: most labels are absent in most conversations, so "both said
no" inflates raw agreement; kappa discounts the agreement expected by chance from each rater's
own label frequencies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

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
