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


#: The built-ins: one detector per LABELS.md behaviour, described for the registry listing and findings.
DESCRIPTIONS: dict[Behaviour, str] = {
    Behaviour.SCRIPTED_EMPATHY: "Stock apology or sympathy formula that would fit any customer.",
    Behaviour.HOLLOW_APOLOGY: "Apology or sympathy in a contact that ends deflected or unresolved: no help with it.",
    Behaviour.SPECIFIC_ACKNOWLEDGEMENT: "The agent restates details of this customer's case.",
    Behaviour.POLICY_STONEWALL: "Policy or 'not allowed' as the end of the road, with no alternative or escalation.",
    Behaviour.SCRIPTED_TROUBLESHOOTING: "Generic checklist steps the customer already tried, or that do not fit.",
    Behaviour.DEFLECTIVE_TRANSFER: "Hand-off to another team, number, channel or site with nobody owning the result.",
    Behaviour.OWNERSHIP: "First-person commitment to a next step, or a completed action for this customer.",
    Behaviour.PROACTIVE: "Help past the question: prevention, a related warning, a direct line for next time.",
    Behaviour.CUSTOMER_EFFORT: "The customer had to repeat, re-explain, chase, or give what the company should have.",
    Behaviour.SYSTEM_GAP: "A process or tool failure outside the agent's control: no record, out of sync, no access.",
}


def _detector_class(behaviour: Behaviour, description: str) -> type[LearnedBehaviour]:
    name = "".join(part.title() for part in behaviour.value.split("_"))
    return type(name, (LearnedBehaviour,), {"behaviour": behaviour, "description": description, "__module__": __name__})


BUILTIN_BEHAVIOUR_DETECTORS: tuple[type[LearnedBehaviour], ...] = tuple(
    _detector_class(behaviour, description) for behaviour, description in DESCRIPTIONS.items()
)
