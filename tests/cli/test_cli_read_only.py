"""A read-only data directory: read-only commands work, writes fail with one line, no traceback.

As root, permissions do not bind, so the commands run as `nobody` through `setpriv`."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture()
def read_only_data() -> Iterator[Path]:
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    root = Path(tempfile.mkdtemp(prefix="loopcoach-ro-"))
    root.chmod(0o755)
    data = root / "data"
    data.mkdir()
    made = lc(data, "mock", "list", "--json", as_owner=True)
    assert made.returncode == 0, made.stderr
    for path in [data, *data.iterdir()]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    yield data
    for path in [data, *data.iterdir()]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    shutil.rmtree(root)


def lc(data: Path, *args: str, as_owner: bool = False) -> subprocess.CompletedProcess[str]:
    import loopcoach

    source = str(Path(loopcoach.__file__).resolve().parents[1])  # the tree under test
    env = {
        **os.environ,
        "LOOPCOACH_DATA_DIR": str(data),
        "HOME": str(data.parent),
        "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("LOOPCOACH_DATABASE_URL", None)
    prefix = AS_NOBODY if os.geteuid() == 0 and not as_owner else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "loopcoach", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(data.parent),
    )


@pytest.mark.parametrize(
    "args",
    [("mock", "list", "--json"), ("stories", "list", "--json"), ("progress", "--json"), ("roles",)],
)
def test_read_only_commands_work_in_a_read_only_data_directory(
    read_only_data: Path, args: tuple[str, ...]
) -> None:
    r = lc(read_only_data, *args)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr


def test_a_write_in_a_read_only_data_directory_is_one_line(read_only_data: Path) -> None:
    r = lc(read_only_data, "mock", "start", "--role", "tpm", "--json")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "read-only" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_a_missing_database_in_a_read_only_directory_is_one_line(read_only_data: Path) -> None:
    empty = read_only_data.parent / "empty"
    empty.mkdir(mode=0o555)
    empty.chmod(0o555)
    r = lc(empty, "mock", "list")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "writable" in r.stderr
