"""hollow_apology: sympathy instead of help.

Conversation-level: an apology only counts as hollow when the contact as a whole offers no fix,
answer, clear no or owned next step - read from the outcome verdict (unresolved or deflected), not
from the apology's own wording. An apology that comes with real help is never hollow.
"""

from __future__ import annotations

from fixfirst.analyze.artifacts import ConversationArtifacts
from fixfirst.analyze.detector import Detector
from fixfirst.model import Behaviour, Finding, Outcome

#: Outcomes where the customer got neither help nor a straight answer.
NO_HELP = frozenset({Outcome.UNRESOLVED, Outcome.DEFLECTED})


class HollowApology(Detector):
    name = "hollow_apology"
    version = 1
    labels = frozenset({Behaviour.HOLLOW_APOLOGY.value})
    requires = frozenset({"outcome", "lexicon", "lexicon:stock_apology", "lexicon:owned_failure"})
    description = "Apology or sympathy in a contact that ends with no fix, answer, clear no or owned step."

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        if doc.outcome is None or doc.outcome.label not in NO_HELP:
            return []
        findings = []
        for turn in self.speaker_turns(doc):
            for span in doc.hits("stock_apology", turn) + doc.hits("owned_failure", turn):
                findings.append(
                    self.finding(
                        Behaviour.HOLLOW_APOLOGY.value,
                        0.6 + 0.3 * doc.outcome.confidence,
                        turn,
                        span,
                        f"The agent apologises but the contact ends {doc.outcome.label.value}: "
                        "no fix, answer, clear no or owned next step goes with it.",
                    )
                )
        return findings
