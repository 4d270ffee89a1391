import pytest

from analyze.conversation_builder import run_detector, spans

CASES = [
    # (customer, agent, expected [(turn, span text)])
    ("My order is late", "Sorry for the inconvenience, it ships today.", [(1, "Sorry for the")]),
    ("App crashes", "We apologize for any trouble this has caused.", [(1, "We apologize")]),
    (
        "I was double charged!",
        "I understand your frustration. Let me check.",
        [(1, "I understand your frustration")],
    ),
    ("No signal", "Sorry to hear that! Which postcode are you in?", [(1, "Sorry to hear")]),
    ("Nothing works", "We hear you! We're on it.", [(1, "We hear you")]),
    # hard contrast: apology naming the specific failure and owning it is not scripted
    (
        "Nobody came on Wednesday",
        "I'm sorry we missed your Wednesday appointment - that was our scheduling error.",
        [],
    ),
    ("Wrong item again", "Sorry, our mistake: I've sent the right size today.", []),
    # negatives: no apology formula
    ("How do I reset my password?", "Go to Settings > Account > Reset password.", []),
    ("Where is my refund?", "The refund was issued on 3 May and shows on your statement.", []),
]


@pytest.mark.parametrize(("customer", "agent", "expected"), CASES)
def test_scripted_empathy_table(customer: str, agent: str, expected: list[tuple[int, str]]) -> None:
    assert spans(run_detector("scripted_empathy.v1", ("c", customer), ("a", agent))) == expected


def test_customer_quoting_a_stock_apology_is_not_agent_empathy() -> None:
    findings = run_detector(
        "scripted_empathy.v1",
        ("c", 'All you say is "sorry for the inconvenience"!'),
        ("a", "Your refund is done."),
    )
    assert findings == []
