"""Emergency plan and kiosk states: the branch's emergency call policy, unavailable-service policy and
opening hours; staff-only services; the emergency's instruction and the policy it ran with

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("branches") as batch:
        batch.add_column(sa.Column("emergency_policy", sa.String(length=24), nullable=False,
                                   server_default="breached_longest_wait"))
        batch.add_column(sa.Column("unavailable_policy", sa.String(length=16), nullable=False,
                                   server_default="warn"))
        batch.add_column(sa.Column("opening_hours", sa.JSON(), nullable=True))
    with op.batch_alter_table("services") as batch:
        batch.add_column(sa.Column("staff_only", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("emergency_modes") as batch:
        batch.add_column(sa.Column("instruction", sa.String(length=300), nullable=False, server_default=""))
        batch.add_column(sa.Column("policy", sa.String(length=24), nullable=False,
                                   server_default="breached_longest_wait"))


def downgrade() -> None:
    with op.batch_alter_table("emergency_modes") as batch:
        batch.drop_column("policy")
        batch.drop_column("instruction")
    with op.batch_alter_table("services") as batch:
        batch.drop_column("staff_only")
    with op.batch_alter_table("branches") as batch:
        batch.drop_column("opening_hours")
        batch.drop_column("unavailable_policy")
        batch.drop_column("emergency_policy")
