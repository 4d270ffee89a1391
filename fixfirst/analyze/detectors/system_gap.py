"""system_gap: a process or tool failure outside the agent's control.

Any speaker: an agent saying "there's no record of your repair request" and a customer saying "my
account doesn't update" both show the gap. Findings feed the people-vs-process split of the score.
"""

from __future__ import annotations

from fixfirst.analyze.artifacts import ConversationArtifacts
from fixfirst.analyze.detector import Detector
from fixfirst.model import Behaviour, Finding


class SystemGap(Detector):
    name = "system_gap"
    version = 1
    labels = frozenset({Behaviour.SYSTEM_GAP.value})
    requires = frozenset({"lexicon", "lexicon:system_gap"})
    speaker = None
    description = "Process or tool failure outside the agent's control (no record, no access, out of sync)."

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        return [
            self.finding(
                Behaviour.SYSTEM_GAP.value,
                0.65,
                turn,
                spans[0],
                "The transcript shows a system or process failure outside the agent's control.",
            )
            for turn in self.speaker_turns(doc)
            if (spans := doc.hits("system_gap", turn))
        ]
