"""Keep the dashboard's last aggregates per scope, so a restart does not recompute them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

On a million contacts the dashboard's aggregates take about 20 minutes to compute, and
a restarted server had none until they were computed again. ``web_dashboard_snapshots`` holds the
last ones of each scope (one row per scope, replaced by each build), tagged with the store's data
fingerprint and the insight code that made them: a restart shows them at once, and recomputes in
the background only when the data changed since.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_dashboard_snapshots",
        sa.Column("scope_key", sa.String(64), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("data_key", sa.Text(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("insights", sa.LargeBinary(), nullable=False),
        sa.Column("cases", sa.LargeBinary(), nullable=False),
        sa.Column("repeat_cases", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("scope_key", name="pk_web_dashboard_snapshots"),
    )


def downgrade() -> None:
    op.drop_table("web_dashboard_snapshots")
