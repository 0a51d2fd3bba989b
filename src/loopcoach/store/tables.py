"""Table definitions (SQLAlchemy Core). Tables arrive with the features that need them."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, false, func

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # accounts (migration 0007): empty for the implicit local user, who never signs in
    Column("email", String(254), nullable=True),  # lower case; unique index uq_users_email
    Column("display_name", String(200), nullable=False, server_default=""),
    Column("role", String(16), nullable=True),  # learner | coach | admin
    Column("password_hash", String(255), nullable=True),  # argon2id, PHC string
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("failed_logins", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime(timezone=True), nullable=True),
)

LOCAL_USER = "local"

# Each feature defines its tables in its own module on this `metadata` (store/<feature>.py) and
# adds a migration in migrations/versions/ whose down_revision is "0001" and whose
# branch_labels name the feature: the features' schemas are independent branches, all upgraded
# to their heads on start.
