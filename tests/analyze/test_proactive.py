import pytest

from analyze.conversation_builder import run_detector

CASES = [
    ("Card blocked", "Unblocked now. To prevent this in future, add your travel dates in the app.", True),
    ("Posted my email by mistake", "Please delete this tweet with your email for your security.", True),
    ("Where is my parcel?", "It arrives Tuesday.", False),
]


@pytest.mark.parametrize(("customer", "agent", "expected"), CASES)
def test_proactive_table(customer: str, agent: str, expected: bool) -> None:
    assert bool(run_detector("proactive.v1", ("c", customer), ("a", agent))) is expected
