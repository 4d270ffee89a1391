"""A packed string column reads back every value it was given, None and non-ASCII included, and
costs its bytes, not a string object a row."""

from __future__ import annotations

import sys

import pytest

from fixfirst.insight.packed_strings import PackedStrings

VALUES = ["BW-CL-00083-x0", None, "", "cust-ü-東京-😀", "a", None, "conv-" + "9" * 200]


def test_values_read_back_by_index_slice_and_iteration() -> None:
    column = PackedStrings(VALUES)
    assert len(column) == len(VALUES)
    assert [column[i] for i in range(len(VALUES))] == VALUES
    assert list(column) == VALUES
    assert column[-1] == VALUES[-1] and column[1:4] == VALUES[1:4]
    assert column[1] is None and column[2] == ""  # None and the empty string stay apart
    with pytest.raises(IndexError):
        column[len(VALUES)]


def test_appending_after_reads_keeps_earlier_rows() -> None:
    column = PackedStrings(["x"])
    assert column[0] == "x"
    column.append("yz")
    column.append(None)
    assert list(column) == ["x", "yz", None]


def test_a_row_costs_its_bytes_and_an_offset_not_a_string_object() -> None:
    ids = [f"conv-{i:08d}-x0" for i in range(10_000)]
    column = PackedStrings(ids)
    held = column.nbytes()
    as_list = sys.getsizeof(ids) + sum(sys.getsizeof(i) for i in ids)
    assert held == sum(len(i) for i in ids) + 4 * len(ids)
    assert held * 3 < as_list
