"""stories: the story bank, its edit history and prep imports

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = ("stories",)
depends_on = None


def _when(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _user() -> sa.Column:
    return sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        _user(),
        sa.Column("draft_key", sa.String(40), nullable=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("edited", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("situation", sa.Text, nullable=False, server_default=""),
        sa.Column("task", sa.Text, nullable=False, server_default=""),
        sa.Column("action", sa.Text, nullable=False, server_default=""),
        sa.Column("result", sa.Text, nullable=False, server_default=""),
        sa.Column("themes", sa.Text, nullable=False, server_default="[]"),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("context", sa.String(400), nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        _when("created_at"),
        _when("updated_at"),
        sa.UniqueConstraint("user_id", "draft_key", name="uq_stories_user_draft_key"),
    )
    op.create_index("ix_stories_user", "stories", ["user_id"])
    op.create_table(
        "story_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "story_id",
            sa.Integer,
            sa.ForeignKey("stories.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("fields", sa.Text, nullable=False),
        _when("created_at"),
        sa.UniqueConstraint("story_id", "version", name="uq_story_versions"),
    )
    op.create_table(
        "prep_imports",
        sa.Column("id", sa.Integer, primary_key=True),
        _user(),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("role", sa.String(80), nullable=False),
        sa.Column("stories", sa.Integer, nullable=False),
        sa.Column("pitch", sa.Text, nullable=False, server_default=""),
        _when("created_at"),
    )


def downgrade() -> None:
    op.drop_table("prep_imports")
    op.drop_table("story_versions")
    op.drop_index("ix_stories_user", table_name="stories")
    op.drop_table("stories")
