"""page versions on orders and merchants

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:55:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("orders", "merchants"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("page_version", sa.Integer(), server_default="0", nullable=False)
            )


def downgrade():
    for table in ("merchants", "orders"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("page_version")
