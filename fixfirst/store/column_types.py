"""Column types that make SQLite and PostgreSQL store the same values the same way.

Why: the two backends disagree on the edges of "text" and "time". SQLite keeps naive timestamps
as strings and would happily store NUL; PostgreSQL keeps ``timestamptz`` and rejects NUL. These
types pin one documented behaviour on both, so a conversation read back is the same whichever
backend holds it:

- Timestamps are stored in UTC and always read back timezone-aware (UTC). A naive datetime is
  taken to be UTC already (most exports write UTC without saying so).
- Text is stored as valid UTF-8 without NUL: U+0000 and unpaired surrogates (which cannot be
  encoded at all) become U+FFFD, the replacement character. Everything else is kept exactly.
- JSON values are stored as JSON text: tuples come back as lists, non-finite floats as null, and
  values JSON has no type for (datetimes, sets, ...) as their string form.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, String, Text
from sqlalchemy.types import TypeDecorator

from fixfirst.model.text import REPLACEMENT_CHARACTER, clean_text


def storable_text(value: str) -> str:
    """Return ``value`` as both backends can store it (see the module docstring)."""
    if "\x00" in value:
        value = value.replace("\x00", REPLACEMENT_CHARACTER)
    return clean_text(value)


def to_utc(value: datetime) -> datetime:
    """An aware UTC datetime for the same instant; naive input is taken to be UTC."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def jsonable(value: Any) -> Any:
    """``value`` made of plain JSON types only, so both backends store and return the same thing."""
    if value is None or isinstance(value, bool | int | str):
        return storable_text(value) if isinstance(value, str) else value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {storable_text(str(key)): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime):
        return to_utc(value).isoformat()
    return storable_text(str(value))


def dump_json(value: Any) -> str:
    """The engine's JSON serializer: ASCII-only text, so NUL and surrogates travel as escapes."""
    return json.dumps(jsonable(value), ensure_ascii=True, allow_nan=False, separators=(",", ":"))


class UTCDateTime(TypeDecorator[datetime]):
    """``timestamptz`` on PostgreSQL, a UTC string on SQLite; always aware UTC in Python."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = to_utc(value)
        # SQLite's DateTime renders the wall-clock fields only, so hand it the UTC wall clock.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else to_utc(value)


class StorableString(TypeDecorator[str]):
    """A bounded string column that applies :func:`storable_text` on the way in."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else storable_text(value)


class StorableText(TypeDecorator[str]):
    """An unbounded text column that applies :func:`storable_text` on the way in."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else storable_text(value)
