"""shipment changes and carrier rate windows

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 07:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "shipment_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("old_value", sa.String(length=40), nullable=True),
        sa.Column("new_value", sa.String(length=40), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_shipment_changes_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_shipment_changes_shipment_id_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_changes")),
    )
    with op.batch_alter_table("shipment_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_shipment_changes_merchant_time", ["merchant_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_shipment_changes_shipment", ["shipment_id", "created_at"], unique=False
        )
    op.create_table(
        "carrier_rate_windows",
        sa.Column("carrier", sa.String(length=20), nullable=False),
        sa.Column("second", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("carrier", "second", name=op.f("pk_carrier_rate_windows")),
    )


def downgrade():
    op.drop_table("carrier_rate_windows")
    with op.batch_alter_table("shipment_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_shipment_changes_shipment")
        batch_op.drop_index("ix_shipment_changes_merchant_time")
    op.drop_table("shipment_changes")
