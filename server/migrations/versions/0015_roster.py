"""roster_shifts (排班: the supervisor's plan per teller and day) and counter_sessions (who was at which
counter from when to when: the actual hours the day report compares with the plan)

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roster_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=True),
        sa.Column("start_min", sa.Integer(), nullable=True),
        sa.Column("end_min", sa.Integer(), nullable=True),
        sa.Column("breaks", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("planned_by", sa.String(length=120), nullable=False),
        sa.Column("planned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["counter_id"], ["counters.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_roster_shifts_branch_day", "roster_shifts", ["branch_id", "day"], unique=False)
    op.create_table(
        "counter_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["counter_id"], ["counters.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_counter_sessions_counter_open", "counter_sessions", ["counter_id", "closed_at"], unique=False)
    op.create_index("ix_counter_sessions_opened_at", "counter_sessions", ["opened_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_counter_sessions_opened_at", table_name="counter_sessions")
    op.drop_index("ix_counter_sessions_counter_open", table_name="counter_sessions")
    op.drop_table("counter_sessions")
    op.drop_index("ix_roster_shifts_branch_day", table_name="roster_shifts")
    op.drop_table("roster_shifts")
