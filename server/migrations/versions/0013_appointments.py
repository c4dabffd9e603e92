"""appointments: bookable slots per service, the bookings, and the call window on appointment tickets

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appointment_policies",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("early_min", sa.Integer(), nullable=False),
        sa.Column("late_min", sa.Integer(), nullable=False),
        sa.Column("keep_contact_days", sa.Integer(), nullable=False),
        sa.Column("bookings_per_contact_day", sa.Integer(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.PrimaryKeyConstraint("branch_id"),
    )
    op.create_table(
        "appointment_services",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("counters", sa.Integer(), nullable=False),
        sa.Column("slot_min", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.PrimaryKeyConstraint("service_id"),
    )
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("slot_start", sa.DateTime(), nullable=False),
        sa.Column("slot_end", sa.DateTime(), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("public_token", sa.String(length=48), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=120), nullable=True),
        sa.Column("contact_key", sa.String(length=64), nullable=True),
        sa.Column("contact_purged_at", sa.DateTime(), nullable=True),
        sa.Column("booked_at", sa.DateTime(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(), nullable=True),
        sa.Column("checked_in_by", sa.String(length=120), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("no_show_at", sa.DateTime(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("public_token"),
        sa.UniqueConstraint("branch_id", "service_id", "slot_start", "seat", name="uq_appointments_seat"),
    )
    op.create_index("ix_appointments_branch_day", "appointments", ["branch_id", "business_day"], unique=False)
    op.create_index("ix_appointments_contact", "appointments", ["branch_id", "contact_key", "business_day"],
                    unique=False)
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("appointment_window_start", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("appointment_window_end", sa.DateTime(), nullable=True))
    op.create_index("ix_tickets_appointment_head", "tickets", ["service_id", "status", "appointment_window_end"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_tickets_appointment_head", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("appointment_window_end")
        batch.drop_column("appointment_window_start")
    op.drop_index("ix_appointments_contact", table_name="appointments")
    op.drop_index("ix_appointments_branch_day", table_name="appointments")
    op.drop_table("appointments")
    op.drop_table("appointment_services")
    op.drop_table("appointment_policies")
