"""teller_surveys, teller_survey_responses, teller_survey_answered: the teller satisfaction survey
(anonymous answers kept apart from the "has answered" markers); branch_logos: the logo on the ticket

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teller_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_teller_surveys_branch_id", "teller_surveys", ["branch_id"], unique=False)
    op.create_table(
        "teller_survey_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["teller_surveys.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_teller_survey_responses_survey_period", "teller_survey_responses", ["survey_id", "period"],
                    unique=False)
    op.create_table(
        "teller_survey_answered",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["teller_surveys.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("survey_id", "period", "user_id"),
    )
    op.create_table(
        "branch_logos",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("mimetype", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=120), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.PrimaryKeyConstraint("branch_id"),
    )


def downgrade() -> None:
    op.drop_table("branch_logos")
    op.drop_table("teller_survey_answered")
    op.drop_index("ix_teller_survey_responses_survey_period", table_name="teller_survey_responses")
    op.drop_table("teller_survey_responses")
    op.drop_index("ix_teller_surveys_branch_id", table_name="teller_surveys")
    op.drop_table("teller_surveys")
