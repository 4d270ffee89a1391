"""PackedRecords: a compressed list of JSON records, paged like a Python slice."""

from __future__ import annotations

import pytest

from fixfirst.web.packed_records import CHUNK, PackedRecords


def test_pages_equal_slices_of_the_records_across_chunk_boundaries() -> None:
    records = [{"n": i, "text": f"case {i}", "tags": [i % 3]} for i in range(2 * CHUNK + 7)]
    packed = PackedRecords.of(iter(records))
    assert len(packed) == len(records) and len(packed.chunks) == 3
    for offset in (0, 1, CHUNK - 1, CHUNK, CHUNK + 5, 2 * CHUNK, len(records) - 1, len(records), len(records) + 9):
        for limit in (0, 1, 2, 50, CHUNK + 1, 3 * CHUNK):
            assert packed.page(offset, limit) == records[offset : offset + limit], (offset, limit)


def test_an_empty_list_and_bad_bounds() -> None:
    empty = PackedRecords.of([])
    assert len(empty) == 0 and empty.page(0, 50) == []
    with pytest.raises(ValueError, match="negative"):
        PackedRecords.of([1, 2]).page(-1, 1)


def test_bytes_read_back_equal_and_truncated_bytes_are_refused() -> None:
    records = [{"n": i} for i in range(CHUNK + 3)]
    packed = PackedRecords.of(records)
    raw = packed.to_bytes()
    again = PackedRecords.from_bytes(raw)
    assert again == packed and again.page(CHUNK - 1, 3) == records[CHUNK - 1 : CHUNK + 2]
    assert PackedRecords.from_bytes(PackedRecords.of([]).to_bytes()) == PackedRecords.of([])
    for broken in (raw[:-1], raw + b"x", raw[:5]):
        with pytest.raises(ValueError, match="not a packed record list"):
            PackedRecords.from_bytes(broken)
