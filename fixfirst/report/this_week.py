"""The Monday-morning answer: three actions with their evidence and expected effect, and how the
latest week compares with the one before.

Why these three: each comes from a different owner - a process or system fix (root causes charged to
process or technology, ranked by the unresolved and repeat contacts they cost), a team habit to coach
(the highest-priority team coaching item, weighted by the driver analysis), and a kind of contact to
look at (the contact reason leaving most customers without help). Nothing here is new analysis: it
picks the top of tables the report already holds, so every action can be traced to its section.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import fmean

from fixfirst.insight import Insights
from fixfirst.insight.contacts import HELPFUL_OUTCOMES, Contact
from fixfirst.model import Outcome
from fixfirst.report.report_model import ActionRow, WeekChangeRow

#: A contact reason needs this many contacts before it is worth a manager's look.
MIN_REASON_CONTACTS = 10


def top_actions(insights: Insights) -> tuple[ActionRow, ...]:
    actions: list[ActionRow] = []
    causes = [
        c
        for c in (*insights.root_causes.policies, *insights.root_causes.systems)
        if c.charged_to in ("process", "technology") and c.cost > 0
    ]
    if causes:
        # A named policy or system first: "(unnamed system)" cannot be handed to anyone to fix.
        cause = max(causes, key=lambda c: (not c.name.startswith("("), c.cost, c.contacts))
        way_out = "" if cause.alternative_rate is None else f"; agents found a way out in {cause.alternative_rate:.0%}"
        actions.append(
            ActionRow(
                owner=cause.charged_to,
                title=f"Fix the {cause.kind} “{cause.name}”",
                evidence=f"{cause.unresolved_contacts} unresolved and {cause.repeat_contacts} repeat contacts of "
                f"{cause.contacts} naming it, across {cause.agents} agents{way_out}",
                effect=f"up to {cause.cost} contacts that could end with help instead",
                section="root-causes",
            )
        )
    items = [(plan.team, item) for plan in insights.team_coaching for item in plan.items]
    if items:
        team, item = max(items, key=lambda pair: pair[1].priority)
        habit = item.behaviour.replace("_", " ")
        effect = (
            f"{habit} goes with {item.effect:+.2f} CSAT points per contact (driver analysis)"
            if item.effect is not None
            else "its effect on CSAT is not measured yet"
        )
        most = f"; most in {', '.join(item.agents_most_affected[:3])}" if item.agents_most_affected else ""
        actions.append(
            ActionRow(
                owner="people",
                title=f"Coach {team} on {item.direction} {habit}",
                evidence=f"{habit} in {item.team_rate:.0%} of the team's contacts against {item.company_rate:.0%} "
                f"company-wide{most}",
                effect=effect,
                section="coaching",
            )
        )
    reasons = [r for r in insights.root_causes.reasons if r.contacts >= MIN_REASON_CONTACTS and r.helpful_rate]
    if reasons:
        reason = max(reasons, key=lambda r: r.contacts * (1 - (r.helpful_rate or 0)))
        unhelped = round(reason.contacts * (1 - (reason.helpful_rate or 0)))
        actions.append(
            ActionRow(
                owner="process",
                title=f"Look at “{reason.reason}” contacts",
                evidence=f"{reason.contacts} contacts, {reason.helpful_rate:.0%} helped, "
                f"{reason.repeat_contacts} repeat contacts, {reason.deflections} deflections",
                effect=f"{unhelped} customers a period leave without a fix, a clear no or an owned next step",
                section="root-causes",
            )
        )
    return tuple(actions)


@dataclass
class _WeekTally:
    """What the week-over-week rows need of one week's analysed contacts (not the contacts: a
    report over a year would hold every one of them to compare two weeks)."""

    contacts: int = 0
    resolved: int = 0
    helped: int = 0
    points: array = field(default_factory=lambda: array("d"))

    def add(self, outcome: Outcome, points: float | None) -> None:
        self.contacts += 1
        self.resolved += outcome is Outcome.RESOLVED
        self.helped += outcome in HELPFUL_OUTCOMES
        if points is not None:
            self.points.append(points)

    def score(self) -> float | None:
        return fmean(self.points) if self.points else None


def week_over_week(contacts: Iterable[Contact]) -> tuple[str, tuple[WeekChangeRow, ...]]:
    """The latest ISO week with contacts against the week before it: (label, one row per figure)."""
    weeks: dict[str, _WeekTally] = defaultdict(_WeekTally)
    for contact in contacts:
        start, outcome = contact.start, contact.outcome
        if start is not None and outcome is not None:
            year, week, _ = start.isocalendar()
            weeks[f"{year}-W{week:02d}"].add(outcome, contact.points)
    if len(weeks) < 2:
        return "", ()
    previous_week, latest_week = sorted(weeks)[-2:]
    latest, previous = weeks[latest_week], weeks[previous_week]
    rows = (
        WeekChangeRow(figure="contacts", latest=latest.contacts, previous=previous.contacts, unit="count"),
        WeekChangeRow(
            figure="resolved", latest=latest.resolved / latest.contacts,
            previous=previous.resolved / previous.contacts, unit="rate",
        ),
        WeekChangeRow(
            figure="helped (fixed, clear no or owned)", latest=latest.helped / latest.contacts,
            previous=previous.helped / previous.contacts, unit="rate",
        ),
        WeekChangeRow(figure="mean score", latest=latest.score(), previous=previous.score(), unit="points"),
    )
    return f"{latest_week} (n={latest.contacts}) against {previous_week} (n={previous.contacts})", rows
