"""customer_effort: the customer repeats, re-explains, chases or is passed around.

Read from customer turns only ("I already told you", "third time", "still waiting", "as I said");
an agent quoting those words is not customer effort.
"""

from __future__ import annotations

from fixfirst.analyze.artifacts import ConversationArtifacts
from fixfirst.analyze.detector import Detector
from fixfirst.model import Behaviour, Finding, Role


class CustomerEffort(Detector):
    name = "customer_effort"
    version = 1
    labels = frozenset({Behaviour.CUSTOMER_EFFORT.value})
    requires = frozenset({"quotes", "lexicon", "lexicon:repeat_effort"})
    speaker = Role.CUSTOMER
    description = "Customer had to repeat information, chase a previous contact or wait."

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        return [
            self.finding(
                Behaviour.CUSTOMER_EFFORT.value,
                0.75,
                turn,
                spans[0],
                "The customer has to repeat themselves, chase an earlier contact or keep waiting.",
            )
            for turn in self.speaker_turns(doc)
            if (spans := doc.hits("repeat_effort", turn))
        ]
