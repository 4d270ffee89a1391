import pytest

from analyze.conversation_builder import run_detector

CASES = [
    ("c", "Where is my repair?", "a", "There's no record of your repair request in our system.", True),
    ("c", "Change my billing address", "a", "I don't have access to billing details from here.", True),
    ("c", "My AdSense account doesn't update my revenue", "a", "Thanks, checking.", True),
    ("c", "Where is my repair?", "a", "Your repair is booked for Monday.", False),
]


@pytest.mark.parametrize(("who1", "first", "who2", "second", "expected"), CASES)
def test_system_gap_table(who1: str, first: str, who2: str, second: str, expected: bool) -> None:
    assert bool(run_detector("system_gap.v1", (who1, first), (who2, second))) is expected
