"""rounds (巡視表): the branch's round sheets, the rounds done, and the setting that makes the opening
round part of the opening record (開業登記)

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("branches") as batch:
        batch.add_column(sa.Column("opening_requires_round", sa.Boolean(), server_default=sa.false(),
                                   nullable=False))
    op.create_table(
        "round_checklists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("branch_id", "kind"),
    )
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("done_by", sa.String(length=120), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.Column("problems", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rounds_branch_day", "rounds", ["branch_id", "business_day"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_rounds_branch_day", table_name="rounds")
    op.drop_table("rounds")
    op.drop_table("round_checklists")
    with op.batch_alter_table("branches") as batch:
        batch.drop_column("opening_requires_round")
