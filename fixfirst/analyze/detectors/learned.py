"""The ten LABELS.md behaviours as detectors over the learned turn models.

Why one detector per behaviour, all reading one model family: the registry, the pipeline check and
``check_detector`` treat them like any customer's own detector, while the work (hashing every turn
once, one sparse product per behaviour) is done once per conversation in ``doc.reading``. A finding
points at the sentence of the flagged turn that the behaviour's own model scores highest; its
confidence is that turn's probability.
"""

from __future__ import annotations

from typing import ClassVar

from fixfirst.analyze.artifacts import ConversationArtifacts
from fixfirst.analyze.detector import Detector
from fixfirst.analyze.learned.reading import BEHAVIOUR_SPEAKERS
from fixfirst.model import Behaviour, Finding


class LearnedBehaviour(Detector):
    """Base class: subclasses set ``behaviour`` and ``description``; ``speaker`` follows LABELS.md."""

    behaviour: ClassVar[Behaviour]
    version = 2
    requires = frozenset({"sentences", "lexicon", "learned"})

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = cls.behaviour.value
        cls.labels = frozenset({cls.behaviour.value})
        cls.speaker = BEHAVIOUR_SPEAKERS[cls.behaviour.value]

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        reading = doc.reading
        if reading is None:
            return []
        found = reading.behaviours[self.name]
        if not found.present:
            return []
        findings = []
        for located in found.evidence:
            turn = doc.turns[located.turn]
            probability = located.probability
            findings.append(
                self.finding(
                    self.name,
                    probability,
                    turn,
                    located.span,
                    f"{self.description} Learned turn model: p={probability:.2f} "
                    f"(threshold {found.threshold:.2f}); this sentence scores highest in the turn.",
                )
            )
        return findings


class ScriptedEmpathy(LearnedBehaviour):
    behaviour = Behaviour.SCRIPTED_EMPATHY
    description = "Stock apology or sympathy formula that would fit any customer."


class HollowApology(LearnedBehaviour):
    behaviour = Behaviour.HOLLOW_APOLOGY
    description = "Apology or sympathy in a contact that ends deflected or unresolved: sympathy instead of help."


class SpecificAcknowledgement(LearnedBehaviour):
    behaviour = Behaviour.SPECIFIC_ACKNOWLEDGEMENT
    description = "The agent restates details of this customer's case."


class PolicyStonewall(LearnedBehaviour):
    behaviour = Behaviour.POLICY_STONEWALL
    description = "Policy or 'not allowed' as the end of the road, with no alternative or escalation."


class ScriptedTroubleshooting(LearnedBehaviour):
    behaviour = Behaviour.SCRIPTED_TROUBLESHOOTING
    description = "Generic checklist steps the customer already tried, or that do not fit the problem."


class DeflectiveTransfer(LearnedBehaviour):
    behaviour = Behaviour.DEFLECTIVE_TRANSFER
    description = "Hand-off to another team, number, channel or site with nobody owning the result."


class Ownership(LearnedBehaviour):
    behaviour = Behaviour.OWNERSHIP
    description = "First-person commitment to a next step, or a completed action for this customer."


class Proactive(LearnedBehaviour):
    behaviour = Behaviour.PROACTIVE
    description = "Help past the question: prevention, a related warning, a direct line for next time."


class CustomerEffort(LearnedBehaviour):
    behaviour = Behaviour.CUSTOMER_EFFORT
    description = "The customer had to repeat, re-explain, chase, or give what the company should have."


class SystemGap(LearnedBehaviour):
    behaviour = Behaviour.SYSTEM_GAP
    description = "A process or tool failure outside the agent's control: no record, out of sync, no access."


BUILTIN_BEHAVIOUR_DETECTORS: tuple[type[LearnedBehaviour], ...] = (
    ScriptedEmpathy,
    HollowApology,
    SpecificAcknowledgement,
    PolicyStonewall,
    ScriptedTroubleshooting,
    DeflectiveTransfer,
    Ownership,
    Proactive,
    CustomerEffort,
    SystemGap,
)
