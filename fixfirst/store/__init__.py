"""Storage: SQLite by default, PostgreSQL by URL, schema migrated on open.

from fixfirst.store import Store
with Store.open("sqlite:///fixfirst.db") as store:
    stats = store.ingest_conversations(conversations, source="export.jsonl")
    for conversation in store.iter_conversations(without_results=True):
        ...
"""

# Registers the web tables on the shared metadata, so the schema check covers the web migration too.
from fixfirst.store import web_tables as _web_tables  # noqa: F401, E402
from fixfirst.store.engine import DB_ENV_VAR, DEFAULT_URL, resolve_url
from fixfirst.store.migrate import current_revision, head_revision, upgrade_to_head
from fixfirst.store.store import DEFAULT_BATCH_SIZE, Store, WriteStats

__all__ = [
    "DB_ENV_VAR",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_URL",
    "Store",
    "WriteStats",
    "current_revision",
    "head_revision",
    "resolve_url",
    "upgrade_to_head",
]
