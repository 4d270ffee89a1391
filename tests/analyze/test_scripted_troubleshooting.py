import pytest

from analyze.conversation_builder import run_detector, spans

CASES = [
    # step the customer already said they tried
    (
        "Game won't load. I've restarted my console twice and nothing works.",
        "Have you tried restarting your console?",
        [(1, "restarting")],
    ),
    (
        "I cleared the cache and cookies already, still the same error",
        "Please try clearing your cache and cookies.",
        [(1, "clearing your cache")],
    ),
    (
        "I'm forced to reset my password every week",
        "Did you try resetting your password on this page?",
        [(1, "resetting your password")],
    ),
    # hard contrast: a fitting step not yet tried is good troubleshooting
    ("Game won't load after the update", "Please try restarting your console.", []),
    ("Page looks broken in Chrome", "Try clearing your cache and cookies.", []),
]


@pytest.mark.parametrize(("customer", "agent", "expected"), CASES)
def test_scripted_troubleshooting_table(customer: str, agent: str, expected: list[tuple[int, str]]) -> None:
    assert spans(run_detector("scripted_troubleshooting.v1", ("c", customer), ("a", agent))) == expected
