"""branches and services get a Simplified Chinese name, filled from the Traditional one by OpenCC;
the comment book (comments); the service star posted on the lobby display (branches.wall_star_*)

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLES = ("branches", "services")


def upgrade() -> None:
    from server.queue.names import simplified

    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("name_zh_hans", sa.String(length=120), nullable=False, server_default=""))
    conn = op.get_bind()
    for table in TABLES:
        rows = sa.table(table, sa.column("id", sa.Integer), sa.column("name_zh", sa.String),
                        sa.column("name_zh_hans", sa.String))
        for row_id, name in conn.execute(sa.select(rows.c.id, rows.c.name_zh)).all():
            conn.execute(rows.update().where(rows.c.id == row_id).values(name_zh_hans=simplified(name)))
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("contact", sa.String(length=120), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("registered_by", sa.String(length=64), nullable=True),
        sa.Column("reply", sa.String(length=2000), nullable=False),
        sa.Column("replied_by", sa.String(length=64), nullable=True),
        sa.Column("replied_at", sa.DateTime(), nullable=True),
        sa.Column("handled_by", sa.String(length=64), nullable=True),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("archived_by", sa.String(length=64), nullable=True),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_comments_branch_day", "comments", ["branch_id", "business_day"], unique=False)
    with op.batch_alter_table("branches") as batch:
        batch.add_column(sa.Column("wall_star_month", sa.String(length=7), nullable=False, server_default=""))
        batch.add_column(sa.Column("wall_star_name", sa.String(length=60), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("branches") as batch:
        batch.drop_column("wall_star_name")
        batch.drop_column("wall_star_month")
    op.drop_index("ix_comments_branch_day", table_name="comments")
    op.drop_table("comments")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("name_zh_hans")
