"""Role packs: schema, loader, library and search."""

from loopcoach.content.library import Library, RolePack, load_library
from loopcoach.content.schema import Case, Question

__all__ = ["Case", "Library", "Question", "RolePack", "load_library"]
