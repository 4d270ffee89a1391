"""Transcript search: SQLite FTS5, PostgreSQL full-text (issue 12).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

SQLite: ``turns_fts`` (FTS5, unicode61) holds each turn's text under the rowid
of ``turn_search_keys`` (conversation id, turn index) - turns have a composite key, and an FTS
table needs a stable integer one. Triggers keep both in step with ``turns`` on every write path,
cascaded deletes included, so no code can forget to. PostgreSQL: a GIN index on
``to_tsvector('simple', text)``. Both match whole words, case-insensitive, accents significant
(PostgreSQL would need the unaccent extension), without stemming, so a search finds the same turns
on either database.
Existing turns are indexed here. These objects are outside the ORM models
(``fixfirst.store.search.SEARCH_OBJECTS``).
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_SQLITE_UP = [
    """CREATE TABLE turn_search_keys (
        rowid INTEGER PRIMARY KEY,
        conversation_id VARCHAR(200) NOT NULL,
        idx INTEGER NOT NULL,
        UNIQUE (conversation_id, idx)
    )""",
    "CREATE VIRTUAL TABLE turns_fts USING fts5(text, content='', tokenize='unicode61 remove_diacritics 0')",
    """CREATE TRIGGER turns_search_insert AFTER INSERT ON turns BEGIN
        INSERT INTO turn_search_keys (conversation_id, idx) VALUES (new.conversation_id, new.idx);
        INSERT INTO turns_fts (rowid, text) VALUES (last_insert_rowid(), new.text);
    END""",
    """CREATE TRIGGER turns_search_delete AFTER DELETE ON turns BEGIN
        INSERT INTO turns_fts (turns_fts, rowid, text) SELECT 'delete', rowid, old.text FROM turn_search_keys
            WHERE conversation_id = old.conversation_id AND idx = old.idx;
        DELETE FROM turn_search_keys WHERE conversation_id = old.conversation_id AND idx = old.idx;
    END""",
    """CREATE TRIGGER turns_search_update AFTER UPDATE OF text ON turns BEGIN
        INSERT INTO turns_fts (turns_fts, rowid, text) SELECT 'delete', rowid, old.text FROM turn_search_keys
            WHERE conversation_id = old.conversation_id AND idx = old.idx;
        INSERT INTO turns_fts (rowid, text) SELECT rowid, new.text FROM turn_search_keys
            WHERE conversation_id = new.conversation_id AND idx = new.idx;
    END""",
    "INSERT INTO turn_search_keys (conversation_id, idx) SELECT conversation_id, idx FROM turns",
    """INSERT INTO turns_fts (rowid, text) SELECT k.rowid, t.text FROM turn_search_keys k
        JOIN turns t ON t.conversation_id = k.conversation_id AND t.idx = k.idx""",
]

_SQLITE_DOWN = [
    "DROP TRIGGER turns_search_update",
    "DROP TRIGGER turns_search_delete",
    "DROP TRIGGER turns_search_insert",
    "DROP TABLE turns_fts",
    "DROP TABLE turn_search_keys",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_UP:
            op.execute(statement)
    else:
        op.execute("CREATE INDEX ix_turns_text_search ON turns USING gin (to_tsvector('simple', text))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_DOWN:
            op.execute(statement)
    else:
        op.execute("DROP INDEX ix_turns_text_search")
