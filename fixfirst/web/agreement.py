"""Machine-vs-reviewer agreement: Cohen's kappa, per label and for the outcome.

Why kappa and not plain agreement: most labels are absent in most conversations, so "both said
no" inflates raw agreement; kappa discounts the agreement expected by chance from each rater's
own label frequencies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


def cohens_kappa(machine: Sequence[Hashable], reviewer: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters over the same items; None when there are no items.

    When chance agreement is 1 (both raters always gave the same single value) kappa is
    undefined; we return 1.0 if they agree on every item (they do, by construction) so a
    perfect, if uninformative, record is not shown as missing.
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
        return 1.0
    return (observed - expected) / (1.0 - expected)
