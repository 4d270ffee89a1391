"""Customer sentiment at the start and end (LABELS.md section 3): cues first, VADER for the rest."""

import pytest

from analyze.conversation_builder import conversation
from fixfirst.analyze import analyze
from fixfirst.analyze.artifacts import speaking_roles
from fixfirst.model import Conversation, Role, Turn


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
        ("Thanks so much for fixing my router yesterday, great job", "positive"),
        pytest.param(
            "Thank you so much for sorting my refund so quickly, amazing service",
            "positive",
            marks=pytest.mark.xfail(
                strict=True,
                reason="known weakness since the models learned from data/written: the problem word "
                "'refund' (cue problem_account) outweighs the thanks - positive 0.31 vs neutral 0.59 "
                "(positive openings are 38 of 1,977 gold openings). No rule added for one example; "
                "grouped-CV sentiment at start is 0.75 / 0.82 / 0.82 (real / shared written / ours).",
            ),
        ),
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


def _thread(company: str, *turns: tuple[str, str, str]) -> Conversation:
    roles = {"c": Role.CUSTOMER, "a": Role.AGENT}
    return Conversation(
        id="t-brand",
        company=company,
        turns=tuple(
            Turn(index=i, role=roles[who], author=author, text=text) for i, (who, author, text) in enumerate(turns)
        ),
    )


def test_brand_post_above_the_customer_is_not_the_customer_opening() -> None:
    """A social thread marks the brand's own post (@hulu above @hulu_support) as `customer`; the
    customer's first turn is the reply under it."""
    thread = _thread(
        "hulu_support",
        ("c", "hulu", "Amazing new shows this week, we love them!"),
        ("c", "jane_doe", "@hulu when will you add Spanish subtitles? This is terrible"),
        ("a", "hulu_support", "@jane_doe Thanks for reaching out!"),
    )
    assert speaking_roles(thread) == (Role.SYSTEM, Role.CUSTOMER, Role.AGENT)
    [result] = analyze([thread])
    assert result.customer_sentiment.start.value == "negative"


@pytest.mark.parametrize(
    ("company", "author"),
    [
        ("AskeBay", "ASKeeling"),  # shares only the "Ask" desk prefix with the brand handle
        ("HPSupport", "hpfan"),  # brand names under four letters are not compared at all
        ("DropboxSupport", "janedoe"),
    ],
)
def test_customers_with_unrelated_handles_stay_customers(company: str, author: str) -> None:
    thread = _thread(company, ("c", author, "My order never came"), ("a", company, f"@{author} Sorry!"))
    assert speaking_roles(thread)[0] is Role.CUSTOMER
