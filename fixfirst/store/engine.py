"""Turning a database URL into a configured SQLAlchemy engine, and write transactions on it.

Why the SQLite settings: WAL lets readers (the dashboard) read while an ingest writes; foreign
keys are off in SQLite unless asked for; ``synchronous=NORMAL`` is safe with WAL against
application crashes (a power cut may lose the last committed batch, never corrupt the file);
and write transactions start with ``BEGIN IMMEDIATE`` so two writers queue up instead of one
failing half-way with "database is locked" after it has already read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from fixfirst.errors import StoreError
from fixfirst.store.column_types import dump_json

#: Environment variable naming the database when no URL is given.
DB_ENV_VAR = "FIXFIRST_DB"
#: The database used when neither a URL nor FIXFIRST_DB is given: a file in the working directory.
DEFAULT_URL = "sqlite:///fixfirst.db"
#: How long a SQLite writer waits for another writer before giving up, in seconds.
SQLITE_BUSY_TIMEOUT_S = 60.0

_WRITE_OPTION = "fixfirst_write"


def resolve_url(url: str | URL | None = None) -> URL:
    """The URL to open: ``url``, else ``$FIXFIRST_DB``, else ``sqlite:///fixfirst.db``.

    A bare path (no ``://``) means a SQLite file. ``postgresql://`` and ``postgres://`` URLs get
    the psycopg 3 driver, the only PostgreSQL driver FixFirst installs.
    """
    if url is None:
        url = os.environ.get(DB_ENV_VAR) or DEFAULT_URL
    if isinstance(url, str):
        text = url.strip()
        if not text:
            raise StoreError(f"empty database URL; give a URL such as {DEFAULT_URL} or set {DB_ENV_VAR}")
        if "://" not in text:
            text = f"sqlite:///{text}"
        try:
            url = make_url(text)
        except ArgumentError as exc:
            raise StoreError(
                f"cannot parse database URL {text!r}: {exc}. Use sqlite:///path.db or "
                "postgresql+psycopg://user:password@host:port/dbname"
            ) from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"unsupported database {url.get_backend_name()!r}; FixFirst stores to SQLite "
            "(sqlite:///path.db) or PostgreSQL (postgresql+psycopg://...)"
        )
    return url


def create_store_engine(url: URL) -> Engine:
    """An engine for ``url`` with FixFirst's connection settings (see the module docstring)."""
    options: dict[str, Any] = {"json_serializer": dump_json}
    if url.get_backend_name() == "sqlite":
        in_memory = url.database in (None, "", ":memory:")
        connect_args: dict[str, Any] = {"timeout": SQLITE_BUSY_TIMEOUT_S}
        if in_memory:
            # One shared connection, or every new connection would see its own empty database.
            connect_args["check_same_thread"] = False
            options["poolclass"] = StaticPool
        engine = create_engine(url, connect_args=connect_args, **options)
        _configure_sqlite(engine, wal=not in_memory)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One all-or-nothing write transaction: committed on success, rolled back on any exception.

    KeyboardInterrupt included: a Ctrl-C mid-batch rolls the batch back; a killed process leaves
    an uncommitted transaction that the database discards on its own.
    """
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE_OPTION: True})
        with conn.begin():
            yield conn
