"""review workflow columns, arrivals by link, append-only audit log

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 00:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table("kb_translation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_changed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("text_changed_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by", sa.String(length=120), nullable=True))
    # what was there before counts as written and (if marked reviewed) checked at its last change
    op.execute("UPDATE kb_translation SET text_changed_at = updated_at")
    op.execute("UPDATE kb_translation SET reviewed_at = updated_at WHERE status = 'reviewed'")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=80), nullable=True))
    with op.batch_alter_table("question_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("english", sa.Text(), nullable=True))
    op.create_table(
        "arrival_stat",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("arrival_stat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_arrival_stat_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_arrival_stat_source"), ["source"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    with op.batch_alter_table("arrival_stat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_arrival_stat_source"))
        batch_op.drop_index(batch_op.f("ix_arrival_stat_day"))
    op.drop_table("arrival_stat")
    with op.batch_alter_table("question_log", schema=None) as batch_op:
        batch_op.drop_column("english")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("source")
    with op.batch_alter_table("kb_translation", schema=None) as batch_op:
        batch_op.drop_column("reviewed_by")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("text_changed_by")
        batch_op.drop_column("text_changed_at")
