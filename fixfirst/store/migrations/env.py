"""Alembic environment for the FixFirst store.

FixFirst runs migrations from code (``fixfirst.store.migrate``), handing over an open connection
in ``config.attributes["connection"]``, so no ``alembic.ini`` is needed at run time. Developers
writing a new migration can still run the ``alembic`` command with ``-x url=...`` or
``sqlalchemy.url`` set; see ``fixfirst.store.migrate.alembic_config``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from fixfirst.store.tables import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: pass -x url=... or set sqlalchemy.url")
    engine = create_engine(url)
    with engine.connect() as conn:
        _configure(conn)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
