"""agent_reports: ids of the key presses branch agents reported, so a press re-sent after a hub
restart is not acted on twice

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agent_reports",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=120), nullable=False),
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.PrimaryKeyConstraint("branch_id", "agent", "report_id"),
    )
    op.create_index("ix_agent_reports_received_at", "agent_reports", ["received_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_agent_reports_received_at", table_name="agent_reports")
    op.drop_table("agent_reports")
