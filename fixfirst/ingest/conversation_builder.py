"""Turning a loosely-typed record (a parsed JSON line, grouped CSV rows) into a Conversation.

Every adapter ends here, so role names, derived customer/agent ids, turn indices and the
"why was this rejected" wording are the same whatever the source format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from fixfirst.ingest.reject import summarise_validation_error
from fixfirst.model import Conversation, Role, Turn
from fixfirst.model.text import clean_record

#: Spellings of speaker roles seen in real exports, mapped to the canonical Role.
ROLE_SYNONYMS: dict[str, Role] = {
    "customer": Role.CUSTOMER,
    "client": Role.CUSTOMER,
    "user": Role.CUSTOMER,
    "end-user": Role.CUSTOMER,
    "end_user": Role.CUSTOMER,
    "enduser": Role.CUSTOMER,
    "requester": Role.CUSTOMER,
    "caller": Role.CUSTOMER,
    "visitor": Role.CUSTOMER,
    "consumer": Role.CUSTOMER,
    "agent": Role.AGENT,
    "support": Role.AGENT,
    "rep": Role.AGENT,
    "representative": Role.AGENT,
    "advisor": Role.AGENT,
    "staff": Role.AGENT,
    "operator": Role.AGENT,
    "admin": Role.AGENT,
    "brand": Role.AGENT,
    "bot": Role.BOT,
    "chatbot": Role.BOT,
    "assistant": Role.BOT,
    "virtual_agent": Role.BOT,
    "system": Role.SYSTEM,
    "note": Role.SYSTEM,
}

CONVERSATION_KEYS = frozenset(Conversation.model_fields)
_TURN_KEYS = frozenset({"role", "author", "text", "ts", "public", "index"})


class RecordError(ValueError):
    """A record that cannot become a Conversation; the message is the reject reason."""


def parse_role(value: object, extra: Mapping[str, Role] | None = None) -> Role:
    """The canonical role for a raw speaker value; RecordError naming the value when unknown."""
    key = str(value).strip().lower() if value is not None else ""
    if extra and key in extra:
        return extra[key]
    if key in ROLE_SYNONYMS:
        return ROLE_SYNONYMS[key]
    raise RecordError(f"unknown role {str(value)[:40]!r} (expected customer, agent, bot or system)")


def build_turns(
    raw_turns: Iterable[Mapping[str, Any]], role_map: Mapping[str, Role] | None = None
) -> list[Turn]:
    """Turns with index = position; unknown keys are ignored so richer exports still load."""
    turns: list[Turn] = []
    for position, raw in enumerate(raw_turns):
        if not isinstance(raw, Mapping):
            raise RecordError(f"turns.{position}: expected an object, got {type(raw).__name__}")
        try:
            role = parse_role(raw.get("role"), role_map)
        except RecordError as error:
            raise RecordError(f"turns.{position}: {error}") from None
        text = raw.get("text")
        if text is None:
            raise RecordError(f"turns.{position}.text: missing")
        if not isinstance(text, str):
            raise RecordError(f"turns.{position}.text: expected a string, got {type(text).__name__}")
        author = raw.get("author")
        fields: dict[str, Any] = {
            "index": position,
            "role": role,
            "author": None if author in (None, "") else str(author),
            "text": text,
            "ts": raw.get("ts") or None,
        }
        if "public" in raw and raw["public"] is not None:
            fields["public"] = raw["public"]
        try:
            turns.append(Turn.model_validate(fields))
        except ValidationError as error:
            raise RecordError(f"turns.{position}.{summarise_validation_error(error)}") from None
    return turns


def derive_participants(turns: Iterable[Turn]) -> tuple[str | None, tuple[str, ...]]:
    """customer_id = first customer author; agent_ids = agent authors in order of first turn."""
    customer: str | None = None
    agents: dict[str, None] = {}
    for turn in turns:
        if turn.author is None:
            continue
        if turn.role is Role.CUSTOMER and customer is None:
            customer = turn.author
        elif turn.role is Role.AGENT:
            agents.setdefault(turn.author, None)
    return customer, tuple(agents)


def build_conversation(record: Mapping[str, Any], notes: Iterable[str] = ()) -> Conversation:
    """A validated Conversation from a FixFirst-shaped mapping.

    Unknown top-level keys are kept in metadata rather than refused, so a richer export loads.
    Raises RecordError or pydantic.ValidationError; callers turn either into a Reject.
    """
    record = clean_record(dict(record))
    raw_turns = record.get("turns")
    if raw_turns is None:
        raise RecordError("turns: missing")
    if not isinstance(raw_turns, list):
        raise RecordError(f"turns: expected a list, got {type(raw_turns).__name__}")
    if not raw_turns:
        raise RecordError("turns: empty conversation (no turns)")
    turns = build_turns(raw_turns)
    metadata = dict(record.get("metadata") or {})
    for key, value in record.items():
        if key not in CONVERSATION_KEYS:
            metadata[key] = value
    notes = list(notes)
    if notes:
        metadata["ingest_notes"] = [*metadata.get("ingest_notes", []), *notes]
    customer, agents = derive_participants(turns)
    fields = {key: record[key] for key in CONVERSATION_KEYS if key in record and record[key] is not None}
    fields.pop("turns", None)
    fields["turns"] = tuple(turns)
    fields["metadata"] = metadata
    fields.setdefault("customer_id", customer)
    if not fields.get("agent_ids"):
        fields["agent_ids"] = agents
    if fields.get("started_at") is None:
        fields["started_at"] = next((t.ts for t in turns if t.ts is not None), None)
    if "id" in fields and not isinstance(fields["id"], str):
        if not isinstance(fields["id"], int) or isinstance(fields["id"], bool):
            raise RecordError(f"id: expected a string or an integer, got {type(fields['id']).__name__}")
        fields["id"] = str(fields["id"])
    return Conversation.model_validate(fields)
