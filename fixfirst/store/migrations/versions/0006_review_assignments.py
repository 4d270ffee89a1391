"""Sampling rules and review assignments ("my queue").

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

``web_sampling_rules`` holds a QA lead's rules (random n per agent per week, all low-confidence,
all unresolved with a negative end, all repeat contacts); ``web_assignments`` one row per
conversation and reviewer (unique: drawing twice never assigns twice), deleted with the
conversation; the rule is kept as NULL when a rule is deleted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sampling_rules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("per_agent", sa.Integer(), nullable=True),
        sa.Column("team", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_sampling_rules"),
    )
    op.create_table(
        "web_assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("reviewer", sa.Text(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assigned_by", sa.Text(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_web_assignments_conversation_id_conversations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["web_sampling_rules.id"],
            name="fk_web_assignments_rule_id_web_sampling_rules",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_web_assignments"),
        sa.UniqueConstraint("conversation_id", "reviewer", name="uq_web_assignments_conversation_id_reviewer"),
    )
    op.create_index("ix_web_assignments_reviewer", "web_assignments", ["reviewer"])


def downgrade() -> None:
    op.drop_index("ix_web_assignments_reviewer", table_name="web_assignments")
    op.drop_table("web_assignments")
    op.drop_table("web_sampling_rules")
