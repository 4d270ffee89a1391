"""Canonical, typed data passed between stages (never loose dicts)."""

from fixfirst.model.case import Case
from fixfirst.model.conversation import (
    MAX_CONVERSATION_CHARS,
    MAX_TURN_CHARS,
    MAX_TURNS,
    Conversation,
    Role,
    Turn,
    stable_id,
)
from fixfirst.model.finding import (
    AnalysisResult,
    CustomerSentiment,
    Evidence,
    Finding,
    OutcomeVerdict,
    ScoreResult,
)
from fixfirst.model.labels import Behaviour, Outcome, Sentiment
from fixfirst.model.survey import FixedAnswer, Survey, SurveyAnswers

__all__ = [
    "MAX_CONVERSATION_CHARS",
    "MAX_TURNS",
    "MAX_TURN_CHARS",
    "AnalysisResult",
    "Behaviour",
    "Case",
    "Conversation",
    "CustomerSentiment",
    "Evidence",
    "Finding",
    "FixedAnswer",
    "Outcome",
    "OutcomeVerdict",
    "Role",
    "ScoreResult",
    "Sentiment",
    "Survey",
    "SurveyAnswers",
    "Turn",
    "stable_id",
]
