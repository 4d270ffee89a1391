"""Outcome names, order and colours, shared by the charts, the tables and the CSS.

Colours are dark enough for white text (WCAG AA, contrast >= 4.5:1) and differ in lightness as
well as hue, so the outcome mix still reads for colour-blind readers and in greyscale print.
"""

from __future__ import annotations

from typing import Final

#: Outcomes from best to worst for the customer (LABELS.md section 1), then the catch-all.
OUTCOME_ORDER: Final = (
    "resolved",
    "clear_no",
    "owned_followup",
    "moved_private",
    "deflected",
    "unresolved",
    "not analysed",
)

OUTCOME_COLOURS: Final = {
    "resolved": "#17703a",
    "clear_no": "#0b6a80",
    "owned_followup": "#3953a4",
    "moved_private": "#6a4f96",
    "deflected": "#a34d00",
    "unresolved": "#b3261e",
    "not analysed": "#5f6673",
}
UNKNOWN_COLOUR: Final = "#5f6673"


def outcome_colour(outcome: str) -> str:
    return OUTCOME_COLOURS.get(outcome, UNKNOWN_COLOUR)


def outcome_name(outcome: str) -> str:
    """'owned_followup' -> 'owned follow-up': labels as a QA lead reads them."""
    return {"owned_followup": "owned follow-up", "clear_no": "clear no"}.get(
        outcome, outcome.replace("_", " ")
    )


def outcome_rank(outcome: str) -> int:
    """Sort key: known outcomes in OUTCOME_ORDER, unknown ones after them."""
    return OUTCOME_ORDER.index(outcome) if outcome in OUTCOME_ORDER else len(OUTCOME_ORDER)


def css_class(outcome: str) -> str:
    """A CSS class token for an outcome (only known outcomes get their own colour class)."""
    return "o-" + outcome.replace(" ", "_") if outcome in OUTCOME_COLOURS else "o-unknown"
