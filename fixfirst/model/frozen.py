"""`FrozenModel`: an immutable pydantic model for records held by the hundred thousand.

Why: pydantic keeps, on every instance, the set of field names that were given
(`__pydantic_fields_set__`, used by `exclude_unset`). For a six-field record that set costs about
700 bytes - more than the record's own values - and the insight stage holds one quote, case or
promise per contact (a report of 100,000 contacts held ~300 MB of such sets). Frozen instances never
change that set after validation, so instances given the same fields share one set object.
`model_copy` and pickling still give each copy its own set (pydantic copies it).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class FrozenModel(BaseModel):
    """Frozen, no extra fields; instances with the same given fields share one fields-set object."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    _shared_fields_sets: ClassVar[dict[frozenset[str], set[str]]] = {}

    def model_post_init(self, context: Any, /) -> None:
        given = frozenset(self.__pydantic_fields_set__)
        shared = FrozenModel._shared_fields_sets.setdefault(given, set(given))
        object.__setattr__(self, "__pydantic_fields_set__", shared)
