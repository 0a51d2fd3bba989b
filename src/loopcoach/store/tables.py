"""Table definitions (SQLAlchemy Core). Tables arrive with the features that need them."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, func

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

LOCAL_USER = "local"

# Each feature defines its tables in its own module on this `metadata` (store/<feature>.py) and
# adds a migration in migrations/versions/ whose down_revision is "0001" and whose
# branch_labels name the feature: the features' schemas are independent branches, all upgraded
# to their heads on start.
