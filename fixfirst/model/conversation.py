"""The canonical conversation: every ingest adapter produces it, every later stage reads it.

Frozen pydantic models, so a conversation can be shared by detectors, storage and reports
without anyone changing it underneath the others.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fixfirst.model.text import METADATA_BYTES, NAME_CHARS, checked_id

#: A single turn longer than this is not a support message but junk (a pasted log, a binary blob).
MAX_TURN_CHARS = 100_000
#: More turns than this in one contact is a broken export, not a conversation.
MAX_TURNS = 5_000
#: All turns together: about 170,000 words, some 19 hours of speech. Analysis cost is linear in
#: text, so this caps one record's analysis at a few seconds and a few hundred MiB
#: (benchmarks/README.md, "Scale"); a longer record is rejected with this reason, not truncated.
MAX_CONVERSATION_CHARS = 1_000_000


class Role(StrEnum):
    """Who speaks in a turn. Only agents are scored; bots and system lines are context."""

    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"
    BOT = "bot"


class Turn(BaseModel):
    """One message (chat line, e-mail, tweet, utterance of a call) in a conversation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int = Field(ge=0, description="0-based position in the conversation; spans point here.")
    role: Role
    author: str | None = Field(
        default=None, max_length=NAME_CHARS, description="Agent id, customer handle or bot name."
    )
    text: str = Field(max_length=MAX_TURN_CHARS)
    ts: datetime | None = None
    public: bool = Field(default=True, description="False for internal notes (e.g. Zendesk private comments).")


class Conversation(BaseModel):
    """One contact between a customer and the company's agents, on one channel."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=200)
    channel: str = Field(default="unknown", min_length=1, max_length=50)
    company: str | None = Field(
        default=None, max_length=NAME_CHARS, description="Brand or company the contact belongs to."
    )
    started_at: datetime | None = None
    customer_id: str | None = Field(default=None, max_length=NAME_CHARS)
    agent_ids: tuple[Annotated[str, Field(max_length=NAME_CHARS)], ...] = Field(default=(), max_length=100)
    team: str | None = Field(default=None, max_length=NAME_CHARS)
    turns: tuple[Turn, ...] = Field(min_length=1, max_length=MAX_TURNS)
    metadata: dict[str, Any] = Field(default_factory=dict)

    _id = field_validator("id")(checked_id)

    @field_validator("turns")
    @classmethod
    def _indices_follow_positions(cls, turns: tuple[Turn, ...]) -> tuple[Turn, ...]:
        for position, turn in enumerate(turns):
            if turn.index != position:
                raise ValueError(f"turn at position {position} has index {turn.index}; indices must be 0..n-1")
        return turns

    @model_validator(mode="after")
    def _has_text(self) -> Conversation:
        if not any(t.text.strip() for t in self.turns):
            raise ValueError("conversation has no text in any turn")
        size = len(json.dumps(self.metadata, default=str, ensure_ascii=False).encode("utf-8", "surrogatepass"))
        if size > METADATA_BYTES:
            raise ValueError(f"metadata is {size:,} bytes as JSON, over the {METADATA_BYTES:,}-byte limit")
        total = sum(len(t.text) for t in self.turns)
        if total > MAX_CONVERSATION_CHARS:
            raise ValueError(
                f"conversation has {total:,} characters of text; the limit is {MAX_CONVERSATION_CHARS:,} per record"
                " (split the export into contacts)"
            )
        return self

    def customer_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.role is Role.CUSTOMER]

    def agent_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.role is Role.AGENT]

    def content_hash(self) -> str:
        """A digest of what was said, used to tell a re-ingest of the same contact from an update."""
        digest = hashlib.sha256()
        for turn in self.turns:
            digest.update(f"{turn.role}\x1f{turn.author or ''}\x1f{turn.text}\x1e".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()


def stable_id(prefix: str, *parts: object) -> str:
    """A deterministic id from source fields, so re-ingesting the same record never duplicates it."""
    digest = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode()).hexdigest()
    return f"{prefix}-{digest[:20]}"
