"""Customer sentiment at the start and end of a contact: VADER plus support-specific cues.

Why VADER plus cues: VADER ships its lexicon inside the installed package (offline, ~0.1 ms per
turn) but reads support complaints as neutral ("can't log in", "please help", "still waiting" carry
no lexicon words). The cue lists (``customer_frustration``, ``customer_thanks``) are YAML data.
LABELS.md: start = first customer turn; end = last customer turn, ``neutral`` when the customer
never writes again after the first agent reply.
"""

from __future__ import annotations

from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from fixfirst.analyze.artifacts import ConversationArtifacts, TurnArtifacts
from fixfirst.model import CustomerSentiment, Sentiment

NEGATIVE_BELOW = -0.05
POSITIVE_ABOVE = 0.45


@lru_cache(maxsize=1)
def vader() -> SentimentIntensityAnalyzer:
    """Loaded on first use (reads the lexicon file once per process), never at import."""
    return SentimentIntensityAnalyzer()


def turn_sentiment(doc: ConversationArtifacts, turn: TurnArtifacts, *, opening: bool = False) -> Sentiment:
    """Label one customer turn: cues decide clear cases, VADER's compound score the rest.

    ``opening``: the customer's first turn. There "thanks" around a question ("Can you help me
    with X? Thanks") is politeness before anything happened, not a positive mood; at the end of
    a contact the same word is a verdict on the help received.
    """
    frustrated = doc.has("customer_frustration", turn) or doc.has("repeat_effort", turn)
    thankful = doc.has("customer_thanks", turn)
    if thankful and not frustrated:
        asking = "?" in turn.text or doc.has("customer_question", turn)
        return Sentiment.NEUTRAL if opening and asking else Sentiment.POSITIVE
    if frustrated:
        return Sentiment.NEGATIVE
    # VADER only where the cues do not decide: it is the single most expensive step per turn.
    compound = vader().polarity_scores(turn.text)["compound"]
    if compound <= NEGATIVE_BELOW:
        return Sentiment.NEGATIVE
    if compound >= POSITIVE_ABOVE:
        return Sentiment.POSITIVE
    return Sentiment.NEUTRAL


def customer_sentiment(doc: ConversationArtifacts) -> CustomerSentiment:
    customers = doc.customer_turns
    if not customers:
        return CustomerSentiment(start=Sentiment.NEUTRAL, end=Sentiment.NEUTRAL)
    start = turn_sentiment(doc, customers[0], opening=True)
    first_agent = next((t.index for t in doc.turns if t.is_agent), None)
    later = [t for t in customers if first_agent is not None and t.index > first_agent]
    end = turn_sentiment(doc, later[-1]) if later else Sentiment.NEUTRAL
    return CustomerSentiment(start=start, end=end)
