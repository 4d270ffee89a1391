"""policy_stonewall: policy or "unable to" as the end of the road - no alternative, no escalation.

Scope-aware: "I can't refund it, but I've credited you" offers an alternative in the same turn, so
it is a good clear_no, not a stonewall. A policy mention that is not a refusal ("according to our
policy you can request a refund") is an answer, not a wall.
"""

from __future__ import annotations

from fixfirst.analyze.artifacts import ConversationArtifacts
from fixfirst.analyze.detector import Detector
from fixfirst.analyze.outcome import is_conditional
from fixfirst.model import Behaviour, Finding, Outcome

#: Outcomes where a "no" was followed by a real path forward anyway.
HELPED = frozenset({Outcome.RESOLVED, Outcome.OWNED_FOLLOWUP, Outcome.MOVED_PRIVATE})


class PolicyStonewall(Detector):
    name = "policy_stonewall"
    version = 1
    labels = frozenset({Behaviour.POLICY_STONEWALL.value})
    requires = frozenset(
        {
            "outcome",
            "negation",
            "lexicon",
            "lexicon:capability_no",
            "lexicon:policy_reason",
            "lexicon:alternative",
            "lexicon:other_team",
        }
    )
    description = (
        "Policy, rules or 'unable to' given as the end of the road, with no alternative or escalation."
    )

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        if doc.outcome is not None and doc.outcome.label in HELPED:
            return []
        turns = self.speaker_turns(doc)
        findings = []
        for position, turn in enumerate(turns):
            later = turns[position:]
            if any(doc.has("alternative", t) or doc.has("other_team", t) for t in later):
                continue
            walls = list(doc.hits("capability_no", turn))
            for span in doc.hits("policy_reason", turn):
                phrase = turn.text[span[0] : span[1]].lower()
                if doc.negated(turn, span[0]) or any(
                    w in phrase for w in ("not", "unable", "prohibit", "won't")
                ):
                    walls.append(span)
            walls = [s for s in walls if not is_conditional(doc, turn, s[0])]
            if walls:
                span = min(walls, key=lambda s: (s[0], -s[1]))
                findings.append(
                    self.finding(
                        Behaviour.POLICY_STONEWALL.value,
                        0.7,
                        turn,
                        span,
                        "The agent gives a policy or inability as the final word, with no alternative or "
                        "escalation.",
                    )
                )
        return findings
