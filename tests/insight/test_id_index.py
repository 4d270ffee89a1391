"""The id index finds every id's own position, also when ids share a hash, and nothing else."""

from __future__ import annotations

import random

from fixfirst.insight.id_index import IdIndex


class _SameHash(str):
    """An id whose hash collides with every other such id."""

    __slots__ = ()

    def __hash__(self) -> int:
        return 7


def test_every_id_is_found_at_its_own_position_even_when_hashes_collide() -> None:
    ids = [f"conv-{i}" for i in range(500)] + [_SameHash(f"same-{i}") for i in range(40)]
    random.Random(3).shuffle(ids)
    index = IdIndex(ids)
    assert len(index) == len(ids)
    assert all(index.get(cid) == position for position, cid in enumerate(ids))
    assert index.get(_SameHash("same-40")) is None  # a colliding hash, no such id
    assert index.get("conv-500") is None and index.get("") is None


def test_an_empty_index_finds_nothing() -> None:
    assert IdIndex([]).get("conv-1") is None
