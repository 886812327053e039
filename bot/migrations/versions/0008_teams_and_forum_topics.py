"""teams (office hours and places per team), case and staff team, staff-group forum topics

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("municipalities", sa.JSON(), nullable=False),
        sa.Column("office_hours", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_staff_team_id_team", "team", ["team_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_case_team_id_team", "team", ["team_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thread", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("thread")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_constraint("fk_case_team_id_team", type_="foreignkey")
        batch_op.drop_column("team_id")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_constraint("fk_staff_team_id_team", type_="foreignkey")
        batch_op.drop_column("team_id")
    op.drop_table("team")
