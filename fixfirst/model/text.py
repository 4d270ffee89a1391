"""Text every stage can hash, store and print: lone UTF-16 surrogates replaced at the boundary.

Why: JSON allows escapes like ``"\\udfff"`` that decode to a lone surrogate, which is not a
character, cannot be encoded as UTF-8, and crashed hashing and responses. Records are cleaned once
where they enter (the record builder, the API), so nothing later has to care.
"""

from __future__ import annotations

from typing import Any

REPLACEMENT_CHARACTER = "\ufffd"
#: Names (team, company, customer and agent ids, turn authors): longer is junk, not a name.
NAME_CHARS = 200
#: A conversation's metadata as JSON: room for a source system's fields, not for a payload.
METADATA_BYTES = 65_536


def clean_text(value: str) -> str:
    """`value` with every lone surrogate replaced by U+FFFD (other text unchanged)."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "".join(REPLACEMENT_CHARACTER if "\ud800" <= ch <= "\udfff" else ch for ch in value)
    return value


def clean_record(value: Any) -> Any:
    """`clean_text` over every string (keys too) of a parsed JSON value."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_record(k): clean_record(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_record(v) for v in value]
    return value


def checked_id(value: str) -> str:
    """A record id as stored: surrounding whitespace removed; not blank, no '/' (ids are URL path
    segments, and an encoded slash still splits the path) and no control characters."""
    value = value.strip()
    if not value:
        raise ValueError("blank id")
    if "/" in value:
        raise ValueError("an id must not contain '/' (ids are part of dashboard and API addresses)")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("an id must not contain control characters")
    return value
