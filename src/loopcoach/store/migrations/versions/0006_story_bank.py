"""stories: a bank the user owns (themes per role, story facts, saved prep packs)

Adds each story's role, employer and dates; moves the themes a prep import tagged into
`story_themes` under the role of the last import (themes are now kept per role); and adds
`prep_packs`, each pack saved with the résumé it was built from. Existing stories keep their
ids and text.

Revision ID: 0006_story_bank
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_story_bank"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("position", sa.String(300), nullable=False, server_default=""))
        batch.add_column(sa.Column("employer", sa.String(300), nullable=False, server_default=""))
        batch.add_column(sa.Column("dates", sa.String(80), nullable=False, server_default=""))
    op.create_table(
        "story_themes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("role", sa.String(80), nullable=False),
        sa.Column("themes", sa.Text, nullable=False, server_default="[]"),
        sa.Column("by_user", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("story_id", "role", name="uq_story_themes_role"),
    )
    op.create_table(
        "prep_packs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("role", sa.String(80), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("input", sa.LargeBinary, nullable=False),
        sa.Column("input_sha", sa.String(64), nullable=False),
        sa.Column("story_keys", sa.Text, nullable=False, server_default="[]"),
        sa.Column("pack", sa.Text, nullable=False),
        sa.Column("rebuilt_from", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_prep_packs_user", "prep_packs", ["user_id"])
    # themes tagged by earlier imports belong to the role of the last import
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT s.id, s.user_id, s.themes, s.updated_at FROM stories s "
            "WHERE s.themes IS NOT NULL AND s.themes NOT IN ('', '[]')"
        )
    ).all()
    for story_id, user_id, themes, updated in rows:
        role = conn.execute(
            sa.text("SELECT role FROM prep_imports WHERE user_id = :u ORDER BY id DESC LIMIT 1"),
            {"u": user_id},
        ).scalar()
        if role is None:
            continue  # never imported: the themes were the user's, for every role
        conn.execute(
            sa.text(
                "INSERT INTO story_themes (story_id, role, themes, by_user, updated_at) "
                "VALUES (:s, :r, :t, :b, :w)"
            ),
            {"s": story_id, "r": role, "t": themes, "b": False, "w": updated},
        )
        conn.execute(sa.text("UPDATE stories SET themes = '[]' WHERE id = :s"), {"s": story_id})


def downgrade() -> None:
    op.drop_index("ix_prep_packs_user", table_name="prep_packs")
    op.drop_table("prep_packs")
    op.drop_table("story_themes")
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("dates")
        batch.drop_column("employer")
        batch.drop_column("position")
