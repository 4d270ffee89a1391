"""ownership: first-person commitment or completed action ("I've refunded", "I'll call you by 5").

Not ownership: "someone will get back to you", "the team will look into it" (no owner), and
negated actions ("I can't refund it") - the negation scope is read from the shared artifacts.
"""

from __future__ import annotations

from fixfirst.analyze.artifacts import ConversationArtifacts
from fixfirst.analyze.detector import Detector
from fixfirst.model import Behaviour, Finding


class Ownership(Detector):
    name = "ownership"
    version = 1
    labels = frozenset({Behaviour.OWNERSHIP.value})
    requires = frozenset(
        {
            "negation",
            "lexicon",
            "lexicon:first_person_commitment",
            "lexicon:ownership_action",
            "lexicon:deadline",
        }
    )
    description = "First-person commitment to a next step or a completed action for this customer."

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        findings = []
        for turn in self.speaker_turns(doc):
            dated = doc.has("deadline", turn)
            spans = sorted(
                set(doc.hits("first_person_commitment", turn) + doc.hits("ownership_action", turn))
            )
            for span in spans:
                if doc.negated(turn, span[0]):
                    continue
                findings.append(
                    self.finding(
                        Behaviour.OWNERSHIP.value,
                        0.85 if dated else 0.7,
                        turn,
                        span,
                        "The agent personally commits to, or reports doing, a concrete action"
                        + (" with a time or reference." if dated else "."),
                    )
                )
        return findings
