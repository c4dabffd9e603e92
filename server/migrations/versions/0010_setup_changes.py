"""setup_changes: audit of set-up changes made in the admin console, the API or the CLI
(services.staff_only and branches.opening_hours come with 0006)

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "setup_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("entity", sa.String(length=24), nullable=False),
        sa.Column("entity_key", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_setup_changes_branch_at", "setup_changes", ["branch_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_setup_changes_branch_at", table_name="setup_changes")
    op.drop_table("setup_changes")
