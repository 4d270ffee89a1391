"""Scale: who worked each conversation as an indexed table; indexes for the "what changed" checks.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

`conversation_agents` is filled from the conversations already stored (listed agents and authors
of agent turns), in pages, so an existing database of any size upgrades in bounded memory.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_PAGE = 5000


def upgrade() -> None:
    op.create_table(
        "conversation_agents",
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("agent_id", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name="fk_conversation_agents_conversation_id_conversations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", "agent_id", name="pk_conversation_agents"),
    )
    op.create_index("ix_conversation_agents_agent_id", "conversation_agents", ["agent_id"])
    op.create_index("ix_conversations_ingested_at", "conversations", ["ingested_at"])
    op.create_index("ix_analysis_results_analyzed_at", "analysis_results", ["analyzed_at"])
    _backfill()


def _backfill() -> None:
    conn = op.get_bind()
    conversations = sa.table("conversations", sa.column("id"), sa.column("agent_ids", sa.JSON()))
    turns = sa.table("turns", sa.column("conversation_id"), sa.column("role"), sa.column("author"))
    agents = sa.table("conversation_agents", sa.column("conversation_id"), sa.column("agent_id"))
    after = ""
    while True:
        page = conn.execute(
            sa.select(conversations.c.id, conversations.c.agent_ids)
            .where(conversations.c.id > after)
            .order_by(conversations.c.id)
            .limit(_PAGE)
        ).all()
        if not page:
            return
        found: dict[str, set[str]] = {row.id: set(row.agent_ids or ()) for row in page}
        authors = sa.select(turns.c.conversation_id, turns.c.author).where(
            turns.c.conversation_id.in_(list(found)), turns.c.role == "agent", turns.c.author.is_not(None)
        )
        for conversation_id, author in conn.execute(authors):
            found[conversation_id].add(author)
        rows = [{"conversation_id": cid, "agent_id": a} for cid, names in found.items() for a in sorted(names)]
        if rows:
            conn.execute(agents.insert(), rows)
        after = page[-1].id


def downgrade() -> None:
    op.drop_index("ix_analysis_results_analyzed_at", table_name="analysis_results")
    op.drop_index("ix_conversations_ingested_at", table_name="conversations")
    op.drop_index("ix_conversation_agents_agent_id", table_name="conversation_agents")
    op.drop_table("conversation_agents")
