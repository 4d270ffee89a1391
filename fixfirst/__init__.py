"""FixFirst: did the customer get their problem fixed? Quality assurance for support, with evidence."""

from fixfirst.model import AnalysisResult, Conversation, Finding, Survey, Turn

__version__ = "0.1.0"

__all__ = ["AnalysisResult", "Conversation", "Finding", "Survey", "Turn", "__version__"]
