"""Index the outcome's confidence: the review queue reads the least confident verdicts first.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

Without it, each view of the review queue sorted every low-confidence result to show fifty (100 ms
at 100,000 conversations, growing with the store); with it the database walks the index in order.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_analysis_results_outcome_confidence", "analysis_results", ["outcome_confidence"])


def downgrade() -> None:
    op.drop_index("ix_analysis_results_outcome_confidence", table_name="analysis_results")
