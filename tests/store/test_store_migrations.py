"""Opening a store migrates it; migrating is idempotent; the migrations build exactly the models' schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect
from sqlalchemy.exc import IntegrityError
from store_strategies import make_conversation

from fixfirst.errors import StoreError
from fixfirst.store import DEFAULT_URL, Store, current_revision, head_revision, resolve_url
from fixfirst.store.engine import create_store_engine
from fixfirst.store.search import SEARCH_OBJECTS
from fixfirst.store.tables import Base, turns_table

EXPECTED_TABLES = {
    "alembic_version", "conversations", "turns", "surveys", "analysis_results", "findings",
    # the dashboard's tables (migration 0002)
    "web_users", "web_api_tokens", "web_reviews", "web_disputes", "web_survey_tokens", "web_settings",
    "web_dispute_messages", "web_notifications",
    # who worked each conversation (migration 0003)
    "conversation_agents",
    # sampling rules, review assignments and calibration sessions (migration 0006)
    "web_sampling_rules", "web_assignments", "web_calibration_sessions", "web_calibration_members",
    "web_calibration_scores", "web_coaching_sessions",
    # the dashboard's last aggregates per scope (migration 0011)
    "web_dashboard_snapshots",
}
EXPECTED_INDEXES = {
    "conversations": {
        "ix_conversations_customer_id", "ix_conversations_team", "ix_conversations_started_at",
        "ix_conversations_ingested_at",
    },
    "conversation_agents": {"ix_conversation_agents_agent_id"},
    "findings": {"ix_findings_label", "ix_findings_conversation_id"},
    "surveys": {"ix_surveys_conversation_id", "ix_surveys_customer_id"},
    "analysis_results": {
        "ix_analysis_results_outcome", "ix_analysis_results_analyzed_at", "ix_analysis_results_review_order",
        "ix_analysis_results_team_review_order",
    },
}


def test_open_creates_the_schema_at_head(store: Store) -> None:
    inspector = inspect(store.engine)
    assert set(inspector.get_table_names()) - SEARCH_OBJECTS == EXPECTED_TABLES
    if store.engine.dialect.name == "sqlite":  # the FTS5 index and its keys (migration 0007)
        assert {"turns_fts", "turn_search_keys"} <= set(inspector.get_table_names())
    else:
        assert "ix_turns_text_search" in {ix["name"] for ix in inspector.get_indexes("turns")}
    for table, indexes in EXPECTED_INDEXES.items():
        assert {ix["name"] for ix in inspector.get_indexes(table)} == indexes
    assert inspector.get_pk_constraint("turns")["constrained_columns"] == ["conversation_id", "idx"]
    assert current_revision(store.engine) == head_revision()


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": lambda name, *_: name not in SEARCH_OBJECTS}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_reopening_is_idempotent_and_keeps_data(store_url: str) -> None:
    with Store.open(store_url) as first:
        first.write_conversations([make_conversation("c-1")])
        revision = current_revision(first.engine)
    for _ in range(2):
        with Store.open(store_url) as again:
            assert current_revision(again.engine) == revision
            assert again.counts()["conversations"] == 1
            with again.engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT COUNT(*) FROM alembic_version").scalar() == 1


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path / 'x.db'}") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(
            insert(turns_table),
            [
                {
                    "conversation_id": "nobody",
                    "idx": 0,
                    "role": "agent",
                    "author": None,
                    "text": "x",
                    "ts": None,
                    "public": True,
                }
            ],
        )


def test_in_memory_sqlite_works() -> None:
    with Store.open("sqlite://") as store:
        store.write_conversations([make_conversation("c-1")])
        assert store.get_conversation("c-1") == make_conversation("c-1")


def test_database_from_a_newer_fixfirst_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'future.db'}"
    Store.open(url).close()
    engine = create_store_engine(resolve_url(url))
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    engine.dispose()
    with pytest.raises(StoreError, match="9999_from_the_future.*upgrade FixFirst"):
        Store.open(url)


def test_unreachable_database_is_a_store_error_naming_the_url_without_password(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no/such/folder") as missing_folder:
        Store.open(f"sqlite:///{tmp_path / 'no/such/folder/x.db'}")
    assert "folder exists" in str(missing_folder.value)
    with pytest.raises(StoreError) as refused:
        Store.open("postgresql+psycopg://someone:s3cret@127.0.0.1:1/nothing?connect_timeout=2")
    assert "s3cret" not in str(refused.value) and "127.0.0.1:1" in str(refused.value)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///some.db", "sqlite:///some.db"),
        ("data/run.db", "sqlite:///data/run.db"),
        ("/abs/run.db", "sqlite:////abs/run.db"),
        ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql+psycopg://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
    ],
)
def test_resolve_url(given: str, expected: str) -> None:
    assert resolve_url(given).render_as_string(hide_password=False) == expected


def test_resolve_url_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIXFIRST_DB", raising=False)
    assert resolve_url(None).render_as_string() == DEFAULT_URL == "sqlite:///fixfirst.db"
    monkeypatch.setenv("FIXFIRST_DB", "sqlite:///from-env.db")
    assert resolve_url(None).render_as_string() == "sqlite:///from-env.db"
    assert resolve_url("sqlite:///explicit.db").render_as_string() == "sqlite:///explicit.db"


@pytest.mark.parametrize("bad", ["mysql://u@h/db", "   ", "oracle+cx://x"])
def test_resolve_url_rejects_unsupported(bad: str) -> None:
    with pytest.raises(StoreError):
        resolve_url(bad)
