"""login throttle: failed sign-ins per client address and window, for hosted mode

Revision ID: 0009_login_throttle
Revises: 0008_rate_limits
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_login_throttle"
down_revision = "0008_rate_limits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("address", sa.String(64), primary_key=True),
        sa.Column("period", sa.BigInteger, primary_key=True),
        sa.Column("used", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("login_failures")
