from pathlib import Path

import pytest

from fixfirst.errors import ConfigError
from fixfirst.model import AnalysisResult, CustomerSentiment, Finding, Outcome, OutcomeVerdict
from fixfirst.score import load_scorecard, score


def result(outcome: str, *labels: str) -> AnalysisResult:
    return AnalysisResult(
        id="x",
        outcome=OutcomeVerdict(label=Outcome(outcome), confidence=0.9),
        findings=tuple(
            Finding(label=label, confidence=0.8, turn=1, start=0, end=1, text="x", detector=f"{label}.v1")
            for label in labels
        ),
        customer_sentiment=CustomerSentiment(start="neutral", end="neutral"),
    )


# Points hand-computed from resolution-first.yaml:
# resolved 70, clear_no 65, owned_followup 50, moved_private 30, deflected 0, unresolved 0;
# hollow_apology -15, policy_stonewall -25, deflective_transfer -10, scripted_troubleshooting -10,
# customer_effort -5, ownership +10, specific_acknowledgement +10, proactive +10, scripted_empathy 0.
CASES = [
    (("resolved",), 70.0),
    (("resolved", "ownership", "specific_acknowledgement", "proactive"), 100.0),
    (
        ("resolved", "ownership", "specific_acknowledgement", "proactive", "ownership"),
        100.0,
    ),  # once per label
    (("clear_no", "scripted_empathy"), 65.0),  # stock empathy earns nothing
    (("owned_followup", "ownership"), 60.0),
    (("moved_private",), 30.0),
    (("deflected", "deflective_transfer", "scripted_empathy", "hollow_apology"), 0.0),  # clamped at 0
    (("unresolved", "scripted_troubleshooting", "customer_effort"), 0.0),
    (("owned_followup", "hollow_apology", "customer_effort"), 30.0),
    (("clear_no", "policy_stonewall", "proactive"), 50.0),
    # people vs process: with a system gap, stonewall and deflection penalties are waived
    (("clear_no", "policy_stonewall", "system_gap"), 65.0),
    (("moved_private", "deflective_transfer", "system_gap"), 30.0),
    (("moved_private", "deflective_transfer"), 20.0),
]


@pytest.mark.parametrize(("labels", "points"), CASES)
def test_resolution_first_points(labels: tuple[str, ...], points: float) -> None:
    outcome, *behaviours = labels
    assert score(result(outcome, *behaviours), "resolution-first").points == points


def test_a_bare_policy_no_scores_clearly_below_a_no_with_an_alternative() -> None:
    """LABELS.md settled rule: "per our policy, no" is clear_no + policy_stonewall; it must never look
    like good service - below a clear no with an alternative, and below an owned next step."""
    bare = score(result("clear_no", "policy_stonewall"), "resolution-first").points
    with_alternative = score(result("clear_no"), "resolution-first").points
    assert bare <= with_alternative - 20
    assert bare < score(result("owned_followup"), "resolution-first").points


def test_breakdown_traces_every_point_and_the_process_charge() -> None:
    scored = score(result("clear_no", "policy_stonewall", "system_gap", "ownership"), load_scorecard())
    assert scored.scorecard == "resolution-first"
    assert scored.breakdown == (
        ("outcome:clear_no", 65.0),
        ("process:policy_stonewall", 0.0),
        ("behaviour:ownership", 10.0),
    )
    assert sum(p for _, p in scored.breakdown) == scored.points


def test_clamp_is_in_the_breakdown() -> None:
    scored = score(result("unresolved", "hollow_apology"))
    assert scored.points == 0.0
    assert scored.breakdown[-1] == ("clamp", 15.0)


def test_findings_only_with_outcome_keyword() -> None:
    findings = result("resolved", "ownership").findings
    assert score(findings, outcome="resolved").points == 80.0
    assert score(findings).points == 10.0


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "card.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_OUTCOMES = (
    "outcome_points: {resolved: 1, clear_no: 1, owned_followup: 1, moved_private: 1, "
    "deflected: 0, unresolved: 0}\n"
)


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (
            "name: c\n" + GOOD_OUTCOMES + "behaviour_points: {hollow_apolgy: -5}\n",
            ["behaviour_points", "hollow_apolgy"],
        ),
        ("name: c\noutcome_points: {resolved: 1}\n", ["outcome_points", "missing outcomes", "clear_no"]),
        ("name: c\n" + GOOD_OUTCOMES + "bonus: 3\n", ["key 'bonus'", "Extra inputs"]),
        (
            "name: c\n" + GOOD_OUTCOMES + "process_rules: [{when: [gap], waive: [policy_stonewall]}]\n",
            ["process_rules.0.when", "unknown behaviour 'gap'"],
        ),
        ("name: c\n" + GOOD_OUTCOMES + "base: lots\n", ["key 'base'"]),
        ("[1, 2]\n", ["top level must be a mapping"]),
    ],
)
def test_scorecard_errors_name_file_and_key(tmp_path: Path, text: str, fragments: list[str]) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_scorecard(path)
    assert str(path) in str(info.value)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_unknown_builtin_name_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="resolution-first"):
        load_scorecard("no-such-card")


def test_custom_scorecard_from_path(tmp_path: Path) -> None:
    path = write(tmp_path, "name: strict\n" + GOOD_OUTCOMES + "behaviour_points: {ownership: 5}\n")
    assert score(result("resolved", "ownership"), path).points == 6.0
