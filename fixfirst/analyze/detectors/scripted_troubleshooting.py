"""scripted_troubleshooting: checklist steps the customer already tried, or steps that don't fit.

Conversation-level: a generic step ("restart", "clear your cache", a basic troubleshooting
article) is scripted when an earlier customer turn already mentions doing the same kind of step
(with "I've tried / nothing works" for full confidence), or when the step is for a device the
customer is not using (restart your phone for a problem they see on their PC). A fitting step not
yet tried is good troubleshooting and is not flagged.
"""

from __future__ import annotations

from fixfirst.analyze.artifacts import ConversationArtifacts, Span, TurnArtifacts
from fixfirst.analyze.detector import Detector
from fixfirst.model import Behaviour, Finding

#: Step families; a generic step and a customer's account of what they did meet in one family.
STEP_FAMILIES = (
    "step_restart",
    "step_reinstall",
    "step_cache",
    "step_password",
    "step_update",
    "step_connection",
    "step_database",
    "step_licences",
)


class ScriptedTroubleshooting(Detector):
    name = "scripted_troubleshooting"
    version = 1
    labels = frozenset({Behaviour.SCRIPTED_TROUBLESHOOTING.value})
    requires = frozenset(
        {
            "links",
            "lexicon",
            "lexicon:generic_step",
            "lexicon:troubleshooting_link",
            "lexicon:customer_tried",
            "lexicon:device_mobile",
            "lexicon:device_desktop",
            *(f"lexicon:{f}" for f in STEP_FAMILIES),
        }
    )
    description = "Generic checklist steps the customer already tried, or that do not fit their device."

    def _families(self, doc: ConversationArtifacts, phrase: str) -> set[str]:
        lowered = phrase.lower()
        return {f for f in STEP_FAMILIES if doc.lexicon.get(f).regex.search(lowered)}  # type: ignore[union-attr]

    def _wrong_device(self, doc: ConversationArtifacts, turn: TurnArtifacts, span: Span, before) -> bool:
        start, end = doc.segment_of(turn, span[0])
        says_mobile = any(start <= s < end for s, _ in doc.hits("device_mobile", turn))
        customer_mobile = any(doc.has("device_mobile", t) for t in before)
        customer_desktop = any(doc.has("device_desktop", t) for t in before)
        return says_mobile and customer_desktop and not customer_mobile

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        findings = []
        for turn in self.speaker_turns(doc):
            steps = list(doc.hits("generic_step", turn)) + list(doc.hits("troubleshooting_link", turn))
            if not steps:
                continue
            before = [t for t in doc.turns[: turn.index] if t.is_customer]
            tried_any = any(doc.has("customer_tried", t) for t in before)
            done_families = {f for f in STEP_FAMILIES if any(doc.has(f, t) for t in before)}
            for span in sorted(set(steps)):
                phrase = turn.text[span[0] : span[1]]
                families = self._families(doc, phrase)
                if "troubleshoot" in phrase.lower() or "error" in phrase.lower():
                    families |= done_families  # a checklist article covers the usual steps
                repeated = families & done_families
                if repeated and tried_any:
                    confidence, why = 0.85, "the customer already said they did this"
                elif repeated:
                    confidence, why = 0.65, "the customer already mentioned this step"
                elif self._wrong_device(doc, turn, span, before):
                    confidence, why = 0.6, "it is for a device the customer is not using"
                else:
                    continue
                findings.append(
                    self.finding(
                        Behaviour.SCRIPTED_TROUBLESHOOTING.value,
                        confidence,
                        turn,
                        span,
                        f"The agent pushes a generic checklist step; {why}.",
                    )
                )
                break
        return findings
