"""Cohen's kappa against hand-computed values; undefined where chance agreement is 1; bootstrap intervals."""

from __future__ import annotations

import pytest

from fixfirst.web.agreement import cohens_kappa, kappa_interval


@pytest.mark.parametrize(
    ("machine", "reviewer", "expected"),
    [
        # 2x2 table a=20 b=5 c=10 d=15 (textbook example): po=0.7, pe=0.5 -> 0.4
        ([1] * 20 + [1] * 5 + [0] * 10 + [0] * 15, [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15, 0.4),
        (["a", "b", "c"], ["a", "b", "c"], 1.0),
        ([1, 0, 1, 0], [0, 1, 0, 1], -1.0),
        ([1, 1, 0, 0], [1, 1, 1, 1], 0.0),
    ],
)
def test_kappa_matches_hand_computation(machine: list, reviewer: list, expected: float) -> None:
    assert cohens_kappa(machine, reviewer) == pytest.approx(expected)


def test_no_items_is_none_and_unequal_lengths_are_an_error() -> None:
    assert cohens_kappa([], []) is None
    with pytest.raises(ValueError, match="different numbers"):
        cohens_kappa([1], [1, 0])


def test_kappa_is_undefined_when_both_sides_always_gave_one_value() -> None:
    """Issue 12: a label neither side marked showed kappa 1.00 after one review."""
    assert cohens_kappa([False] * 7, [False] * 7) is None
    assert cohens_kappa(["resolved"], ["resolved"]) is None


def test_bootstrap_interval_contains_kappa_and_narrows_with_more_reviews() -> None:
    machine = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    reviewer = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    low, high = kappa_interval(machine, reviewer)
    assert low < 0.4 < high
    wide = kappa_interval(machine[::5], reviewer[::5])
    assert wide is not None and (wide[1] - wide[0]) > (high - low)
    assert kappa_interval([1], [1]) is None  # one review: no interval
    assert kappa_interval([0] * 9, [0] * 9) is None  # undefined in every resample
    assert kappa_interval(machine, reviewer) == (low, high)  # seeded: the same reviews, the same interval
