"""deflective_transfer: the customer is handed to another team, number, form or site and dropped.

Conversation-level: a pointer elsewhere is only deflective when it is where the contact ends with
nobody owning the result (outcome ``deflected``). A conditional fallback after real help ("if that
doesn't work, chat with us") or a warm hand-off with an owner is not.
"""

from __future__ import annotations

from fixfirst.analyze.artifacts import ConversationArtifacts
from fixfirst.analyze.detector import Detector
from fixfirst.model import Behaviour, Finding, Outcome


class DeflectiveTransfer(Detector):
    name = "deflective_transfer"
    version = 1
    labels = frozenset({Behaviour.DEFLECTIVE_TRANSFER.value})
    requires = frozenset({"outcome"})
    description = "Hand-off to another team/number/channel/site with no owner; the contact ends there."

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        if doc.outcome is None or doc.outcome.label is not Outcome.DEFLECTED:
            return []
        findings = []
        seen = set()
        for evidence in doc.outcome.evidence:
            turn = doc.turns[evidence.turn]
            if not turn.is_agent or (evidence.turn, evidence.start) in seen:
                continue
            seen.add((evidence.turn, evidence.start))
            findings.append(
                self.finding(
                    Behaviour.DEFLECTIVE_TRANSFER.value,
                    doc.outcome.confidence,
                    turn,
                    (evidence.start, evidence.end),
                    "The agent sends the customer elsewhere and nobody owns the result.",
                )
            )
        return findings
