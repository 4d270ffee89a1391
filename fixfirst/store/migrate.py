"""Schema migrations, run from code: opening a store brings its schema up to date.

Why from code: users install a wheel and point FixFirst at a database; there is no alembic.ini
to find and no separate "migrate" step to forget. Upgrading is idempotent and safe to race:
SQLite serialises it with ``BEGIN IMMEDIATE``, PostgreSQL with a transaction-scoped advisory lock,
and the whole upgrade is one transaction on both (their DDL is transactional).

Adding a migration (developers): ``alembic.command.revision(alembic_config(), "add reviews")``
writes a new file into ``migrations/versions``; edit it by hand, then run the store tests (one
checks that migrating to head gives exactly the schema of ``tables.py``).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, text

from fixfirst.errors import StoreError
from fixfirst.store.engine import write_transaction

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Arbitrary but fixed key for pg_advisory_xact_lock, so concurrent upgrades queue up.
_PG_MIGRATION_LOCK_KEY = 7_406_118_245


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config built in Python, pointing at the migrations shipped in this package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration this version of FixFirst knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise StoreError(f"no migrations found in {MIGRATIONS_DIR}; the installation is broken")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Bring the database schema to the newest revision; does nothing when it is already there."""
    head = head_revision()
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK_KEY})
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return
        try:
            command.upgrade(alembic_config(conn), "head")
        except CommandError as exc:
            raise StoreError(
                f"cannot migrate the database from revision {current!r} to {head!r}: {exc}. If the database "
                "was written by a newer FixFirst, upgrade FixFirst."
            ) from exc
