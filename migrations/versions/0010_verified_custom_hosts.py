"""custom hosts are verified by a DNS TXT token before they are served

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

VERIFIED = "custom_host_verified_at IS NOT NULL"


def upgrade():
    with op.batch_alter_table("merchants") as batch:
        batch.drop_constraint("uq_merchants_custom_host", type_="unique")
        batch.add_column(sa.Column("custom_host_token", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("custom_host_verified_at", sa.DateTime(timezone=True), nullable=True)
        )
    # Hosts already in service stay served: links in emails already sent point at them.
    op.execute(
        "UPDATE merchants SET custom_host_verified_at = CURRENT_TIMESTAMP"
        " WHERE custom_host IS NOT NULL"
    )
    op.create_index(
        "uq_merchants_verified_custom_host",
        "merchants",
        ["custom_host"],
        unique=True,
        sqlite_where=sa.text(VERIFIED),
        postgresql_where=sa.text(VERIFIED),
    )


def downgrade():
    op.drop_index("uq_merchants_verified_custom_host", table_name="merchants")
    # Only one shop may keep a host once it is unique again: the one that verified it.
    op.execute(
        "UPDATE merchants SET custom_host = NULL"
        " WHERE custom_host IS NOT NULL AND custom_host_verified_at IS NULL"
    )
    with op.batch_alter_table("merchants") as batch:
        batch.drop_column("custom_host_verified_at")
        batch.drop_column("custom_host_token")
        batch.create_unique_constraint("uq_merchants_custom_host", ["custom_host"])
