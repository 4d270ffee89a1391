import pytest

from analyze.conversation_builder import run_detector, spans

CASES = [
    (
        "Please refund my unused pass",
        "We're not able to refund passes. That's our policy.",
        [(1, "We're not able to refund")],
    ),
    (
        "Can you extend my credit?",
        "Unfortunately we're not extending credits past their expiry date.",
        [(1, "we're not extending")],
    ),
    # hard contrast: policy + alternative is a good clear_no, not a stonewall
    (
        "Refund my ticket?",
        "I can't refund a ticket after departure - that's a fare rule. What I can do is a travel credit.",
        [],
    ),
    # scope: "I can't refund it, but I've credited you"
    ("Refund please", "I can't refund it, but I've credited you $20 for the trouble.", []),
    # policy that answers the question is not a wall
    ("Cancel my preorder?", "According to our policy you can request a refund within 14 days.", []),
    # a no followed by something the customer can do instead is a clear no, not a wall
    (
        "Put the new season up for me please!",
        "We currently don't have the streaming rights to the newest season. You may also be interested in "
        "our live TV plan, where the network shows it.",
        [],
    ),
    (
        "Can analytics show which weekday gets most views?",
        "We currently don't have that feature yet. We recommend sending your comments to our feedback tool.",
        [],
    ),
    ("Can analytics show which weekday gets most views?", "We currently don't have that feature yet.",
     [(1, "We currently don't have")]),
]


@pytest.mark.parametrize(("customer", "agent", "expected"), CASES)
def test_policy_stonewall_table(customer: str, agent: str, expected: list[tuple[int, str]]) -> None:
    assert spans(run_detector("policy_stonewall.v1", ("c", customer), ("a", agent))) == expected
