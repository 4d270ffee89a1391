"""Build small conversations for tests from ("c" | "a", text) pairs, and run one detector on them."""

from __future__ import annotations

from fixfirst.analyze import default_registry, load_lexicon, read_document
from fixfirst.model import Conversation, Finding, Role, Turn

ROLES = {"c": Role.CUSTOMER, "a": Role.AGENT, "s": Role.SYSTEM}


def conversation(*turns: tuple[str, str], conversation_id: str = "t-1") -> Conversation:
    return Conversation(
        id=conversation_id,
        turns=tuple(Turn(index=i, role=ROLES[who], text=text) for i, (who, text) in enumerate(turns)),
    )


def run_detector(name: str, *turns: tuple[str, str]) -> list[Finding]:
    doc = read_document(conversation(*turns), load_lexicon())
    return default_registry().create(name).detect(doc)


def spans(findings: list[Finding]) -> list[tuple[int, str]]:
    return [(f.turn, f.text) for f in findings]
