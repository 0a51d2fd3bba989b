"""accounts: sign-in columns on users, cohorts, their members, sessions, resets, audit log

The first step toward hosted mode. The `users` table gains the columns an account needs (all
empty for the implicit `local` user, who can never sign in); every existing row that belongs to
a user keeps pointing at the same `users.id`. `email` holds the address in lower case, so its
unique index makes addresses unique regardless of case on SQLite and PostgreSQL alike. Session
and reset tokens are stored only as their SHA-256, never as given out.

Revision ID: 0007_accounts
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_accounts"
down_revision = "0001"
branch_labels = ("accounts",)
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user(ondelete: str = "CASCADE", nullable: bool = False) -> sa.Column:
    return sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete=ondelete), nullable=nullable
    )


def _user_columns() -> list[sa.Column]:
    return [
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("display_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("role", sa.String(16), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        _when("locked_until", nullable=True),
    ]


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN, never a batch copy of `users`: on SQLite a batch
    # recreates the table, and dropping the old one with foreign keys on would cascade-delete
    # every row the users own. Roles are checked by the application (app/accounts.py ROLES).
    for column in _user_columns():
        op.add_column("users", column)
    op.create_index("uq_users_email", "users", ["email"], unique=True)
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        _when("created_at"),
    )
    op.create_table(
        "cohort_members",
        sa.Column(
            "cohort_id",
            sa.Integer,
            sa.ForeignKey("cohorts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("member_role", sa.String(16), nullable=False),
        _when("added_at"),
        sa.CheckConstraint("member_role IN ('coach', 'learner')", name="ck_cohort_members_role"),
    )
    op.create_index("ix_cohort_members_user", "cohort_members", ["user_id"])
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        _user(),
        _when("created_at"),
        _when("expires_at"),
        _when("last_seen_at"),
    )
    op.create_index("ix_auth_sessions_user", "auth_sessions", ["user_id"])
    op.create_table(
        "password_resets",
        sa.Column("id", sa.String(64), primary_key=True),
        _user(),
        _when("created_at"),
        _when("expires_at"),
        _when("used_at", nullable=True),
    )
    op.create_index("ix_password_resets_user", "password_resets", ["user_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        _when("at"),
        sa.Column(
            "actor_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("actor", sa.String(254), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(254), nullable=False, server_default=""),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_password_resets_user", table_name="password_resets")
    op.drop_table("password_resets")
    op.drop_index("ix_auth_sessions_user", table_name="auth_sessions")
    op.drop_table("auth_sessions")
    op.drop_index("ix_cohort_members_user", table_name="cohort_members")
    op.drop_table("cohort_members")
    op.drop_table("cohorts")
    op.drop_index("uq_users_email", table_name="users")
    for column in reversed(_user_columns()):
        # SQLite (3.35+) drops a column in place; a batch copy would cascade-delete (above)
        op.execute(sa.text(f"ALTER TABLE users DROP COLUMN {column.name}"))
