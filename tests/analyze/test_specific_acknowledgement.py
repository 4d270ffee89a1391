import pytest

from analyze.conversation_builder import run_detector, spans

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
    findings = run_detector("specific_acknowledgement.v2", ("c", customer), ("a", agent))
    assert bool(findings) is expected
    for finding in findings:
        assert finding.turn == 1


# Each pair is a hard contrast: the same customer turn, one reply that engages with its details and one that
# does not (brand name only, a pointer to a page, a suggestion phrased "have you tried").
SPAN_CASES = [
    # two of the customer's own details restated (no link, no pointer): the finding is that sentence
    (
        "My Beats headphones keep dropping bluetooth on the train",
        "Bluetooth dropouts on Beats headphones are often interference. Try moving your phone to the same side.",
        [(1, "Bluetooth dropouts on Beats headphones are often interference.")],
    ),
    # an order number and the word "order" are two specific details
    (
        "Order 4471-B never arrived, where is it?",
        "Order 4471-B left our warehouse on Monday and is with the courier.",
        [(1, "Order 4471-B left our warehouse on Monday and is with the courier.")],
    ),
    # the brand's own name (from the @handle) is not a detail of this customer's case
    ("@Streamly Streamly keeps asking me to renew", "Streamly renewals happen monthly for all plans.", []),
    # the same topic words in a pointer sentence introduce a page; they do not engage with the case
    (
        "How do I change the billing address on my invoices?",
        "You can change the billing address for invoices here: https://example.com/billing-address",
        [],
    ),
    (
        "How do I change the billing address on my invoices?",
        "The billing address on invoices follows your profile, so change it under Profile > Address.",
        [(1, "The billing address on invoices follows your profile, so change it under Profile > Address.")],
    ),
    # "have you tried ...?" is a suggestion, not a reference back to what the customer said
    ("The app is broken", "Have you tried logging out?", []),
    ("The app is broken", "As you mentioned, it is broken for everyone right now.", [(1, "As you mentioned")]),
    # inflections meet: "crashes" in the reply restates "crash" in the complaint (with the version number)
    (
        "Version 21.1 makes it crash every 5 minutes",
        "Sorry you were seeing so many crashes with 21.1.",
        [(1, "Sorry you were seeing so many crashes with 21.1.")],
    ),
    # a restating frame plus one of the customer's own details is enough ...
    (
        "I had to sign in twice today just to open the app",
        "I understand you are asked to sign in again before you can use the app. Check this article.",
        [(1, "I understand you are asked to sign in again before you can use the app.")],
    ),
    # ... but the stock "sorry you're having trouble with <product>" is the sympathy formula, not a restatement
    ("Premiere Pro lags on export", "Sorry to hear that you're having trouble with Premiere Pro.", []),
]


@pytest.mark.parametrize(("customer", "agent", "expected"), SPAN_CASES)
def test_specific_acknowledgement_spans(customer: str, agent: str, expected: list[tuple[int, str]]) -> None:
    findings = run_detector("specific_acknowledgement.v2", ("c", customer), ("a", agent))
    assert spans(findings) == expected
