"""Persistence: the only package that imports SQLAlchemy. Maps core objects to rows."""

from loopcoach.store.engine import make_engine
from loopcoach.store.migrate import upgrade

__all__ = ["make_engine", "upgrade"]
