"""branch config_version; index for recent service times

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("branches") as batch_op:
        batch_op.add_column(sa.Column("config_version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.create_index("ix_tickets_service_finished", ["service_id", "status", "finished_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.drop_index("ix_tickets_service_finished")
    with op.batch_alter_table("branches") as batch_op:
        batch_op.drop_column("config_version")
