"""remote queue: tickets taken from a phone wait "not checked in"; per-branch remote settings; the
remote tickets' own record (contact, limits, check-in); the outbox of customer notices

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("awaiting_check_in", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "remote_settings",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("call_without_check_in", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("nudge_places", sa.Integer(), nullable=False, server_default="3"),
        sa.Column("rejoin_window_s", sa.Integer(), nullable=False, server_default="900"),
        sa.Column("contact_keep_hours", sa.Integer(), nullable=True),
        sa.Column("proof_max_age_s", sa.Integer(), nullable=False, server_default="600"),
        sa.Column("limit_window_s", sa.Integer(), nullable=False, server_default="3600"),
        sa.Column("device_limit", sa.Integer(), nullable=False, server_default="3"),
        sa.Column("contact_limit", sa.Integer(), nullable=False, server_default="2"),
        sa.Column("address_limit", sa.Integer(), nullable=False, server_default="30"),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.PrimaryKeyConstraint("branch_id"),
    )
    op.create_table(
        "remote_tickets",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("contact", sa.String(length=120), nullable=True),
        sa.Column("contact_purge_at", sa.DateTime(), nullable=True),
        sa.Column("device_hash", sa.String(length=64), nullable=True),
        sa.Column("address_hash", sa.String(length=64), nullable=True),
        sa.Column("contact_hash", sa.String(length=64), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(), nullable=True),
        sa.Column("checked_in_via", sa.String(length=16), nullable=True),
        sa.Column("rejoined_from_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["rejoined_from_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("ticket_id"),
        sa.UniqueConstraint("rejoined_from_id"),
    )
    op.create_index("ix_remote_tickets_branch_created", "remote_tickets", ["branch_id", "created_at"])
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", "kind"),
    )
    op.create_index("ix_notices_due", "notices", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_notices_due", table_name="notices")
    op.drop_table("notices")
    op.drop_index("ix_remote_tickets_branch_created", table_name="remote_tickets")
    op.drop_table("remote_tickets")
    op.drop_table("remote_settings")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("awaiting_check_in")
