"""Initial schema: conversations, turns, surveys, analysis_results, findings.

Revision ID: 0001
Revises:
Create Date: 2025-11-25

Written out by hand (not imported from tables.py) so this migration stays what it was when later
models change. A test checks that migrating to head yields exactly the models' schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(50), nullable=False),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("customer_id", sa.Text(), nullable=True),
        sa.Column("team", sa.Text(), nullable=True),
        sa.Column("agent_ids", sa.JSON(), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_conversations"),
    )
    op.create_index("ix_conversations_customer_id", "conversations", ["customer_id"])
    op.create_index("ix_conversations_team", "conversations", ["team"])
    op.create_index("ix_conversations_started_at", "conversations", ["started_at"])

    op.create_table(
        "turns",
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_turns_conversation_id_conversations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", "idx", name="pk_turns"),
    )

    op.create_table(
        "surveys",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("conversation_id", sa.Text(), nullable=True),
        sa.Column("customer_id", sa.Text(), nullable=True),
        sa.Column("csat", sa.Integer(), nullable=True),
        sa.Column("ces", sa.Integer(), nullable=True),
        sa.Column("fixed", sa.String(20), nullable=True),
        sa.Column("empathy", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_surveys"),
    )
    op.create_index("ix_surveys_conversation_id", "surveys", ["conversation_id"])
    op.create_index("ix_surveys_customer_id", "surveys", ["customer_id"])

    op.create_table(
        "analysis_results",
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(50), nullable=False),
        sa.Column("outcome_confidence", sa.Float(), nullable=False),
        sa.Column("outcome_evidence", sa.JSON(), nullable=False),
        sa.Column("outcome_explanation", sa.Text(), nullable=False),
        sa.Column("sentiment_start", sa.String(20), nullable=False),
        sa.Column("sentiment_end", sa.String(20), nullable=False),
        sa.Column("scorecard", sa.Text(), nullable=True),
        sa.Column("points", sa.Float(), nullable=True),
        sa.Column("score_breakdown", sa.JSON(), nullable=True),
        sa.Column("engine_version", sa.Text(), nullable=False),
        sa.Column("analyzed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_analysis_results_conversation_id_conversations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name="pk_analysis_results"),
    )
    op.create_index("ix_analysis_results_outcome", "analysis_results", ["outcome"])

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("detector", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["analysis_results.conversation_id"],
            name="fk_findings_conversation_id_analysis_results",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
    )
    op.create_index("ix_findings_conversation_id", "findings", ["conversation_id"])
    op.create_index("ix_findings_label", "findings", ["label"])


def downgrade() -> None:
    op.drop_table("findings")
    op.drop_table("analysis_results")
    op.drop_table("surveys")
    op.drop_table("turns")
    op.drop_table("conversations")
