"""The label vocabulary of LABELS.md, as enums, so a typo in a label is an error, not a silent miss."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    RESOLVED = "resolved"
    CLEAR_NO = "clear_no"
    OWNED_FOLLOWUP = "owned_followup"
    MOVED_PRIVATE = "moved_private"
    DEFLECTED = "deflected"
    UNRESOLVED = "unresolved"


class Behaviour(StrEnum):
    SCRIPTED_EMPATHY = "scripted_empathy"
    HOLLOW_APOLOGY = "hollow_apology"
    SPECIFIC_ACKNOWLEDGEMENT = "specific_acknowledgement"
    POLICY_STONEWALL = "policy_stonewall"
    SCRIPTED_TROUBLESHOOTING = "scripted_troubleshooting"
    DEFLECTIVE_TRANSFER = "deflective_transfer"
    OWNERSHIP = "ownership"
    PROACTIVE = "proactive"
    CUSTOMER_EFFORT = "customer_effort"
    SYSTEM_GAP = "system_gap"


class Sentiment(StrEnum):
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"
