"""sessions: mock interview sessions and their append-only event logs

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = ("sessions",)
depends_on = None


def _when(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "mock_sessions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("role", sa.String(80), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("stages", sa.JSON, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("last_seq", sa.Integer, nullable=False),
        _when("created_at"),
        _when("updated_at"),
    )
    op.create_index(
        "ix_mock_sessions_user_role_created", "mock_sessions", ["user_id", "role", "created_at"]
    )
    op.create_table(
        "mock_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "session_id",
            sa.String(32),
            sa.ForeignKey("mock_sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        _when("at"),
        sa.UniqueConstraint("session_id", "seq", name="uq_mock_events_session_seq"),
    )


def downgrade() -> None:
    op.drop_table("mock_events")
    op.drop_table("mock_sessions")
