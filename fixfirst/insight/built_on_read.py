"""`BuiltOnRead`: a sequence whose items are made from packed columns each time one is read.

Why: the contact table and the case, promise and survey-link lists keep a scope's rows as columns
so that a million of them fit in memory, and hand out a record (or a row handle) only when asked.
They index, slice and iterate alike; each says only how to make item `index` (`_item`) and how
many there are (`__len__`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar, overload

T = TypeVar("T")


class BuiltOnRead(Sequence[T]):
    """Indexing (negative indices and bounds as a list's), slicing and iteration over `_item`."""

    __slots__ = ()

    def _item(self, index: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if type(index) is int and 0 <= index < len(self):  # the common case, read for every row
            return self._item(index)
        if isinstance(index, slice):
            return [self._item(i) for i in range(len(self))[index]]
        return self._item(range(len(self))[index])

    def __iter__(self) -> Iterator[T]:
        return (self._item(i) for i in range(len(self)))
