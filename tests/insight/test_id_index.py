"""The id index finds every id's own position, also when ids share a hash, and nothing else."""

from __future__ import annotations

import random

from fixfirst.insight.contact_table import ContactTable
from fixfirst.insight.contacts import Contact, contact_of
from fixfirst.insight.id_index import IdIndex

from .handmade import conversation


def _contact(cid: str) -> Contact:
    return contact_of(conversation(cid, [("customer", "my order is late"), ("agent", "it ships today")]), None)


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


def test_a_contact_table_shares_one_index_and_rebuilds_it_after_a_new_row() -> None:
    table = ContactTable()
    for i in range(3):
        table.add(_contact(f"c{i}"))
    index = IdIndex.of_contacts(table)
    assert index is table.id_index is IdIndex.of_contacts(table)
    assert [index.get(f"c{i}") for i in range(4)] == [0, 1, 2, None]
    table.add(_contact("c3"))
    assert IdIndex.of_contacts(table) is not index and IdIndex.of_contacts(table).get("c3") == 3
    table.close()


def test_an_index_of_plain_contacts_reads_their_ids() -> None:
    contacts = [_contact(f"c{i}") for i in range(5)][::-1]
    index = IdIndex.of_contacts(contacts)
    assert [index.get(f"c{i}") for i in range(5)] == [4, 3, 2, 1, 0]
