"""The review queue's index also carries the conversation id, so the queue never reads the results table.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

With the confidence alone in the index, counting the queue looked up every low-confidence result's
row for its conversation id (for the reviewed and disputed checks): on a million results the first
count after a restart read 100,000 rows scattered over the file (2.1 s cold, 0.2 s warm). With the
id in the index the count walks the index only (0.08 s cold, 0.06 s warm).
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_analysis_results_review_order", "analysis_results", ["outcome_confidence", "conversation_id"]
    )
    op.drop_index("ix_analysis_results_outcome_confidence", table_name="analysis_results")


def downgrade() -> None:
    op.create_index("ix_analysis_results_outcome_confidence", "analysis_results", ["outcome_confidence"])
    op.drop_index("ix_analysis_results_review_order", table_name="analysis_results")
