"""one open invitation per shop and email

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OPEN = "accepted_at IS NULL AND revoked_at IS NULL"


def upgrade():
    # Earlier duplicates: the newest invitation stays open, the older ones are withdrawn.
    op.execute(
        f"UPDATE invitations SET revoked_at = CURRENT_TIMESTAMP WHERE {OPEN} AND id NOT IN"
        f" (SELECT max(id) FROM invitations WHERE {OPEN} GROUP BY merchant_id, email)"
    )
    op.create_index(
        "uq_invitations_open_email",
        "invitations",
        ["merchant_id", "email"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def downgrade():
    op.drop_index("uq_invitations_open_email", table_name="invitations")
