"""Disputes get a thread and a decision by someone other than the reviewer; in-app notifications.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

A review no longer closes disputes: ``web_disputes.decided_by`` records who decided (upheld or
overturned, in ``status``), ``web_dispute_messages`` holds the replies, and ``web_notifications``
tells the agent. Disputes closed by the old rule keep their status.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("web_disputes", sa.Column("decided_by", sa.Text(), nullable=True))
    op.create_table(
        "web_dispute_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["web_disputes.id"], name="fk_web_dispute_messages_dispute_id_web_disputes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_web_dispute_messages"),
    )
    op.create_index("ix_web_dispute_messages_dispute_id", "web_dispute_messages", ["dispute_id"])
    op.create_table(
        "web_notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_web_notifications"),
    )
    op.create_index("ix_web_notifications_username", "web_notifications", ["username"])


def downgrade() -> None:
    op.drop_index("ix_web_notifications_username", table_name="web_notifications")
    op.drop_table("web_notifications")
    op.drop_index("ix_web_dispute_messages_dispute_id", table_name="web_dispute_messages")
    op.drop_table("web_dispute_messages")
    with op.batch_alter_table("web_disputes") as batch:
        batch.drop_column("decided_by")
