"""carrier usage per clock hour: the ledger of hourly quotas (USPS 60 an hour)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "carrier_usage_hours",
        sa.Column("carrier", sa.String(length=20), nullable=False),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("carrier", "hour", name=op.f("pk_carrier_usage_hours")),
    )


def downgrade():
    op.drop_table("carrier_usage_hours")
