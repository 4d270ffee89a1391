"""scripted_troubleshooting: checklist steps the customer already tried, or steps that don't fit.

Conversation-level, from LABELS.md: a generic step ("restart", "clear your cache", a basic
troubleshooting article) is scripted when
- an earlier customer turn already mentions doing the same kind of step (with "I've tried /
  nothing works" for full confidence), or says they already did everything / nothing works;
- or the step does not fit the problem described: it is for a device the customer is not using
  (restart your phone for a problem they see on their PC), or it is a device step (restart,
  reinstall, cache, update, connection) for an account, money, order or decision problem
  (suspended channel, refund, missing delivery) or for a deliberate product change ("why did you
  remove ..."), where the customer reports no malfunction.
A fitting step not yet tried is good troubleshooting and is not flagged.
"""

from __future__ import annotations

import re

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
    "step_browser",
    "step_recovery",
)
#: Families a customer names when asking for them ("help me recover my account"): mentioning one is not
#: having done it, so it counts as repeated only when the customer also says they tried or it failed.
ASKED_FOR_FAMILIES = frozenset({"step_recovery"})
#: A checklist article or phrase ("basic troubleshooting", "connection troubleshooting") rather than one step.
_CHECKLIST = re.compile(r"(?:basic|connection|some)[ -]troubleshoot", re.IGNORECASE)
#: Words right before a step mention that make it an acknowledgement or the agent's own work, not a push.
_NOT_A_PUSH = re.compile(r"(?:after|despite|since you|you've|you have|continue|further)\s+$", re.IGNORECASE)
#: Families of steps that act on a device or app; they cannot fix an account, money or order problem.
DEVICE_FAMILIES = frozenset(
    {"step_restart", "step_reinstall", "step_cache", "step_update", "step_connection", "step_database"}
)


class ScriptedTroubleshooting(Detector):
    name = "scripted_troubleshooting"
    version = 2
    labels = frozenset({Behaviour.SCRIPTED_TROUBLESHOOTING.value})
    requires = frozenset(
        {
            "links",
            "lexicon",
            "lexicon:generic_step",
            "lexicon:troubleshooting_link",
            "lexicon:customer_tried",
            "lexicon:tried_everything",
            "lexicon:problem_account",
            "lexicon:problem_device",
            "lexicon:connection_fine",
            "lexicon:problem_product_change",
            "lexicon:device_mobile",
            "lexicon:device_desktop",
            *(f"lexicon:{f}" for f in STEP_FAMILIES),
        }
    )
    description = "Generic checklist steps the customer already tried, or that do not fit their device."

    def _families(self, doc: ConversationArtifacts, phrase: str) -> set[str]:
        lowered = phrase.lower()
        return {f for f in STEP_FAMILIES if doc.lexicon.get(f).regex.search(lowered)}  # type: ignore[union-attr]

    @staticmethod
    def _noun_use(turn: TurnArtifacts, span: Span) -> bool:
        """Mentions that push no step: "the restart of eBay India" (an event), "even after reinstalling"
        (acknowledging what the customer did), "continue troubleshooting this" (the agent's own work)."""
        before = turn.text[max(0, span[0] - 12) : span[0]].lower()
        if before.endswith("the ") and turn.text[span[1] : span[1] + 4].lower() == " of ":
            return True
        return _NOT_A_PUSH.search(before) is not None

    def _wrong_device(self, doc: ConversationArtifacts, turn: TurnArtifacts, span: Span, before) -> bool:
        start, end = doc.segment_of(turn, span[0])
        says_mobile = any(start <= s < end for s, _ in doc.hits("device_mobile", turn))
        customer_mobile = any(doc.has("device_mobile", t) for t in before)
        customer_desktop = any(doc.has("device_desktop", t) for t in before)
        return says_mobile and customer_desktop and not customer_mobile

    def _misfit_problem(self, doc: ConversationArtifacts, families: set[str], before) -> bool:
        """A device step for an account/money/order problem with no malfunction reported."""
        if not families or not families <= DEVICE_FAMILIES:
            return False
        account = any(doc.has("problem_account", t) or doc.has("problem_product_change", t) for t in before)
        device = any(doc.has("problem_device", t) for t in before)
        return account and not device

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        findings = []
        for turn in self.speaker_turns(doc):
            links = set(doc.hits("troubleshooting_link", turn))
            steps = list(doc.hits("generic_step", turn)) + list(links)
            if not steps:
                continue
            before = [t for t in doc.turns[: turn.index] if t.is_customer]
            tried_any = any(doc.has("customer_tried", t) for t in before)
            tried_all = any(doc.has("tried_everything", t) for t in before)
            done_families = {f for f in STEP_FAMILIES if any(doc.has(f, t) for t in before)}
            ruled_out = any(doc.has("connection_fine", t) for t in before)
            if ruled_out:
                done_families.add("step_connection")
            for span in sorted(set(steps)):
                phrase = turn.text[span[0] : span[1]]
                families = self._families(doc, phrase)
                if self._noun_use(turn, span):
                    continue
                if _CHECKLIST.search(phrase) or (span in links and "troubleshoot" in phrase.lower()):
                    families |= DEVICE_FAMILIES  # a basic/connection checklist covers the usual device steps
                elif "troubleshoot" in phrase.lower() or "error" in phrase.lower():
                    families |= done_families  # "troubleshooting" in prose covers what the customer did
                repeated = families & done_families
                if not tried_any:
                    repeated -= ASKED_FOR_FAMILIES
                if repeated and (tried_any or ruled_out):
                    confidence, why = 0.85, "the customer already said they did this"
                elif repeated:
                    confidence, why = 0.65, "the customer already mentioned this step"
                elif tried_all:
                    confidence, why = 0.75, "the customer already said they tried everything"
                elif self._wrong_device(doc, turn, span, before):
                    confidence, why = 0.6, "it is for a device the customer is not using"
                elif self._misfit_problem(doc, families, before):
                    confidence, why = 0.55, "a device step cannot fix the account or order problem described"
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
