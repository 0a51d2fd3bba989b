"""`loopcoach serve --hosted` (or LOOPCOACH_MODE=hosted): refuses to start, with one line,
without a database named on purpose, and a real server asks for sign-in everywhere but the
login page, the health check and static files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from loopcoach.app.hosting import Hosted
from loopcoach.cli.app import main
from loopcoach.cli.serve import hosted_options


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = 0
    try:
        main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    _, err = capsys.readouterr()
    return code, err


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (None, "hosted mode needs a database"),
        ("", "hosted mode needs a database"),
        ("sqlite://", "not SQLite in memory"),
        ("sqlite:///:memory:", "not SQLite in memory"),
        ("mysql://u@h/db", "not mysql"),
        ("not a url at all", "not a database URL"),
    ],
)
def test_hosted_refuses_without_a_real_database(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str | None, says: str
) -> None:
    if url is None:
        monkeypatch.delenv("LOOPCOACH_DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("LOOPCOACH_DATABASE_URL", url)
    for argv, env in ((("serve", "--hosted"), None), (("serve",), "hosted")):
        if env:
            monkeypatch.setenv("LOOPCOACH_MODE", env)
        code, err = run(capsys, *argv, "--port", "1")
        assert code == 1
        lines = err.strip().splitlines()
        assert len(lines) == 1 and says in lines[0] and "LOOPCOACH_DATABASE_URL" in lines[0]
        assert "Traceback" not in err


def test_a_bad_mode_name_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOPCOACH_MODE", "cloud")
    code, err = run(capsys, "serve", "--port", "1")
    assert code == 1 and "LOOPCOACH_MODE" in err and len(err.strip().splitlines()) == 1


def test_cookies_are_secure_unless_asked_on_loopback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LOOPCOACH_DATABASE_URL", f"sqlite:///{tmp_path / 'h.db'}")
    monkeypatch.delenv("LOOPCOACH_MODE", raising=False)
    assert hosted_options(False, "127.0.0.1") is None  # local mode: nothing changes
    assert hosted_options(True, "0.0.0.0") == Hosted(secure_cookies=True)
    monkeypatch.setenv("LOOPCOACH_INSECURE_COOKIES", "1")
    assert hosted_options(True, "127.0.0.1") == Hosted(secure_cookies=False)
    from loopcoach.errors import LoopcoachError

    with pytest.raises(LoopcoachError, match="loopback tests only"):
        hosted_options(True, "0.0.0.0")


@pytest.mark.slow  # a real `loopcoach serve --hosted` process
def test_a_real_hosted_server_asks_for_sign_in(tmp_path: Path) -> None:
    from tests.web.conftest import free_port

    port = free_port()
    env = {
        **os.environ,
        "LOOPCOACH_DATA_DIR": str(tmp_path / "data"),
        "LOOPCOACH_DATABASE_URL": f"sqlite:///{tmp_path / 'hosted.db'}",
        "LOOPCOACH_INSECURE_COOKIES": "1",
        "LOOPCOACH_MODE": "hosted",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "loopcoach", "serve", "--port", str(port), "--no-warm"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "server did not start in 60 s"
            time.sleep(0.2)
        page = httpx.get(base + "/plan")
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/plan"
        assert httpx.get(base + "/api/v1/progress").status_code == 401
        login = httpx.get(base + "/login")
        assert login.status_code == 200 and 'name="password"' in login.text
        assert httpx.get(base + "/static/style.css").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert proc.stdout is not None and b"hosted: sign-in required" in proc.stdout.read()
