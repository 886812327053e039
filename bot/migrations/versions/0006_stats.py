"""stats: one index that covers the analytics queries over handled messages

The page's counts group ``decision_stat`` by day, language, channel, action and entry within a
range of days. With every counted column in one index, both SQLite and PostgreSQL read the
index alone instead of looking up each row; it replaces the index on ``day`` it starts with.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 02:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = ["day", "lang", "channel", "action", "entry"]


def upgrade() -> None:
    op.create_index("ix_decision_stat_report", "decision_stat", COLUMNS, unique=False)
    op.drop_index("ix_decision_stat_day", table_name="decision_stat")


def downgrade() -> None:
    op.create_index("ix_decision_stat_day", "decision_stat", ["day"], unique=False)
    op.drop_index("ix_decision_stat_report", table_name="decision_stat")
