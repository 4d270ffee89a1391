import pytest

from analyze.conversation_builder import run_detector, spans

CASES = [
    # apology and nothing else: hollow
    (
        "My card was declined 3 times",
        "Sorry for the inconvenience, please try again later.",
        [(1, "Sorry for the")],
    ),
    (
        "Package lost",
        "We're so sorry to hear that. You'll need to contact the carrier.",
        [(1, "We're so sorry")],
    ),
    # hard contrast: apology with real help in the same contact is not hollow
    ("Charged twice", "Sorry about that! I've refunded the second charge; it shows in 3 days.", []),
    (
        "Can I get a refund after my flight left?",
        "Sorry, I can't refund a ticket after departure - that's a fare rule. "
        "What I can do is a travel credit.",
        [],
    ),
    ("My router is dead", "Sorry to hear that. Please DM us your account number so we can look into it.", []),
    # no apology at all: nothing to be hollow
    ("Still broken", "Please try again later.", []),
]


@pytest.mark.parametrize(("customer", "agent", "expected"), CASES)
def test_hollow_apology_table(customer: str, agent: str, expected: list[tuple[int, str]]) -> None:
    assert spans(run_detector("hollow_apology.v1", ("c", customer), ("a", agent))) == expected


def test_apology_early_then_fix_later_is_not_hollow() -> None:
    findings = run_detector(
        "hollow_apology.v1",
        ("c", "My account is locked"),
        ("a", "Sorry to hear that! What email is it under?"),
        ("c", "me at example dot com"),
        ("a", "Thanks - I've unlocked it, you should now be able to sign in."),
    )
    assert findings == []
