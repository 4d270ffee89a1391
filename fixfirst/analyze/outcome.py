"""The outcome of a contact: the learned model's verdict, with the sentence that decided it.

Why learned: LABELS.md defines the outcome by what the contact *ends* with, and the outcomes overlap in
wording ("please contact us" is a private move after "we'd like to look into this", a hand-off after
"our phone team can help"). A hand-written cascade fitted to the threads it was read on did not hold
on new brands; a model of the final agent turns, the customer's opening and closing words and the
thread's shape, trained on agreement gold from two annotators, does (benchmarks/README.md). The
confidence is the calibrated probability of the verdict; the evidence is the agent sentence whose own
score speaks most for it.
"""

from __future__ import annotations

from fixfirst.analyze.artifacts import ConversationArtifacts
from fixfirst.analyze.learned.features import OUTCOME_SPACE
from fixfirst.analyze.learned.reading import ShippedModels
from fixfirst.model import Evidence, Outcome, OutcomeVerdict

NAME = "outcome.v2"
REQUIRES = frozenset({"sentences", "lexicon", "learned"})

_READABLE = {
    "resolved": "the problem fixed or the question answered",
    "clear_no": "a clear no with the reason",
    "owned_followup": "an agent owning a concrete next step",
    "moved_private": "a move to a private channel",
    "deflected": "the customer sent elsewhere with nobody owning it",
    "unresolved": "no fix, no clear no and no owned next step",
}


def strongest_cues(tokens: tuple[str, ...], models: ShippedModels, label: str, limit: int = 3) -> list[str]:
    """The cue and shape tokens of this contact whose learned weights pushed most toward ``label``."""
    column = models.outcome.classes.index(label)
    block, offset = models.outcome_cue_weights
    weights = {}
    for token in set(tokens):
        weight = float(block[OUTCOME_SPACE.token_column("cues", token) - offset, column])
        if weight > 0:
            weights[token] = weight
    ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [f"{token} ({weight:+.2f})" for token, weight in ranked]


def classify_outcome(doc: ConversationArtifacts, models: ShippedModels) -> OutcomeVerdict:
    """The verdict from ``doc.reading`` (computed once by the engine), with span and explanation."""
    reading = doc.reading
    assert reading is not None, "the engine reads the conversation with the models first"
    label = reading.outcome_label
    confidence = reading.outcome[label]
    located = reading.outcome_evidence
    evidence: tuple[Evidence, ...] = ()
    if located is not None:
        start, end = located.span
        text = doc.turns[located.turn].text
        evidence = (Evidence(turn=located.turn, start=start, end=end, text=text[start:end]),)
    runner_up = sorted(reading.outcome.items(), key=lambda kv: -kv[1])[1]
    cues = strongest_cues(reading.outcome_cues, models, label)
    explanation = (
        f"The contact ends with {_READABLE[label]} (learned model, p={confidence:.2f}; next: "
        f"{runner_up[0]} {runner_up[1]:.2f})."
    )
    if evidence:
        explanation += f" Decisive sentence in turn {evidence[0].turn}."
    if cues:
        explanation += " Strongest cues: " + ", ".join(cues) + "."
    return OutcomeVerdict(
        label=Outcome(label), confidence=round(confidence, 3), evidence=evidence, explanation=explanation
    )
