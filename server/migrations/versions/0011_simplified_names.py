"""branches and services get a Simplified Chinese name, filled from the Traditional one by OpenCC

Revision ID: 0011
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0005"
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


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("name_zh_hans")
