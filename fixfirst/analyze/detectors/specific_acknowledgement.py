"""specific_acknowledgement: the agent shows it read this customer's case.

Measured by overlap: an agent sentence that reuses at least two of the customer's own specific
details - content words (device, feature, error, what they tried; stopwords and support boilerplate
excluded) or numbers and codes (an order number, "1903", "0x50000006") - or that refers back
explicitly ("since you mentioned...", "thanks for your screenshot"). A template that fits any
customer shares no such words.

Two things are not engagement with the case and are left out of the comparison, because in
LABELS.md terms they are "a template that would fit any customer":
- the brand's own name (words inside the conversation's @handles or the agents' names: "eBay",
  "YouTube" appear in every thread of that brand);
- pointer sentences ("You can find all our numbers here: <link>", "More info below"): they hand
  over a page and restate the topic only to introduce it.
"""

from __future__ import annotations

import re

from fixfirst.analyze.artifacts import ConversationArtifacts, TurnArtifacts, content_stems
from fixfirst.analyze.detector import Detector
from fixfirst.model import Behaviour, Finding

#: Distinct customer details (content words or numbers) an agent sentence must reuse to count as specific.
MIN_SHARED_WORDS = 2
#: ... or fewer when the sentence restates the situation in so many words ("I understand you were ...").
MIN_SHARED_WORDS_FRAMED = 1

_HANDLE = re.compile(r"[@#](\w+)")
_URL = re.compile(r"https?\s?:\s?//\S+|\bwww\.\S+", re.IGNORECASE)
#: Numbers and codes: a token of letters/digits/dashes holding a digit, not part of a URL or a handle.
_CODE = re.compile(r"(?<![\w/.@#])(?=[a-z0-9-]*\d)[a-z0-9][a-z0-9-]+(?![\w/])")
#: "Have you tried ...?" is a suggestion, not a reference back to what the customer said.
_SUGGESTION_BEFORE = re.compile(r"(?:have|did|could|can|would)\s+$", re.IGNORECASE)


def codes(text: str) -> frozenset[str]:
    """Numbers and codes in ``text`` (URLs removed): order numbers, versions, error codes, dates."""
    return frozenset(_CODE.findall(_URL.sub(" ", text.lower())))


def brand_words(doc: ConversationArtifacts) -> frozenset[str]:
    """Lower-cased handles and agent names of this thread: words inside them name the brand, not the case."""
    names = {h.lower() for t in doc.turns for h in _HANDLE.findall(t.text)}
    names |= {t.author.lower() for t in doc.conversation.turns if t.author and t.role.value == "agent"}
    if doc.conversation.company:
        names.add(doc.conversation.company.lower())
    return frozenset(names)


class SpecificAcknowledgement(Detector):
    name = "specific_acknowledgement"
    version = 2
    labels = frozenset({Behaviour.SPECIFIC_ACKNOWLEDGEMENT.value})
    requires = frozenset(
        {
            "sentences",
            "links",
            "tokens",
            "lexicon",
            "lexicon:specific_reference",
            "lexicon:generic_words",
            "lexicon:link_pointer",
            "lexicon:acknowledgement_frame",
        }
    )
    description = "Agent restates specific details of this customer's case."

    def _customer_details(self, doc: ConversationArtifacts, turn: TurnArtifacts, brand: frozenset[str]):
        # One C-level substring test per word instead of a Python loop over every brand name: the
        # names are joined by a newline, which no stem contains, so a hit lies inside one name.
        joined = "\n".join(brand)
        words = {w for w in doc.customer_tokens_before(turn.index) if w not in joined}
        numbers: set[str] = set()
        for earlier in doc.turns[: turn.index]:
            # ``map(str.isdigit, ...)`` runs the same per-character test in C (no generator frame per char).
            if earlier.is_customer and any(map(str.isdigit, earlier.text)):
                numbers |= codes(earlier.text)
        return frozenset(words), frozenset(numbers)

    def _is_pointer(self, doc: ConversationArtifacts, turn: TurnArtifacts, start: int, end: int) -> bool:
        """A sentence that hands over a page (contains a link, or "here"/"below")."""
        if any(start <= s < end for s, _ in turn.links):
            return True
        return any(start <= s < end for s, _ in doc.hits("link_pointer", turn))

    def _references(self, doc: ConversationArtifacts, turn: TurnArtifacts):
        return [
            (s, e)
            for s, e in doc.hits("specific_reference", turn)
            if not _SUGGESTION_BEFORE.search(turn.text[max(0, s - 8) : s])
        ]

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        stop = doc.lexicon.get("generic_words").words
        brand = brand_words(doc)
        findings = []
        for turn in self.speaker_turns(doc):
            words, numbers = self._customer_details(doc, turn, brand)
            if not words and not numbers:
                continue
            frames = [s for s, _ in doc.hits("acknowledgement_frame", turn)]
            best: tuple[int, tuple[int, int]] | None = None
            for start, end in turn.sentences:
                if self._is_pointer(doc, turn, start, end):
                    continue
                sentence = turn.text[start:end]
                shared = len(content_stems(sentence, stop) & words)
                if numbers:
                    shared += len(codes(sentence) & numbers)
                framed = any(start <= f < end for f in frames)
                needed = MIN_SHARED_WORDS_FRAMED if framed else MIN_SHARED_WORDS
                if shared >= needed and (best is None or shared > best[0]):
                    best = (shared, (start, end))
            cue = self._references(doc, turn)
            if best is not None:
                findings.append(
                    self.finding(
                        Behaviour.SPECIFIC_ACKNOWLEDGEMENT.value,
                        min(0.5 + 0.1 * best[0], 0.95),
                        turn,
                        best[1],
                        f"The agent restates {best[0]} specific details from the customer's own description.",
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
