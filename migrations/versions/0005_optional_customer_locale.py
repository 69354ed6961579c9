"""customer locale optional: the tracking page follows the browser when the shop gave none

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 10:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders") as batch:
        batch.alter_column(
            "customer_locale", existing_type=sa.String(length=10), nullable=True
        )


def downgrade():
    op.execute("UPDATE orders SET customer_locale = 'en' WHERE customer_locale IS NULL")
    with op.batch_alter_table("orders") as batch:
        batch.alter_column(
            "customer_locale", existing_type=sa.String(length=10), nullable=False
        )
