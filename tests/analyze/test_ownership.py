import pytest

from analyze.conversation_builder import run_detector, spans

CASES = [
    ("Late fee?", "I've refunded the late fee; it shows on your account now.", [(1, "I've refunded")]),
    ("Call me", "I'll call you by 5pm today with the result.", [(1, "I'll call")]),
    (
        "Any news?",
        "I've escalated this to our network team and will update you tomorrow.",
        [(1, "I've escalated")],
    ),
    # "someone will get back to you" is not ownership
    ("Any news?", "Someone will get back to you soon.", []),
    ("Any news?", "The team will look into it.", []),
    ("Any news?", "We're working on it and will update you soon.", []),
    # negation scope: "I can't refund it, but I've credited you"
    ("Refund please", "I can't refund it, but I've credited you $20.", [(1, "I've credited")]),
    ("Refund please", "I can't refund it.", []),
]


@pytest.mark.parametrize(("customer", "agent", "expected"), CASES)
def test_ownership_table(customer: str, agent: str, expected: list[tuple[int, str]]) -> None:
    assert spans(run_detector("ownership.v1", ("c", customer), ("a", agent))) == expected
