"""Adapter: Zendesk Support tickets with their comments -> one Conversation per ticket.

Accepted shapes (the fields are the Zendesk API's own):

- a JSON document as the API / a paginated dump writes it:
  ``{"tickets": [...], "users": [...], "groups": [...], "next_page": ..., "count": ...}``
  (``users``/``groups`` side-loads are optional);
- JSONL, one ticket per line, as the full JSON export writes it; a line that is a side-load
  ``{"users": [...]}`` or ``{"groups": [...]}`` applies to the tickets after it.

Each ticket needs ``id``; it should carry ``comments`` (``id, author_id, body / plain_body,
public, created_at``). Without comments its ``description`` becomes one customer turn.

Who is who: with a ``users`` side-load, role ``end-user`` is the customer and ``agent``/``admin``
are agents; without it the requester is the customer and any other author an agent; author
``-1`` (Zendesk's system user) is ``system``. ``public: false`` comments are internal notes
(``Turn.public=False``). ``team`` is the group name (side-load) or the group id. The id is
``zendesk-<ticket id>``, stable across re-reads.

The JSON document form is parsed whole (API pages are small); a file above 256 MiB is refused
with a hint to use the JSONL export, which streams.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fixfirst.errors import InputError
from fixfirst.ingest.conversation_builder import RecordError, derive_participants
from fixfirst.ingest.json_lines import iter_json_lines
from fixfirst.ingest.reject import Reject, summarise_validation_error
from fixfirst.ingest.source_lines import DEFAULT_MAX_LINE_BYTES, open_binary, read_head
from fixfirst.model import Conversation, Role, Turn

NAME = "zendesk"
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
_TICKET_HINTS = ("requester_id", "comments")
_SYSTEM_AUTHOR = "-1"
_USER_ROLES = {"end-user": Role.CUSTOMER, "agent": Role.AGENT, "admin": Role.AGENT}


def _first_line_object(head: str) -> tuple[dict[str, Any] | None, bool]:
    """(first JSON object line, True when the file starts with `{` but that line is not JSON)."""
    for line in head.splitlines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            return None, line.lstrip().startswith("{")
        return (value if isinstance(value, dict) else None), False
    return None, False


def _is_document(path: str | Path) -> bool:
    head = read_head(path)
    first, pretty = _first_line_object(head)
    return (first is not None and isinstance(first.get("tickets"), list)) or (pretty and '"tickets"' in head)


def sniff(path: str | Path) -> bool:
    """A {"tickets": [...]} document, or JSONL whose first object looks like a ticket or side-load."""
    head = read_head(path)
    first, pretty = _first_line_object(head)
    if pretty:
        return '"tickets"' in head
    if first is None:
        return False
    if isinstance(first.get("tickets"), list) or set(first) <= {"users", "groups"} and first:
        return True
    return "turns" not in first and "id" in first and any(k in first for k in _TICKET_HINTS)


class _Directory:
    """Side-loaded users and groups, so roles and team names can be looked up by id."""

    def __init__(self) -> None:
        self.roles: dict[str, Role] = {}
        self.groups: dict[str, str] = {}

    def add(self, record: Mapping[str, Any]) -> None:
        for user in record.get("users") or ():
            if isinstance(user, Mapping) and user.get("id") is not None:
                role = _USER_ROLES.get(str(user.get("role", "")).lower())
                if role is not None:
                    self.roles[str(user["id"])] = role
        for group in record.get("groups") or ():
            if isinstance(group, Mapping) and group.get("id") is not None and group.get("name"):
                self.groups[str(group["id"])] = str(group["name"])


def _text_of(comment: Mapping[str, Any]) -> str:
    for key in ("plain_body", "body", "html_body", "value"):
        value = comment.get(key)
        if isinstance(value, str):
            return value
    raise RecordError(f"comment {comment.get('id')}: no body or plain_body")


def ticket_to_conversation(ticket: Mapping[str, Any], directory: _Directory | None = None) -> Conversation:
    """A Conversation from one Zendesk ticket; RecordError / ValidationError say what is wrong."""
    directory = directory or _Directory()
    if ticket.get("id") in (None, ""):
        raise RecordError("id: missing ticket id")
    requester = None if ticket.get("requester_id") is None else str(ticket["requester_id"])
    comments = ticket.get("comments")
    if comments is None:
        description = ticket.get("description")
        if not isinstance(description, str) or not description.strip():
            raise RecordError("ticket has neither comments nor a description")
        comments = [
            {
                "author_id": requester,
                "body": description,
                "public": True,
                "created_at": ticket.get("created_at"),
            }
        ]
    if not isinstance(comments, list):
        raise RecordError(f"comments: expected a list, got {type(comments).__name__}")
    if not comments:
        raise RecordError("comments: empty ticket (no comments)")
    turns: list[Turn] = []
    for position, comment in enumerate(comments):
        if not isinstance(comment, Mapping):
            raise RecordError(f"comments.{position}: expected an object")
        author = None if comment.get("author_id") is None else str(comment["author_id"])
        if author == _SYSTEM_AUTHOR or author is None:
            role = Role.SYSTEM
        elif author in directory.roles:
            role = directory.roles[author]
        else:
            role = Role.CUSTOMER if author == requester else Role.AGENT
        try:
            turns.append(
                Turn(
                    index=position,
                    role=role,
                    author=author,
                    text=_text_of(comment),
                    ts=comment.get("created_at") or None,
                    public=bool(comment.get("public", True)),
                )
            )
        except ValidationError as error:
            raise RecordError(f"comments.{position}.{summarise_validation_error(error)}") from None
    customer, agents = derive_participants(turns)
    if not agents and ticket.get("assignee_id") is not None:
        agents = (str(ticket["assignee_id"]),)
    via = ticket.get("via") if isinstance(ticket.get("via"), Mapping) else {}
    group = None if ticket.get("group_id") is None else str(ticket["group_id"])
    metadata = {
        key: ticket[key]
        for key in (
            "subject",
            "status",
            "priority",
            "type",
            "tags",
            "satisfaction_rating",
            "assignee_id",
            "brand_id",
        )
        if ticket.get(key) not in (None, "", [])
    }
    metadata["source"] = "zendesk"
    metadata["zendesk_ticket_id"] = ticket["id"]
    return Conversation(
        id=f"zendesk-{ticket['id']}",
        channel=str(via.get("channel") or "unknown")[:50],
        started_at=ticket.get("created_at") or None,
        customer_id=requester or customer,
        agent_ids=agents,
        team=directory.groups.get(group, group) if group else None,
        turns=tuple(turns),
        metadata=metadata,
    )


def _one(path: str | Path, line: int, ticket: Any, directory: _Directory, seen: dict[str, int], raw: str):  # noqa: ANN202
    if not isinstance(ticket, Mapping):
        return Reject.of(path, line, f"expected a ticket object, got {type(ticket).__name__}", raw)
    try:
        conversation = ticket_to_conversation(ticket, directory)
    except RecordError as error:
        return Reject.of(path, line, str(error), raw)
    except ValidationError as error:
        return Reject.of(path, line, summarise_validation_error(error), raw)
    first = seen.get(conversation.id)
    if first is not None:
        return Reject.of(path, line, f"duplicate ticket {ticket.get('id')} (first at {first})", raw)
    seen[conversation.id] = line
    return conversation


def _read_document(path: str | Path) -> Iterator[Conversation | Reject]:
    with open_binary(path) as handle:
        data = handle.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InputError(
            f"{path}: JSON document over 256 MiB; export tickets as JSONL (one per line) instead"
        )
    try:
        document = json.loads(data.decode("utf-8", errors="replace"))
    except ValueError as error:
        yield Reject.of(
            path,
            getattr(error, "lineno", 0),
            f"malformed JSON document: {error}",
            data[:200].decode("utf-8", "replace"),
        )
        return
    if not isinstance(document, dict) or not isinstance(document.get("tickets"), list):
        yield Reject.of(path, 1, 'expected {"tickets": [...]}')
        return
    directory = _Directory()
    directory.add(document)
    seen: dict[str, int] = {}
    for number, ticket in enumerate(document["tickets"], start=1):
        # A document has no per-ticket lines; `line` is the 1-based position in "tickets".
        yield _one(path, number, ticket, directory, seen, json.dumps(ticket, ensure_ascii=False)[:200])


def _read_lines(path: str | Path, max_line_bytes: int) -> Iterator[Conversation | Reject]:
    directory = _Directory()
    seen: dict[str, int] = {}
    for item in iter_json_lines(path, max_line_bytes):
        if isinstance(item, Reject):
            yield item
            continue
        line, record = item
        if isinstance(record, dict) and record and set(record) <= {"users", "groups"}:
            directory.add(record)
            continue
        if isinstance(record, dict) and isinstance(record.get("ticket"), dict):
            directory.add(record)
            record = record["ticket"]
        yield _one(path, line.number, record, directory, seen, line.text)


def read(
    path: str | Path, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[Conversation | Reject]:
    """Yield a Conversation per ticket and a Reject per unusable ticket or line."""
    if _is_document(path):
        yield from _read_document(path)
    else:
        yield from _read_lines(path, max_line_bytes)
