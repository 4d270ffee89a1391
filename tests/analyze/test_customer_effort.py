import pytest

from analyze.conversation_builder import run_detector, spans

CASES = [
    ("I already told you my order number!", [(0, "I already told")]),
    ("This is the third time I'm asking.", [(0, "third time")]),
    ("Still waiting for a reply from last week", [(0, "Still waiting")]),
    ("As I said, the router is new.", [(0, "As I said")]),
    (
        "I've emailed support three times and got no answer",
        [(0, "I've emailed support three times and got no")],
    ),
    ("How do I change my plan?", []),
    # pointing back to information already given is repeating it
    ("The order number is in my first message.", [(0, "is in my first message")]),
    ("See my previous email for the details.", [(0, "See my previous email")]),
    ("I gave you my order number twice already", [(0, "I gave you my order number twice already")]),
    ("My first message was about billing.", []),
    ("It is in my account settings somewhere.", []),
    # a long wait alone is frustration (sentiment), not effort: nothing was chased or repeated
    ("Where is my order?? It's been 2 weeks", []),
    # retrying a step on their own, or a problem coming back, is not repeating anything to the company
    ("I restarted my game multiple times and nothing happens.", []),
    ("Please respond so I can play again.", []),
    # ... telling the company over and over is
    ("It was reported to y'all on the forums numerous times.", [(0, "reported to y'all on the forums numerous times")]),
]


@pytest.mark.parametrize(("customer", "expected"), CASES)
def test_customer_effort_table(customer: str, expected: list[tuple[int, str]]) -> None:
    assert spans(run_detector("customer_effort.v1", ("c", customer), ("a", "Thanks, checking."))) == expected


def test_agent_saying_effort_words_is_not_customer_effort() -> None:
    findings = run_detector(
        "customer_effort.v1", ("c", "Hi"), ("a", "As I said, I already told you the price.")
    )
    assert findings == []
