"""`PackedStrings`: a column of strings (or None) in one UTF-8 buffer, a string made when read.

Why: a scope's contacts are named by their conversation and customer ids. Held as Python strings
in a list, an id of 14-21 characters cost 64-72 bytes plus an 8-byte slot - about 150 bytes a
contact for the two, the largest single part of a million-contact report. Here an id costs its
UTF-8 bytes and a 4-byte end offset. Readers that keep ids for many contacts keep positions in
the table instead (a string made on every read is not shared).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator

from fixfirst.insight.built_on_read import BuiltOnRead


class PackedStrings(BuiltOnRead["str | None"]):
    """Strings appended one by one and read back equal (None kept as None)."""

    __slots__ = ("_blob", "_ends", "_none")

    def __init__(self, values: Iterable[str | None] = ()) -> None:
        self._blob = bytearray()
        self._ends = array("I")  # up to 4 GiB of text: a billion ids of four characters
        self._none: set[int] = set()  # rows holding None (rare: ids are mostly present)
        for value in values:
            self.append(value)

    def append(self, value: str | None) -> None:
        if value is None:
            self._none.add(len(self._ends))
        else:
            self._blob += value.encode()
        self._ends.append(len(self._blob))

    def _item(self, index: int) -> str | None:
        if index in self._none:
            return None
        start = self._ends[index - 1] if index else 0
        return self._blob[start : self._ends[index]].decode()

    def __len__(self) -> int:
        return len(self._ends)

    def __iter__(self) -> Iterator[str | None]:
        blob, none, start = self._blob, self._none, 0
        for index, end in enumerate(self._ends):
            yield None if index in none else blob[start:end].decode()
            start = end

    def nbytes(self) -> int:
        """Bytes held by the buffer and the offsets (what the column costs, less the None rows)."""
        return len(self._blob) + self._ends.itemsize * len(self._ends)
