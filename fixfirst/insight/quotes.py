"""A quoted span of a conversation: the evidence every insight carries back to the words."""

from __future__ import annotations

from pydantic import Field, model_validator

from fixfirst.insight.views import ConversationLike
from fixfirst.model.frozen import frozen_record


@frozen_record
class Quote:
    """Words from one turn of one conversation: [start, end) of that turn's canonical text."""

    conversation_id: str
    turn: int = Field(ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    author: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Quote:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before start {self.start}")
        return self


def quote(conversation: ConversationLike, turn: int, start: int, end: int) -> Quote | None:
    """Quote the span from the conversation itself (never trusting a copied text); None if out of range."""
    turns = conversation.turns
    if not 0 <= turn < len(turns):
        return None
    source = turns[turn]
    start, end = max(0, min(start, len(source.text))), max(0, min(end, len(source.text)))
    if end <= start:
        start, end = 0, len(source.text)
    return Quote(
        conversation_id=conversation.id,
        turn=turn,
        start=start,
        end=end,
        text=source.text[start:end],
        author=source.author,
    )
