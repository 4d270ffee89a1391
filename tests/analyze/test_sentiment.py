"""Customer sentiment at the start and end (LABELS.md section 3): cues first, VADER for the rest."""

import pytest

from analyze.conversation_builder import conversation
from fixfirst.analyze import analyze


def _sentiment(*turns: tuple[str, str]) -> tuple[str, str]:
    [result] = analyze([conversation(*turns)])
    return result.customer_sentiment.start.value, result.customer_sentiment.end.value


@pytest.mark.parametrize(
    ("opening", "start"),
    [
        # politeness around a request, before anything happened: not a positive mood
        ("Can I change my plan online? Thanks", "neutral"),
        ("Hi, how do I update my address? Thank you!", "neutral"),
        # thanks with nothing asked is a positive opening
        ("Thank you so much for sorting my refund so quickly, amazing service", "positive"),
        # frustration wins over a polite word
        ("Still waiting for my refund, thanks for nothing", "negative"),
    ],
)
def test_opening_turn(opening: str, start: str) -> None:
    assert _sentiment(("c", opening), ("a", "Happy to help with that."))[0] == start


def test_thanks_with_a_question_at_the_end_is_still_positive() -> None:
    turns = (("c", "How do I change my plan?"), ("a", "Go to Settings > Plan."), ("c", "Thanks! Is that all?"))
    assert _sentiment(*turns) == ("neutral", "positive")


def test_no_customer_reply_after_the_agent_ends_neutral() -> None:
    assert _sentiment(("c", "My router is broken and nobody helps!!"), ("a", "Sorry to hear that."))[1] == "neutral"
