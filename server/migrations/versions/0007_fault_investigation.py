"""device_faults: resolve override reason and the investigation (cause, responsibility, follow-up)

A fault resolved while its device still reported it keeps the supervisor's reason; a resolved fault
can be investigated afterwards (seed 4-8: cause, who is responsible, what follows).

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = ("override_reason", "cause", "responsibility", "follow_up", "investigated_at", "investigated_by")


def upgrade() -> None:
    with op.batch_alter_table("device_faults") as batch:
        batch.add_column(sa.Column("override_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("cause", sa.Text(), nullable=True))
        batch.add_column(sa.Column("responsibility", sa.Text(), nullable=True))
        batch.add_column(sa.Column("follow_up", sa.Text(), nullable=True))
        batch.add_column(sa.Column("investigated_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("investigated_by", sa.String(length=120), nullable=True))
    op.create_index("ix_device_faults_branch_raised", "device_faults", ["branch_id", "raised_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_device_faults_branch_raised", table_name="device_faults")
    with op.batch_alter_table("device_faults") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
