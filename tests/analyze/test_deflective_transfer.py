import pytest

from analyze.conversation_builder import run_detector

CASES = [
    ("My bill is wrong", "You'll need to call billing at 1-800-555-0100.", True),
    ("Trackpad died", "Please contact our phone support regarding the service options.", True),
    ("Feature idea: dark mode", "Please submit feedback here: https://example.com/feedback", True),
    # hard contrast: warm hand-off with an owner is owned follow-up, not deflection
    (
        "My line is dead",
        "I've opened repair ticket 4471 with our engineers and will call you tomorrow by noon with the slot.",
        False,
    ),
    # a fallback after real help is not a deflection
    (
        "How do I export my notes?",
        "You can export them from Settings > Export. If that doesn't work, contact our support team.",
        False,
    ),
]


@pytest.mark.parametrize(("customer", "agent", "expected"), CASES)
def test_deflective_transfer_table(customer: str, agent: str, expected: bool) -> None:
    findings = run_detector("deflective_transfer.v1", ("c", customer), ("a", agent))
    assert bool(findings) is expected
    assert all(f.turn == 1 and f.text for f in findings)
