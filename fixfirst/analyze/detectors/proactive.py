"""proactive: the agent goes past the question (prevention, a related warning, a direct line).

Not proactive: a scripted upsell or survey pitch (those phrases are not in ``proactive_cue``).
"""

from __future__ import annotations

from fixfirst.analyze.artifacts import ConversationArtifacts
from fixfirst.analyze.detector import Detector
from fixfirst.model import Behaviour, Finding


class Proactive(Detector):
    name = "proactive"
    version = 1
    labels = frozenset({Behaviour.PROACTIVE.value})
    requires = frozenset({"lexicon", "lexicon:proactive_cue"})
    description = "Help beyond the question: prevention, related warnings, a line for next time."

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        return [
            self.finding(
                Behaviour.PROACTIVE.value,
                0.6,
                turn,
                span,
                "The agent adds help beyond the question asked (prevention, related info or a "
                "next-time line).",
            )
            for turn in self.speaker_turns(doc)
            for span in doc.hits("proactive_cue", turn)[:1]
        ]
