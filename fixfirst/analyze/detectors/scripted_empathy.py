"""scripted_empathy: a stock apology or sympathy formula that would fit any customer.

Not scripted when the same sentence names the failure as the company's own ("sorry we missed your
Wednesday appointment - that was our scheduling error"): that is an owned apology.
"""

from __future__ import annotations

from fixfirst.analyze.artifacts import ConversationArtifacts
from fixfirst.analyze.detector import Detector
from fixfirst.model import Behaviour, Finding


class ScriptedEmpathy(Detector):
    name = "scripted_empathy"
    version = 1
    labels = frozenset({Behaviour.SCRIPTED_EMPATHY.value})
    requires = frozenset({"sentences", "quotes", "lexicon", "lexicon:stock_apology", "lexicon:owned_failure"})
    description = "Stock apology or sympathy formula, unless the apology owns a specific failure."

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        findings = []
        for turn in self.speaker_turns(doc):
            owned = doc.hits("owned_failure", turn)
            for span in doc.hits("stock_apology", turn):
                if any(doc.in_same_sentence(turn, span[0], o[0]) for o in owned):
                    continue
                findings.append(
                    self.finding(
                        Behaviour.SCRIPTED_EMPATHY.value,
                        0.8,
                        turn,
                        span,
                        "The agent uses a stock apology/sympathy formula that would fit any customer.",
                    )
                )
        return findings
