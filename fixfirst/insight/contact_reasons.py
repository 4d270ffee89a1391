"""Why the customer got in touch: a keyword topic classifier over the customer's own words.

Deliberately simple and transparent (YAML keywords, most hits wins) so an analyst can see and
change why a contact counts as "billing" or "delivery" in the root-cause report.
"""

from __future__ import annotations

import re

from fixfirst.insight.lexicon_files import ContactReasons, default_contact_reasons
from fixfirst.model import Conversation

OTHER = "other"


def _compiled(reasons: ContactReasons) -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    # re.compile keeps its own cache, so recompiling per call costs a dict lookup.
    return tuple(
        (name, tuple(re.compile(rf"\b(?:{k})\b", re.IGNORECASE) for k in reason.keywords))
        for name, reason in reasons.reasons.items()
    )


def classify_text(text: str, reasons: ContactReasons | None = None) -> str:
    """The reason with most keyword hits in `text`; ties go to the reason listed first; none = other."""
    best, best_hits = OTHER, 0
    for name, patterns in _compiled(reasons or default_contact_reasons()):
        hits = sum(len(p.findall(text)) for p in patterns)
        if hits > best_hits:
            best, best_hits = name, hits
    return best


def contact_reason(conversation: Conversation, reasons: ContactReasons | None = None) -> str:
    """Classify on the first two customer turns: where the customer states why they came."""
    opening = " ".join(t.text for t in conversation.customer_turns()[:2])
    return classify_text(opening, reasons)
