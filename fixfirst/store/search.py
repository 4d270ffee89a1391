"""Full-text search over transcripts: which conversations have a turn containing every word asked.

SQLite answers from the FTS5 index (`turns_fts`), PostgreSQL from the GIN index on
`to_tsvector('simple', text)`; both made by migration 0007 and matching whole words,
case-insensitively (accents count), every word in the same turn. The text searched is the stored text, which
is redacted at ingest: a search for a card number finds nothing, by design.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, column, false, func, literal_column, select, table

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


def matches(query: str, dialect: str) -> ColumnElement[bool]:
    """A condition on `conversations.id`: some turn of the conversation holds every word of `query`."""
    words = search_words(query)
    if not words:
        return false()
    c, t = conversations_table.c, turns_table.c
    if dialect == "sqlite":
        fts_query = " ".join(f'"{word}"' for word in words)  # quoted: each word is a plain string, ANDed
        rowids = select(_fts.c.rowid).where(_fts.c.turns_fts.op("MATCH")(fts_query))
        return c.id.in_(select(_keys.c.conversation_id).where(_keys.c.rowid.in_(rowids)))
    simple = literal_column("'simple'")  # inlined, so the planner matches the GIN index expression
    found = func.to_tsvector(simple, t.text).op("@@")(func.plainto_tsquery(simple, " ".join(words)))
    return c.id.in_(select(t.conversation_id).where(found))
