"""Sampling rules, review assignments ("my queue"), calibration and coaching sessions.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

``web_sampling_rules`` holds a QA lead's rules (random n per agent per week, all low-confidence,
all unresolved with a negative end, all repeat contacts); ``web_assignments`` one row per
conversation and reviewer (unique: drawing twice never assigns twice), deleted with the
conversation; the rule is kept as NULL when a rule is deleted. A calibration session lists its
conversations and reviewers (``web_calibration_members``) and keeps each reviewer's blind score
apart from production reviews (``web_calibration_scores``, one per session, conversation and
reviewer). ``web_coaching_sessions`` records a coaching session on one agent's habit (planned,
held, acknowledged by the agent).
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
    op.create_table(
        "web_calibration_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_calibration_sessions"),
    )
    op.create_table(
        "web_calibration_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(200), nullable=True),
        sa.Column("reviewer", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"], ["web_calibration_sessions.id"],
            name="fk_web_calibration_members_session_id_web_calibration_sessions", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"],
            name="fk_web_calibration_members_conversation_id_conversations", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_web_calibration_members"),
    )
    op.create_index("ix_web_calibration_members_session_id", "web_calibration_members", ["session_id"])
    op.create_table(
        "web_calibration_scores",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("reviewer", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["web_calibration_sessions.id"],
            name="fk_web_calibration_scores_session_id_web_calibration_sessions", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"],
            name="fk_web_calibration_scores_conversation_id_conversations", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_web_calibration_scores"),
        sa.UniqueConstraint(
            "session_id", "conversation_id", "reviewer",
            name="uq_web_calibration_scores_one_each",
        ),
    )

    op.create_table(
        "web_coaching_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agent_id", sa.Text(), nullable=False),
        sa.Column("habit", sa.String(60), nullable=False),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("planned_for", sa.DateTime(timezone=True), nullable=False),
        sa.Column("planned_by", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_web_coaching_sessions"),
    )
    op.create_index("ix_web_coaching_sessions_agent_id", "web_coaching_sessions", ["agent_id"])


def downgrade() -> None:
    op.drop_index("ix_web_coaching_sessions_agent_id", table_name="web_coaching_sessions")
    op.drop_table("web_coaching_sessions")
    op.drop_table("web_calibration_scores")
    op.drop_index("ix_web_calibration_members_session_id", table_name="web_calibration_members")
    op.drop_table("web_calibration_members")
    op.drop_table("web_calibration_sessions")
    op.drop_index("ix_web_assignments_reviewer", table_name="web_assignments")
    op.drop_table("web_assignments")
    op.drop_table("web_sampling_rules")
