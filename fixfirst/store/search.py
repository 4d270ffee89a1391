"""Full-text search over transcripts: which conversations have a turn containing every word asked.

SQLite answers from the FTS5 index (`turns_fts`), PostgreSQL from the GIN index on
`to_tsvector('simple', text)`; both made by migration 0007 and matching whole words,
case-insensitively (accents count), every word in the same turn. The text searched is the stored text, which
is redacted at ingest: a search for a card number finds nothing, by design.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import ColumnElement, FromClause, Select, column, false, func, literal_column, select, table

from fixfirst.store.tables import conversations_table, turns_table

#: Database objects of the search index that the ORM models do not describe (see the migration test).
SEARCH_OBJECTS = frozenset(
    {"turn_search_keys", "turns_fts", "turns_fts_data", "turns_fts_idx", "turns_fts_docsize", "turns_fts_config",
     "turns_fts_content", "ix_turns_text_search"}
)
#: At most this many words are searched; a longer query is cut (each word narrows, so few are needed).
MAX_WORDS = 12

_keys = table("turn_search_keys", column("rowid"), column("conversation_id"))
_fts = table("turns_fts", column("rowid"), column("turns_fts"))


def search_words(query: str) -> list[str]:
    """The words of a query (letters and digits; punctuation and FTS syntax are not operators)."""
    return re.findall(r"\w+", query)[:MAX_WORDS]


def _fts_match(words: list[str]) -> ColumnElement[bool]:
    fts_query = " ".join(f'"{word}"' for word in words)  # quoted: each word is a plain string, ANDed
    return _fts.c.turns_fts.op("MATCH")(fts_query)


def _ts_match(words: list[str]) -> ColumnElement[bool]:
    simple = literal_column("'simple'")  # inlined, so the planner matches the GIN index expression
    return func.to_tsvector(simple, turns_table.c.text).op("@@")(func.plainto_tsquery(simple, " ".join(words)))


def matches(query: str, dialect: str, *, among: Sequence[str] | None = None) -> ColumnElement[bool]:
    """A condition on `conversations.id`: some turn of the conversation holds every word of `query`.

    The database collects the matching turns first. `among` (SQLite): the condition is only asked of
    these conversations, so only turns stored from the first of theirs on are collected (row ids
    grow as turns are stored). Why: "the" matches millions of turns on a big store and collecting
    them all took 16 s for one page of the newest conversations, whose turns are the last stored.
    """
    words = search_words(query)
    if not words:
        return false()
    c = conversations_table.c
    if dialect == "sqlite":
        rowids = select(_fts.c.rowid).where(_fts_match(words))
        if among is not None:
            first = select(func.min(_keys.c.rowid)).where(_keys.c.conversation_id.in_(among)).scalar_subquery()
            rowids = rowids.where(_fts.c.rowid >= first)
        return c.id.in_(select(_keys.c.conversation_id).where(_keys.c.rowid.in_(rowids)))
    return c.id.in_(select(turns_table.c.conversation_id).where(_ts_match(words)))


def matching_ids(
    query: str, dialect: str, within: FromClause = conversations_table, where: Sequence[ColumnElement[bool]] = ()
) -> Select[tuple[str]]:
    """The distinct ids of conversations with a matching turn (joined with `within`, where `where`
    holds), read from the index's side, so a LIMIT stops the walk early: counting "10,000+"
    conversations with a common word reads about 10,001 of them instead of every match."""
    words = search_words(query)
    c = conversations_table.c
    if dialect == "sqlite":
        found = _keys.join(_fts, _fts.c.rowid == _keys.c.rowid).join(within, c.id == _keys.c.conversation_id)
        return select(_keys.c.conversation_id).distinct().select_from(found).where(_fts_match(words), *where)
    found = turns_table.join(within, c.id == turns_table.c.conversation_id)
    return select(turns_table.c.conversation_id).distinct().select_from(found).where(_ts_match(words), *where)
