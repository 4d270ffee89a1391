"""Human review of machine verdicts: the queue, recording corrections, and agreement.

A review covers one conversation: the reviewer confirms or corrects the outcome, confirms or
rejects each finding, and may add labels the machine missed. Every decision is a row with who
and when (``web_reviews``); the latest decision per item wins. Agreement is computed over the
conversations that have a review, per label at conversation level (machine: the label has a
finding; reviewer: a finding of it was confirmed or the label was added as missed) and for the
outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from fixfirst.model import AnalysisResult, Behaviour, Finding, Outcome
from fixfirst.store import Store
from fixfirst.store.web_records import (
    ReviewRecord,
    add_reviews,
)
from fixfirst.web.agreement import cohens_kappa, kappa_interval

#: Outcomes with confidence below this go to the review queue. The outcome confidence is calibrated:
#: in grouped cross-validation, verdicts under 0.65 were right about half the time (0.41-0.66 by bin),
#: those over 0.8 about 85-97% (reliability tables in benchmarks/README.md) - so the queue holds the
#: verdicts where a reviewer's answer is worth most.
LOW_CONFIDENCE = 0.65
OUTCOME_ITEM = "outcome"
CONFIRMED = "confirmed"
REJECTED = "rejected"


def finding_item(finding: Finding) -> str:
    """The stable key of one finding within its conversation."""
    return f"finding:{finding.label}:{finding.turn}:{finding.start}:{finding.end}"


def missed_item(label: str) -> str:
    return f"missed:{label}"


@dataclass(frozen=True)
class ReviewSubmission:
    """What a reviewer decided: the outcome, a verdict per finding item, labels the machine missed."""

    outcome: str
    findings: Mapping[str, str] = field(default_factory=dict)
    missed: tuple[str, ...] = ()
    note: str | None = None


class ReviewError(ValueError):
    """A submission that does not fit the conversation (unknown outcome, label or finding)."""


def blind_submission(
    result: AnalysisResult, outcome: str, present: Iterable[str], note: str | None
) -> ReviewSubmission:
    """A blind review as decisions on the machine's items: the reviewer chose an outcome and the
    behaviours present without seeing the machine's; each machine finding is confirmed when the
    reviewer marked its label, rejected when not, and labels the machine lacks are "missed"."""
    labels = set(present)
    return ReviewSubmission(
        outcome=outcome,
        findings={finding_item(f): CONFIRMED if f.label in labels else REJECTED for f in result.findings},
        missed=tuple(sorted(label for label in labels if not result.has(label))),
        note=note,
    )


def record_review(store: Store, result: AnalysisResult, reviewer: str, submission: ReviewSubmission) -> int:
    """Validate and store one review; returns the number of decisions stored."""
    valid_outcomes = {o.value for o in Outcome}
    if submission.outcome not in valid_outcomes:
        raise ReviewError(f"outcome: {submission.outcome!r} is not one of {', '.join(sorted(valid_outcomes))}")
    items = {finding_item(f): f for f in result.findings}
    now = datetime.now(UTC)
    decisions = [
        ReviewRecord(
            result.id, OUTCOME_ITEM, result.outcome.label.value, submission.outcome, reviewer, submission.note, now
        )
    ]
    for item, verdict in submission.findings.items():
        if item not in items:
            raise ReviewError(f"findings: {item!r} is not a finding of conversation {result.id!r}")
        if verdict not in (CONFIRMED, REJECTED):
            raise ReviewError(f"findings.{item}: verdict must be {CONFIRMED!r} or {REJECTED!r}")
        decisions.append(ReviewRecord(result.id, item, CONFIRMED, verdict, reviewer, None, now))
    labels = {b.value for b in Behaviour}
    for label in dict.fromkeys(submission.missed):
        if label not in labels:
            raise ReviewError(f"missed: {label!r} is not a behaviour label")
        if result.has(label):
            continue
        decisions.append(ReviewRecord(result.id, missed_item(label), "absent", "present", reviewer, None, now))
    return add_reviews(store, result.id, decisions)


def latest_reviews(reviews: Iterable[ReviewRecord]) -> dict[str, dict[str, ReviewRecord]]:
    """conversation id -> item -> the latest decision on it."""
    latest: dict[str, dict[str, ReviewRecord]] = {}
    for review in reviews:
        latest.setdefault(review.conversation_id, {})[review.item] = review
    return latest


def item_reviewer(decisions: Mapping[str, ReviewRecord], item: str) -> str | None:
    """Who last reviewed ``item`` (they may not decide a dispute about it); None if nobody did."""
    decision = decisions.get(item)
    return decision.reviewer if decision is not None else None


def reviewer_labels(result: AnalysisResult, decisions: Mapping[str, ReviewRecord]) -> set[str]:
    """Labels the reviewer holds present: machine findings not rejected, plus missed ones added.

    The latest review is authoritative for its conversation, so a ``missed`` row from an older
    review counts only if it was made at the time of the latest outcome decision.
    """
    latest_time = decisions[OUTCOME_ITEM].created_at if OUTCOME_ITEM in decisions else None
    present = {
        f.label
        for f in result.findings
        if decisions.get(finding_item(f)) is None or decisions[finding_item(f)].reviewer_value != REJECTED
    }
    for item, decision in decisions.items():
        if item.startswith("missed:") and decision.created_at == latest_time:
            present.add(item.removeprefix("missed:"))
    return present


@dataclass(frozen=True)
class LabelAgreement:
    label: str
    kappa: float | None  # None: undefined (or nothing reviewed) - see ``undefined``
    reviewed: int
    machine_positive: int
    reviewer_positive: int
    agreements: int
    interval: tuple[float, float] | None = None  # 95% bootstrap interval of kappa

    @property
    def undefined(self) -> bool:
        """Reviewed, but kappa has no meaning: neither side ever marked the label (or both always did)."""
        return self.reviewed > 0 and self.kappa is None


@dataclass(frozen=True)
class AgreementReport:
    reviewed: int
    outcome_kappa: float | None
    outcome_agreement: float | None
    labels: tuple[LabelAgreement, ...]
    outcome_interval: tuple[float, float] | None = None

    @property
    def outcome_undefined(self) -> bool:
        return self.reviewed > 0 and self.outcome_kappa is None


def agreement_report(
    results: Mapping[str, AnalysisResult], latest: Mapping[str, Mapping[str, ReviewRecord]]
) -> AgreementReport:
    """Cohen's kappa machine vs reviewer over reviewed conversations the caller may see."""
    reviewed = [
        (results[cid], decisions) for cid, decisions in latest.items() if cid in results and OUTCOME_ITEM in decisions
    ]
    machine_outcomes = [r.outcome.label.value for r, _ in reviewed]
    reviewer_outcomes = [d[OUTCOME_ITEM].reviewer_value for _, d in reviewed]
    labels: list[LabelAgreement] = []
    for behaviour in Behaviour:
        machine = [r.has(behaviour.value) for r, _ in reviewed]
        reviewer = [behaviour.value in reviewer_labels(r, d) for r, d in reviewed]
        labels.append(
            LabelAgreement(
                label=behaviour.value,
                kappa=cohens_kappa(machine, reviewer),
                reviewed=len(reviewed),
                machine_positive=sum(machine),
                reviewer_positive=sum(reviewer),
                agreements=sum(1 for a, b in zip(machine, reviewer, strict=True) if a == b),
                interval=kappa_interval(machine, reviewer),
            )
        )
    same = sum(1 for a, b in zip(machine_outcomes, reviewer_outcomes, strict=True) if a == b)
    return AgreementReport(
        reviewed=len(reviewed),
        outcome_kappa=cohens_kappa(machine_outcomes, reviewer_outcomes),
        outcome_agreement=same / len(reviewed) if reviewed else None,
        labels=tuple(labels),
        outcome_interval=kappa_interval(machine_outcomes, reviewer_outcomes),
    )

