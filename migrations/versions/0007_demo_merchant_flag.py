"""the demo merchant flag: the landing page links only the demo shop's orders

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("merchants") as batch:
        batch.add_column(
            sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # A demo seeded before this flag existed is the shop whose owner is the demo's own
    # login (a .test address, which no real shop can have); `make run` keeps its links.
    op.execute(
        "UPDATE merchants SET is_demo = true WHERE id IN"
        " (SELECT merchant_id FROM users WHERE email = 'owner@acme.test')"
    )


def downgrade():
    with op.batch_alter_table("merchants") as batch:
        batch.drop_column("is_demo")
