"""Why the customer got in touch: a keyword topic classifier over the customer's own words.

Deliberately simple and transparent (YAML keywords, most hits wins) so an analyst can see and
change why a contact counts as "billing" or "delivery" in the root-cause report.
"""

from __future__ import annotations

from fixfirst.insight.lexicon_files import CaselessText, ContactReasons, any_of, default_contact_reasons
from fixfirst.insight.views import ConversationLike

OTHER = "other"


#: Per reason: its name, one pattern matching any of its keywords, and each keyword's own pattern.
_Compiled = tuple[tuple[str, str | None, tuple[str, ...]], ...]
#: id(reasons) -> (reasons, patterns); the object is kept so its id cannot be reused.
_COMPILED: dict[int, tuple[ContactReasons, _Compiled]] = {}


def _compiled(reasons: ContactReasons) -> _Compiled:
    """Each reason's keyword patterns, built once per phrase list (classification runs per contact)."""
    cached = _COMPILED.get(id(reasons))
    if cached is None:
        patterns = tuple(
            (
                name,
                any_of(tuple(rf"\b(?:{k})\b" for k in reason.keywords)),
                tuple(rf"\b(?:{k})\b" for k in reason.keywords),
            )
            for name, reason in reasons.reasons.items()
        )
        cached = _COMPILED[id(reasons)] = (reasons, patterns)
    return cached[1]


def classify_text(text: str, reasons: ContactReasons | None = None) -> str:
    """The reason with most keyword hits in `text`; ties go to the reason listed first; none = other."""
    best, best_hits = OTHER, 0
    caseless = CaselessText(text)
    for name, any_keyword, patterns in _compiled(reasons or default_contact_reasons()):
        # Where any keyword matches, the alternation finds a match too: one search rules a reason
        # out for most texts, and only a reason that matched counts its keywords one by one.
        if any_keyword is not None and caseless.search(any_keyword) is None:
            continue
        hits = sum(caseless.count(p) for p in patterns)
        if hits > best_hits:
            best, best_hits = name, hits
    return best


def contact_reason(conversation: ConversationLike, reasons: ContactReasons | None = None) -> str:
    """Classify on the first two customer turns: where the customer states why they came."""
    opening = " ".join(t.text for t in conversation.customer_turns()[:2])
    return classify_text(opening, reasons)
