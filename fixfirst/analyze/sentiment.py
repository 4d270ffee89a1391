"""Customer sentiment at the start and end of a contact: which turns are read, and VADER's score.

Why learned on top of VADER: VADER ships its lexicon inside the installed package (offline) but
reads support complaints as neutral ("can't log in", "still waiting" carry no lexicon words) and a
polite "thanks" around a question as positive. Its compound score is one feature of the learned
sentiment models (``learned/``), beside the words and the lexicon cues of the turn.
LABELS.md: start = first customer turn; end = last customer turn, ``neutral`` when the customer
never writes again after the first agent reply.
"""

from __future__ import annotations

from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from fixfirst.analyze.artifacts import ConversationArtifacts, TurnArtifacts
from fixfirst.model import CustomerSentiment, Sentiment


@lru_cache(maxsize=1)
def vader() -> SentimentIntensityAnalyzer:
    """Loaded on first use (reads the lexicon file once per process), never at import."""
    return SentimentIntensityAnalyzer()


def vader_compound(text: str) -> float:
    return float(vader().polarity_scores(text)["compound"])


def opening_customer_turn(doc: ConversationArtifacts) -> TurnArtifacts | None:
    """LABELS.md: sentiment at the start is read on the first customer turn."""
    return next((t for t in doc.turns if t.is_customer), None)


def closing_customer_turn(doc: ConversationArtifacts) -> TurnArtifacts | None:
    """The last customer turn after the first agent reply; ``None`` means the end is ``neutral``."""
    first_agent = next((t.index for t in doc.turns if t.is_agent), None)
    if first_agent is None:
        return None
    return next((t for t in reversed(doc.turns) if t.is_customer and t.index > first_agent), None)


def customer_sentiment(doc: ConversationArtifacts) -> CustomerSentiment:
    """Start and end as the learned sentiment models read them (``doc.reading``)."""
    from fixfirst.analyze.learned.reading import sentiment_label

    reading = doc.reading
    if reading is None:
        return CustomerSentiment(start=Sentiment.NEUTRAL, end=Sentiment.NEUTRAL)
    return CustomerSentiment(
        start=sentiment_label(reading.sentiment_start), end=sentiment_label(reading.sentiment_end)
    )
