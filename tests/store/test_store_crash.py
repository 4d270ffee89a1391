"""An ingest that dies part-way leaves only whole batches, and running it again completes it exactly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest
from sqlalchemy import event
from store_strategies import make_conversation

from fixfirst.model import Conversation
from fixfirst.store import Store, WriteStats

N_CONVERSATIONS = 50
BATCH = 10


def corpus() -> list[Conversation]:
    """Conversations with 1 to 4 turns, so a lost or doubled turn changes the count."""
    return [
        make_conversation(f"conv-{i:03d}", texts=tuple(f"turn {t} of {i}" for t in range(1 + i % 4)))
        for i in range(N_CONVERSATIONS)
    ]


def assert_consistent(store: Store, expected_ids: set[str]) -> None:
    """Exactly these conversations are stored, each with all of its turns and nothing more."""
    by_id = {c.id: c for c in corpus()}
    stored = list(store.iter_conversations())
    assert {c.id for c in stored} == expected_ids
    assert all(c == by_id[c.id] for c in stored)
    counts = store.counts()
    assert counts["conversations"] == len(expected_ids)
    assert counts["turns"] == sum(len(by_id[i].turns) for i in expected_ids)
    with store.engine.connect() as conn:
        without_turns = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM conversations c WHERE NOT EXISTS "
            "(SELECT 1 FROM turns t WHERE t.conversation_id = c.id)"
        ).scalar()
    assert without_turns == 0


def failing_after(items: list[Conversation], n: int) -> Iterator[Conversation]:
    yield from items[:n]
    raise RuntimeError("source broke")


def test_exception_in_the_stream_keeps_only_complete_batches(store: Store) -> None:
    committed: list[WriteStats] = []
    with pytest.raises(RuntimeError, match="source broke"):
        store.ingest_conversations(failing_after(corpus(), 35), batch_size=BATCH, on_batch=committed.append)
    assert committed == [WriteStats(stored=BATCH)] * 3
    assert_consistent(store, {f"conv-{i:03d}" for i in range(30)})

    rerun = store.ingest_conversations(corpus(), batch_size=BATCH)
    assert rerun == WriteStats(stored=20, duplicates=30)
    assert_consistent(store, {c.id for c in corpus()})


def test_exception_while_producing_a_batch_writes_none_of_it(store: Store) -> None:
    with pytest.raises(RuntimeError):
        store.write_conversations(failing_after(corpus(), 35))
    assert store.counts()["conversations"] == 0


@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_failure_inside_the_transaction_rolls_the_batch_back(store: Store, error: BaseException) -> None:
    """The conversations rows are already inserted when inserting their turns fails (or Ctrl-C hits)."""
    store.ingest_conversations(corpus()[:20], batch_size=BATCH)
    turn_inserts = 0

    def explode_on_turns(conn, clauseelement, multiparams, params, execution_options):  # type: ignore[no-untyped-def]
        nonlocal turn_inserts
        if getattr(clauseelement, "table", None) is not None and clauseelement.table.name == "turns":
            turn_inserts += 1
            raise error

    event.listen(store.engine, "before_execute", explode_on_turns)
    try:
        with pytest.raises(type(error)):
            store.ingest_conversations(corpus(), batch_size=BATCH)
    finally:
        event.remove(store.engine, "before_execute", explode_on_turns)
    assert turn_inserts == 1  # the first two batches were duplicates: nothing to insert
    assert_consistent(store, {f"conv-{i:03d}" for i in range(20)})

    assert store.ingest_conversations(corpus(), batch_size=BATCH) == WriteStats(stored=30, duplicates=20)
    assert_consistent(store, {c.id for c in corpus()})


CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from sqlalchemy import event
    sys.path.insert(0, sys.argv[3])
    from test_store_crash import corpus, BATCH
    from fixfirst.store import Store

    store = Store.open(sys.argv[1])
    kill_at = int(sys.argv[2])
    seen = 0

    @event.listens_for(store.engine, "after_execute")
    def die_mid_transaction(conn, clauseelement, multiparams, params, execution_options, result):
        global seen
        if getattr(clauseelement, "table", None) is not None and clauseelement.table.name == "turns":
            seen += 1
            if seen == kill_at:
                # Conversations and turns of this batch are inserted but not committed.
                os.kill(os.getpid(), signal.SIGKILL)

    store.ingest_conversations(corpus(), batch_size=BATCH)
    print("finished without being killed")
    """
)


def test_killed_process_mid_transaction_leaves_whole_batches(store: Store, store_url: str) -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    child = subprocess.run(
        [sys.executable, "-c", CHILD, store_url, "3", here],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert_consistent(store, {f"conv-{i:03d}" for i in range(2 * BATCH)})

    assert store.ingest_conversations(corpus(), batch_size=BATCH) == WriteStats(stored=30, duplicates=20)
    assert_consistent(store, {c.id for c in corpus()})
