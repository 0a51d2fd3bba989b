"""The validated pack library, kept between runs: parsing and validating the YAML packs takes
most of a command's start-up, so the result is stored in the cache directory and reused while
no pack file, no content module and no loopcoach version has changed.

The cache is an optimisation only: a missing, stale, unreadable or unwritable cache means the
packs are loaded from YAML as before. The file lives in the user's own cache directory.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from loopcoach.content.library import Library

PREFIX = "library-"
CODE = ("schema.py", "library.py", "loader.py", "yamlsource.py", "cached.py")


def _fingerprint(extra_dirs: Sequence[Path]) -> str | None:
    """A digest of everything the library is built from; None when a file cannot be read."""
    from loopcoach import __version__

    here = Path(__file__).parent
    digest = hashlib.sha256(f"{__version__}|{sys.version}".encode())
    try:
        files = [here / name for name in CODE]
        for root in (here / "packs", *(Path(d) for d in extra_dirs)):
            digest.update(f"|root:{os.path.abspath(root)}".encode())
            if root.is_dir():
                files += sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml"))
        for path in files:
            st = path.stat()
            digest.update(f"|{path}|{st.st_size}|{st.st_mtime_ns}".encode())
    except OSError:
        return None
    return digest.hexdigest()[:32]


def cached_library(extra_dirs: Sequence[Path], cache_dir: Path | None) -> Library:
    """`load_library(extra_dirs)`, from the cache when it is up to date."""
    from loopcoach.content.library import load_library

    key = _fingerprint(extra_dirs) if cache_dir is not None else None
    if key is None or cache_dir is None:
        return load_library(extra_dirs)
    path = cache_dir / f"{PREFIX}{key}.pickle"
    try:
        with path.open("rb") as fh:
            found = pickle.load(fh)  # our own file, in the user's own cache directory
        if type(found).__name__ == "Library":
            return found  # type: ignore[no-any-return]
    except (
        OSError,
        EOFError,
        pickle.UnpicklingError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
        IndexError,
    ):
        pass
    library = load_library(extra_dirs)  # raises PackError for broken packs: nothing is stored
    _store(cache_dir, path, library)
    return library


def _store(cache_dir: Path, path: Path, library: Library) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".library-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(library, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in cache_dir.glob(f"{PREFIX}*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # a read-only or full cache directory: the next run loads the YAML again
