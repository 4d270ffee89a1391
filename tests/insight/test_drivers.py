"""Driver analysis recovers a planted effect inside its interval; a null effect's interval covers 0."""

from __future__ import annotations

import random

import numpy as np

from fixfirst.insight.contacts import build_contacts
from fixfirst.insight.drivers import _distinct_rows, _grouped_fit, analyse_drivers
from fixfirst.model import FixedAnswer, Outcome, Survey

from .handmade import conversation, finding, result

PLANTED_RESOLVED = 2.0  # resolved vs unresolved
PLANTED_HOLLOW = -1.0


def _synthetic(n: int, seed: int = 3):
    rng = random.Random(seed)
    conversations, results, responses = [], [], {}
    for i in range(n):
        resolved = rng.random() < 0.5
        empathy = rng.random() < 0.5
        hollow = (not resolved) and rng.random() < 0.5
        agent_line = ("I'm sorry for the inconvenience. " if empathy or hollow else "") + (
            "I've fixed it." if resolved else "Please try again later."
        )
        conv = conversation(f"s{i}", [("customer", "My internet is down."), ("agent", agent_line)])
        found = []
        if empathy or hollow:
            found.append(finding(conv, "scripted_empathy", 1, "I'm sorry for the inconvenience."))
        if hollow:
            found.append(finding(conv, "hollow_apology", 1))
        conversations.append(conv)
        results.append(result(conv, Outcome.RESOLVED if resolved else Outcome.UNRESOLVED, found))
        latent = 2.0 + PLANTED_RESOLVED * resolved + PLANTED_HOLLOW * hollow + rng.gauss(0, 0.5)
        csat = min(5, max(1, round(latent)))
        fixed = FixedAnswer.YES if resolved and rng.random() < 0.9 else FixedAnswer.NO
        responses[conv.id] = Survey(id=f"sv{i}", conversation_id=conv.id, csat=csat, fixed=fixed)
    return build_contacts(conversations, results), responses


def test_planted_effect_is_recovered_and_null_effect_covers_zero():
    contacts, responses = _synthetic(400)
    drivers = analyse_drivers(contacts, responses, bootstrap=300, seed=11)
    assert drivers.n == 400
    resolved = drivers.effect("outcome:resolved-vs-unresolved")
    assert resolved is not None and resolved.enough_data
    assert resolved.low <= PLANTED_RESOLVED <= resolved.high
    assert resolved.low > 0
    assert "+" in resolved.sentence and "n=" in resolved.sentence
    hollow = drivers.effect("behaviour:hollow_apology")
    assert hollow.low <= PLANTED_HOLLOW <= hollow.high
    assert hollow.high < 0
    empathy = drivers.effect("behaviour:scripted_empathy")
    assert empathy.low <= 0.0 <= empathy.high


def test_same_seed_same_numbers_and_different_seed_differs():
    contacts, responses = _synthetic(120)
    a = analyse_drivers(contacts, responses, bootstrap=100, seed=5)
    b = analyse_drivers(contacts, responses, bootstrap=100, seed=5)
    c = analyse_drivers(contacts, responses, bootstrap=100, seed=6)
    assert a == b
    assert a.effect("behaviour:scripted_empathy").low != c.effect("behaviour:scripted_empathy").low


def test_small_samples_say_not_enough_data():
    contacts, responses = _synthetic(30)
    drivers = analyse_drivers(contacts, responses, bootstrap=100, min_n=20)
    hollow = drivers.effect("behaviour:hollow_apology")
    assert not hollow.enough_data and "not enough data" in hollow.sentence
    absent = drivers.effect("behaviour:proactive")
    assert absent.estimate is None and not absent.enough_data


def test_fixed_target_counts_clear_no_as_closed():
    contacts, responses = _synthetic(200)
    drivers = analyse_drivers(contacts, responses, target="fixed", bootstrap=100)
    effect = drivers.effect("outcome:resolved-vs-unresolved")
    assert 0.6 < effect.estimate < 1.1  # ~0.9 planted share difference


def test_too_few_rows_returns_a_note_not_a_crash():
    contacts, responses = _synthetic(2)
    drivers = analyse_drivers(contacts, responses)
    assert drivers.effects == () and "not enough" in drivers.note


def test_a_wide_interval_that_excludes_zero_is_reported_not_greyed():
    """Issue 12: '+43 [+19, +69], n=131' was called 'not enough data' for its width alone."""
    from fixfirst.insight.drivers import _effect

    wide_clear = _effect("f", "behaviour", "f", None, 131, 400, "f", "n=131", (0.43, 0.19, 0.69),
                         min_n=20, width_limit=0.4, target="fixed")
    wide_unclear = _effect("g", "behaviour", "g", None, 131, 400, "g", "n=131", (0.1, -0.2, 0.4),
                           min_n=20, width_limit=0.4, target="fixed")
    assert wide_clear.enough_data and "associated with +43" in wide_clear.sentence
    assert not wide_unclear.enough_data and "not enough data" in wide_unclear.sentence


def test_a_behaviour_that_coincides_with_an_outcome_is_reported_once_with_it():
    """Issue 12: the deflected outcome and the deflective-transfer behaviour got identical estimates."""
    conversations, results, responses = [], [], {}
    for i in range(150):
        outcome = (Outcome.DEFLECTED, Outcome.RESOLVED, Outcome.UNRESOLVED)[i % 3]
        line = "Please call billing on 0800 123 456." if outcome is Outcome.DEFLECTED else "I've fixed it."
        conv = conversation(f"k{i}", [("customer", "My bill is wrong."), ("agent", line)])
        found = [finding(conv, "deflective_transfer", 1)] if outcome is Outcome.DEFLECTED else []
        if i % 5 == 0:
            found.append(finding(conv, "scripted_empathy", 1))
        conversations.append(conv)
        results.append(result(conv, outcome, found))
        responses[conv.id] = Survey(id=f"sk{i}", conversation_id=conv.id, csat=2 if outcome is Outcome.DEFLECTED
                                    else 4 + (i % 2) - (i % 7 == 0))
    analysis = analyse_drivers(build_contacts(conversations, results), responses, bootstrap=50)
    effects = {e.factor: e for e in analysis.effects}
    transfer = effects["behaviour:deflective_transfer"]
    assert transfer.estimate is None and "goes with a deflection in 100%" in transfer.sentence
    assert effects["outcome:deflected-vs-unresolved"].estimate is not None
    assert effects["behaviour:scripted_empathy"].estimate is not None


def test_distinct_rows_of_a_zero_one_design_are_numpys_unique_rows() -> None:


    rng = np.random.default_rng(5)
    x = (rng.random((2000, 9)) < 0.3).astype(float)
    x[:, 0] = 1.0
    distinct, inverse = _distinct_rows(x)
    expected, expected_inverse = np.unique(x, axis=0, return_inverse=True)
    assert np.array_equal(distinct, expected) and np.array_equal(inverse, expected_inverse.reshape(-1))
    assert np.array_equal(distinct[inverse], x)


def test_the_fit_on_distinct_rows_equals_least_squares_over_every_row() -> None:
    """The point estimate is solved on the distinct design rows weighted by their counts: the same
    minimiser as `lstsq` over all rows, to rounding."""
    rng = np.random.default_rng(3)
    n = 2000
    x = np.column_stack([np.ones(n), rng.integers(0, 2, size=(n, 5))]).astype(np.uint8)
    x[:, 5] = x[:, 4]  # a duplicated column: rank deficient, both take the minimum-norm solution
    y = rng.normal(3.0, 1.0, size=n) + x[:, 1] * 0.7
    distinct, row_group = _distinct_rows(x)
    grouped = _grouped_fit(distinct, np.bincount(row_group).astype(float), np.bincount(row_group, weights=y))
    direct = np.linalg.lstsq(x.astype(float), y, rcond=None)[0]
    assert np.allclose(grouped, direct, rtol=1e-9, atol=1e-12)
