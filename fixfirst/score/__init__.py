"""Scoring: turn an analysis into points with a YAML scorecard (default ``resolution-first``)."""

from fixfirst.score.scorecard import ProcessRule, Scorecard, load_scorecard
from fixfirst.score.scoring import score

__all__ = ["ProcessRule", "Scorecard", "load_scorecard", "score"]
