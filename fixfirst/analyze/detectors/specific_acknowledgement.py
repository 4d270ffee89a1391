"""specific_acknowledgement: the agent shows it read this customer's case.

Measured by overlap: an agent sentence that reuses several of the customer's own content words
(device, feature, error, what they tried - stopwords and support boilerplate excluded), or that
refers back explicitly ("since you mentioned...", "thanks for your screenshot"). A template that
fits any customer shares no such words.
"""

from __future__ import annotations

from fixfirst.analyze.artifacts import ConversationArtifacts, content_stems
from fixfirst.analyze.detector import Detector
from fixfirst.model import Behaviour, Finding

#: Distinct customer content words an agent sentence must reuse to count as specific.
MIN_SHARED_WORDS = 3


class SpecificAcknowledgement(Detector):
    name = "specific_acknowledgement"
    version = 1
    labels = frozenset({Behaviour.SPECIFIC_ACKNOWLEDGEMENT.value})
    requires = frozenset(
        {"sentences", "tokens", "lexicon", "lexicon:specific_reference", "lexicon:generic_words"}
    )
    description = "Agent restates specific details of this customer's case."

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        stop = doc.lexicon.get("generic_words").words
        findings = []
        for turn in self.speaker_turns(doc):
            asked = doc.customer_tokens_before(turn.index)
            if not asked:
                continue
            best: tuple[int, tuple[int, int]] | None = None
            for start, end in turn.sentences:
                if any(s <= start < e for s, e in turn.links) and end - start < 200:
                    continue
                words = content_stems(turn.text[start:end], stop)
                shared = len(words & asked)
                if shared >= MIN_SHARED_WORDS and (best is None or shared > best[0]):
                    best = (shared, (start, end))
            cue = doc.hits("specific_reference", turn)
            if best is not None:
                findings.append(
                    self.finding(
                        Behaviour.SPECIFIC_ACKNOWLEDGEMENT.value,
                        min(0.5 + 0.1 * best[0], 0.95),
                        turn,
                        best[1],
                        f"The agent reuses {best[0]} specific words from the customer's own description.",
                    )
                )
            elif cue:
                findings.append(
                    self.finding(
                        Behaviour.SPECIFIC_ACKNOWLEDGEMENT.value,
                        0.6,
                        turn,
                        cue[0],
                        "The agent refers back to what this customer said or sent.",
                    )
                )
        return findings
