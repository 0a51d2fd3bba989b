"""A read-only data directory: read-only commands work, writes fail with one line, no traceback.

As root, permissions do not bind, so the commands run with the data directory bind-mounted
read-only in a private mount namespace (`unshare -m`), which binds root too and works wherever the
checkout lives; where that is not allowed, as `nobody` through `setpriv` (which needs a checkout
that `nobody` can read)."""

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
READ_ONLY_MOUNT = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"'


def _can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", READ_ONLY_MOUNT, "/tmp", "true"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


CAN_MOUNT = _can_mount()


@pytest.fixture(scope="module")
def made_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory the owner's `loopcoach` made (its database), once for the module."""
    data = tmp_path_factory.mktemp("made") / "data"
    data.mkdir()
    made = lc(data, "mock", "list", "--json", as_owner=True)
    assert made.returncode == 0, made.stderr
    return data


@pytest.fixture()
def read_only_data(made_data: Path) -> Iterator[Path]:
    """A copy of `made_data`, read-only."""
    if os.geteuid() == 0 and not CAN_MOUNT and shutil.which("setpriv") is None:
        pytest.skip("running as root without unshare or setpriv: permissions cannot be tested")
    root = Path(tempfile.mkdtemp(prefix="loopcoach-ro-"))
    root.chmod(0o755)
    data = root / "data"
    shutil.copytree(made_data, data)
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
    prefix: list[str] = []
    if os.geteuid() == 0 and not as_owner:
        prefix = (
            ["unshare", "-m", "sh", "-c", READ_ONLY_MOUNT, str(data)] if CAN_MOUNT else AS_NOBODY
        )
    return subprocess.run(
        [*prefix, sys.executable, "-m", "loopcoach", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(data.parent),
    )


# Each case is a real `loopcoach` process (about a second of CPU): the fast loop runs one read
# and one write; the other reads and the missing database run when slow (CI).
SLOW = pytest.mark.slow


@pytest.mark.parametrize(
    "args",
    [
        ("mock", "list", "--json"),
        pytest.param(("stories", "list", "--json"), marks=SLOW),
        pytest.param(("progress", "--json"), marks=SLOW),
        pytest.param(("roles",), marks=SLOW),
    ],
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


@SLOW
def test_a_missing_database_in_a_read_only_directory_is_one_line(read_only_data: Path) -> None:
    empty = read_only_data.parent / "empty"
    empty.mkdir(mode=0o555)
    empty.chmod(0o555)
    r = lc(empty, "mock", "list")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "writable" in r.stderr
