"""practice: scored attempts, FSRS practice cards and their review logs

Revision ID: 0004
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = ("practice",)
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("question_id", sa.String(200), nullable=False),
        sa.Column("role", sa.String(80), nullable=True),
        sa.Column("prompt", sa.Text, nullable=False, server_default=""),
        sa.Column("rubric", sa.String(20), nullable=False, server_default="pack"),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("dimensions", sa.JSON, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=True),
        sa.Column("duration_seconds", sa.Float, nullable=True),
        sa.Column("answer", sa.Text, nullable=True),
        _when("created_at"),
        sa.UniqueConstraint("user_id", "uuid", name="uq_attempts_user_uuid"),
    )
    op.create_index("ix_attempts_user_created", "attempts", ["user_id", "created_at"])
    op.create_index("ix_attempts_user_question", "attempts", ["user_id", "question_id"])
    op.create_table(
        "practice_cards",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(200), nullable=False),
        sa.Column("role", sa.String(80), nullable=True),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("fsrs", sa.JSON, nullable=False),
        _when("due"),
        _when("last_review", nullable=True),
        _when("updated_at"),
        sa.UniqueConstraint("user_id", "key", name="uq_practice_cards_user_key"),
    )
    op.create_index("ix_practice_cards_user_due", "practice_cards", ["user_id", "due"])
    op.create_table(
        "review_logs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("card_key", sa.String(250), nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        _when("reviewed_at"),
        sa.Column("duration_ms", sa.Integer, nullable=True),
        sa.Column("attempt_uuid", sa.String(36), nullable=True),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.UniqueConstraint("user_id", "uuid", name="uq_review_logs_user_uuid"),
    )
    op.create_index("ix_review_logs_user_card", "review_logs", ["user_id", "card_key"])


def downgrade() -> None:
    op.drop_table("review_logs")
    op.drop_table("practice_cards")
    op.drop_table("attempts")
