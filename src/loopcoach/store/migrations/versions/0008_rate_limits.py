"""rate limits: per-user request counts per minute for hosted mode

Its one foreign key is to `users`, which 0001 makes, so it branches from 0001 and needs nothing
from 0007 (tests/store/test_migration_order.py runs each revision with its ancestors only).

Revision ID: 0008_rate_limits
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_rate_limits"
down_revision = "0001"
branch_labels = ("rate_limits",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_counts",
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("minute", sa.BigInteger, primary_key=True),
        sa.Column("used", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rate_counts")
