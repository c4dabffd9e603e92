"""remote_tickets.locale: the language the customer took the ticket in, for the notices
(docs/architecture.md, "Remote queue"). Rows before it have none: their notices go in zh_Hant.

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("remote_tickets", sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("remote_tickets") as batch:
        batch.drop_column("locale")
