"""tickets.note: the note a transfer or a supervisor's move carries to the receiving teller

Revision ID: 0010
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("note", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("note")
