"""A long list of JSON records kept compressed, paged without unpacking it all.

The dashboard lists every case of a scope (`/api/cases`), which on a million contacts is hundreds of
thousands of records: as Python objects they would cost the server more than every other aggregate
together. Packed as JSON lines in zlib chunks they cost about 90 bytes a case, and a page
decompresses only the chunks it shows.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: Records per compressed chunk: big enough to compress well, small enough that a page of 50 reads
#: at most two.
CHUNK = 256
#: Head of `to_bytes()`: the record count and the chunk count; each chunk's length follows.
_HEAD = struct.Struct("<QI")
_LENGTH = struct.Struct("<I")


@dataclass(frozen=True, slots=True)
class PackedRecords:
    chunks: tuple[bytes, ...]
    count: int

    @classmethod
    def of(cls, records: Iterable[Any]) -> PackedRecords:
        """Pack JSON-ready records (dicts, lists, scalars), keeping their order."""
        chunks: list[bytes] = []
        lines: list[str] = []
        count = 0
        for record in records:
            lines.append(json.dumps(record, separators=(",", ":")))
            count += 1
            if len(lines) == CHUNK:
                chunks.append(zlib.compress("\n".join(lines).encode()))
                lines = []
        if lines:
            chunks.append(zlib.compress("\n".join(lines).encode()))
        return cls(tuple(chunks), count)

    def __len__(self) -> int:
        return self.count

    def to_bytes(self) -> bytes:
        """One byte string (count, chunk lengths, chunks) that `from_bytes` reads back equal: how a
        dashboard snapshot keeps the case list in the database without re-encoding it."""
        lengths = b"".join(_LENGTH.pack(len(chunk)) for chunk in self.chunks)
        return _HEAD.pack(self.count, len(self.chunks)) + lengths + b"".join(self.chunks)

    @classmethod
    def from_bytes(cls, raw: bytes) -> PackedRecords:
        """The records `to_bytes` wrote; ValueError when `raw` is not such a byte string."""
        try:
            count, n_chunks = _HEAD.unpack_from(raw)
            position = _HEAD.size + n_chunks * _LENGTH.size
            chunks = []
            for index in range(n_chunks):
                (length,) = _LENGTH.unpack_from(raw, _HEAD.size + index * _LENGTH.size)
                chunks.append(raw[position : position + length])
                position += length
        except struct.error as exc:
            raise ValueError(f"not a packed record list: {exc}") from exc
        if position != len(raw) or any(not chunk for chunk in chunks) or n_chunks != -(-count // CHUNK):
            raise ValueError("not a packed record list: its lengths do not add up")
        return cls(tuple(chunks), count)

    def page(self, offset: int, limit: int) -> list[Any]:
        """Records [offset, offset + limit), as decoded JSON."""
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must not be negative")
        end = min(offset + limit, self.count)
        found: list[Any] = []
        if end <= offset:
            return found
        for index in range(offset // CHUNK, (end - 1) // CHUNK + 1):
            lines = zlib.decompress(self.chunks[index]).decode().split("\n")
            first = index * CHUNK
            found.extend(json.loads(line) for line in lines[max(0, offset - first) : end - first])
        return found
