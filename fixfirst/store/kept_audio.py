"""Kept call audio: which stored calls have a copy, and which copies are past their retention."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlalchemy import select

from fixfirst.store.call_summary import CALL_CHANNEL
from fixfirst.store.store import Store
from fixfirst.store.tables import conversations_table


def kept_copies(store: Store) -> Iterator[tuple[str, str, date | None]]:
    """(conversation id, audio file name, keep until) of every stored call with a kept copy."""
    c = conversations_table.c
    with store.engine.connect() as conn:
        for cid, meta in conn.execute(select(c.id, c.metadata).where(c.channel == CALL_CHANNEL)):
            call = (meta or {}).get("call") if isinstance(meta, dict) else None
            if isinstance(call, dict) and isinstance(call.get("audio"), str):
                until = call.get("keep_until")
                yield cid, call["audio"], date.fromisoformat(until) if isinstance(until, str) else None


def audio_file(folder: Path, name: str) -> Path | None:
    """The kept copy `name` inside `folder` (never outside it), if it exists."""
    candidate = folder / Path(name).name
    return candidate if Path(name).name == name and candidate.is_file() else None


def purge_expired(store: Store, folder: Path, today: date | None = None) -> list[str]:
    """Delete the kept copies whose retention has passed; returns their conversation ids."""
    today = today or date.today()
    purged = []
    for cid, name, until in kept_copies(store):
        if until is not None and until < today and (path := audio_file(folder, name)) is not None:
            path.unlink()
            purged.append(cid)
    return purged
