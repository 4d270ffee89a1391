"""`frozen_record`: an immutable, validated record for data held by the hundred thousand.

Why: a pydantic `BaseModel` instance keeps its values in a per-instance `__dict__` (about 270 bytes
for six fields, more than the values) plus a set of the field names given. The insight stage holds
one quote, case or promise per contact, so a report of 100,000 contacts held tens of MB of such
dicts. A pydantic dataclass with slots validates the same way (types, `Field` constraints,
`model_validator`) and stores its values in slots: about 70 bytes for six fields. Fields are
keyword-only, so required fields may follow defaulted ones as in a model. Read a record with its
attributes; `record_json()` dumps one the way `model_dump(mode="json")` dumps a model, and records
nested in a model are dumped with it.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import ConfigDict, TypeAdapter
from pydantic.dataclasses import dataclass

T = TypeVar("T")


def frozen_record(cls: type[T]) -> type[T]:
    """Make `cls` a frozen, slotted, keyword-only pydantic dataclass that forbids unknown fields."""
    return dataclass(frozen=True, slots=True, kw_only=True, config=ConfigDict(extra="forbid"))(cls)


@cache
def _adapter(cls: type) -> TypeAdapter[Any]:
    return TypeAdapter(cls)


def record_json(record: Any) -> Any:
    """`record` as JSON-ready data (what `model_dump(mode="json")` gives for a model)."""
    return _adapter(type(record)).dump_python(record, mode="json")
