import pytest

from analyze.conversation_builder import run_detector

CASES = [
    (
        "My Pixel 4 keeps dropping the wifi connection since the March update",
        "Since the March update on your Pixel 4, wifi drops are known - switch off adaptive connectivity.",
        True,
    ),
    (
        "I sent the screenshot of the billing error",
        "Thanks for your screenshot, that error is on our side.",
        True,
    ),
    # a template that fits any customer is not specific
    ("My Pixel 4 keeps dropping the wifi connection", "Thanks for reaching out! We're here to help.", False),
    ("Refund for order 5531 please", "Please check our help centre for more information.", False),
]


@pytest.mark.parametrize(("customer", "agent", "expected"), CASES)
def test_specific_acknowledgement_table(customer: str, agent: str, expected: bool) -> None:
    findings = run_detector("specific_acknowledgement.v1", ("c", customer), ("a", agent))
    assert bool(findings) is expected
    for finding in findings:
        assert finding.turn == 1
