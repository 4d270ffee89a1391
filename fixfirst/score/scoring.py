"""Apply a scorecard to one analysis: outcome first, behaviours once each, process rules, clamp.

The breakdown lists every (rule, points) pair, so each number on a scorecard traces back to a rule
and, through the findings, to the words that earned it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fixfirst.model import AnalysisResult, Finding, Outcome, ScoreResult
from fixfirst.score.scorecard import Scorecard, load_scorecard


def score(
    result_or_findings: AnalysisResult | Iterable[Finding],
    scorecard: Scorecard | str | Path = "resolution-first",
    *,
    outcome: Outcome | str | None = None,
) -> ScoreResult:
    """Score an ``AnalysisResult`` (or bare findings plus an ``outcome``) with a scorecard."""
    card = scorecard if isinstance(scorecard, Scorecard) else load_scorecard(scorecard)
    if isinstance(result_or_findings, AnalysisResult):
        findings = result_or_findings.findings
        outcome = result_or_findings.outcome.label
    else:
        findings = tuple(result_or_findings)
    present = {f.label for f in findings}
    breakdown: list[tuple[str, float]] = []
    if card.base:
        breakdown.append(("base", card.base))
    if outcome is not None:
        label = Outcome(outcome)
        breakdown.append((f"outcome:{label.value}", card.outcome_points[label]))
    waived: set[str] = set()
    for rule in card.process_rules:
        if present.intersection(rule.when):
            waived.update(rule.waive)
    for label, points in card.behaviour_points.items():
        if label not in present or points == 0:
            continue
        if label in waived and points < 0:
            breakdown.append((f"process:{label}", 0.0))
            continue
        breakdown.append((f"behaviour:{label}", points))
    total = sum(points for _, points in breakdown)
    clamped = min(max(total, card.minimum), card.maximum)
    if clamped != total:
        breakdown.append(("clamp", clamped - total))
    return ScoreResult(scorecard=card.name, points=round(clamped, 2), breakdown=tuple(breakdown))
