"""Cohen's kappa against hand-computed values."""

from __future__ import annotations

import pytest

from fixfirst.web.agreement import cohens_kappa


@pytest.mark.parametrize(
    ("machine", "reviewer", "expected"),
    [
        # 2x2 table a=20 b=5 c=10 d=15 (textbook example): po=0.7, pe=0.5 -> 0.4
        ([1] * 20 + [1] * 5 + [0] * 10 + [0] * 15, [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15, 0.4),
        (["a", "b", "c"], ["a", "b", "c"], 1.0),
        ([1, 0, 1, 0], [0, 1, 0, 1], -1.0),
        ([1, 1, 1, 1], [1, 1, 1, 1], 1.0),
        ([1, 1, 0, 0], [1, 1, 1, 1], 0.0),
    ],
)
def test_kappa_matches_hand_computation(machine: list, reviewer: list, expected: float) -> None:
    assert cohens_kappa(machine, reviewer) == pytest.approx(expected)


def test_no_items_is_none_and_unequal_lengths_are_an_error() -> None:
    assert cohens_kappa([], []) is None
    with pytest.raises(ValueError, match="different numbers"):
        cohens_kappa([1], [1, 0])
