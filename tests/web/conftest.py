"""Fixtures for the web tests: the app in-process (`client`, FastAPI's TestClient), a real
`loopcoach serve` process for the browser and smoke tests, and a headless Chromium page.

Browser tests drive Debian's `chromium` through Playwright (`executable_path`, never a
downloaded browser). Without it they skip with the reason, except under CI=true, where a missing
browser fails the run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from fastapi.testclient import TestClient

if TYPE_CHECKING:
    from tests.conftest import PostgresServer, Shared

    from loopcoach.app import Coach

CHROMIUM = os.environ.get("LOOPCOACH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# `make screenshots` sets this to docs/screenshots (shown in the README); otherwise the browser
# tests take their screenshots into a temporary directory and the tracked files stay as they are.
SCREENSHOTS_ENV = "LOOPCOACH_SCREENSHOTS"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    data: Path,
    *,
    hosted: bool = False,
    env: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> tuple[subprocess.Popen[bytes], str]:
    """`loopcoach serve` (`--hosted` if asked) on a free port with its own data directory, a
    SQLite file there unless `env` names a database, and `env` on top of ours; returns
    (process, url) once it answers."""
    port = free_port()
    full = {**os.environ, "LOOPCOACH_DATA_DIR": str(data)}
    for unset in ("LOOPCOACH_DATABASE_URL", "LOOPCOACH_MODE"):
        full.pop(unset, None)
    full.update(env or {})
    command = [sys.executable, "-m", "loopcoach", "serve", "--port", str(port)]
    proc = subprocess.Popen(
        [*command, "--hosted"] if hosted else command,
        env=full,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "server died")
    proc.kill()
    raise AssertionError(f"server did not start in {timeout:.0f} s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover
        proc.kill()


ORIGIN = "http://127.0.0.1:8000"


@contextmanager
def app_environment(
    shared: Shared, postgres: PostgresServer | None, data: Path
) -> Iterator[dict[str, str]]:
    """The environment of a test app: `data` as its data directory, its own database (a new
    PostgreSQL database when LOOPCOACH_TEST_DATABASE_URL is set, else a SQLite file in `data`)
    and the session's embedding cache. A PostgreSQL database is dropped at the end of the
    block, so dispose of the engines on it first."""
    url = postgres.create() if postgres is not None else f"sqlite:///{data / 'loopcoach.db'}"
    try:
        yield {
            "LOOPCOACH_DATA_DIR": str(data),
            "LOOPCOACH_CACHE_DIR": str(shared.cache_dir),
            "LOOPCOACH_DATABASE_URL": url,
        }
    finally:
        if postgres is not None:
            postgres.drop(url)


def share_models(coach: Coach, source: Shared | Coach) -> Coach:
    """`coach` with the library, analyzer and matcher of `source` (the session's `Shared`, or
    another Coach), so that no test loads them again."""
    for name in ("library", "analyzer", "matcher"):
        coach.__dict__[name] = getattr(source, name)
    return coach


class BrowserClient(TestClient):
    """A same-origin browser: every request carries the app's Origin, and a form post carries
    the CSRF token the page's hidden field would hold (the cookie's value; double submit)."""

    def post(self, url: Any, **kw: Any) -> Any:  # type: ignore[override]
        data = kw.get("data")
        form = not str(url).startswith("/api/") and kw.get("json") is None
        if form and (data is None or (isinstance(data, dict) and "csrf_token" not in data)):
            if "loopcoach_csrf" not in self.cookies:
                self.get("/")
            kw["data"] = {**(data or {}), "csrf_token": self.cookies.get("loopcoach_csrf", "")}
        return super().post(url, **kw)


@pytest.fixture(scope="session")
def client(
    shared: Shared, postgres: PostgresServer | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The web app in-process, one for the session (like one server), with its own database:
    a SQLite file, or a PostgreSQL database when LOOPCOACH_TEST_DATABASE_URL is set. It shares
    the session's library and analyzer (tests/conftest.py)."""
    from loopcoach.app import Coach
    from loopcoach.config import Settings
    from loopcoach.web.app import create_app

    with app_environment(shared, postgres, tmp_path_factory.mktemp("web-data")) as env:
        coach = share_models(Coach(Settings.from_env(env)), shared)
        # like httpx (and a browser's fetch of an API), redirects are not followed unless asked
        with BrowserClient(
            create_app(coach), base_url=ORIGIN, headers={"Origin": ORIGIN}, follow_redirects=False
        ) as c:
            yield c
        coach.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real `loopcoach serve` for the browser tests, with its own SQLite file."""
    data = tmp_path_factory.mktemp("live-data")
    proc, base = start_server(data)
    assert (data / "loopcoach.db").exists()
    yield base
    stop_server(proc)


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: pip install -e '.[test]'"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM}: apt-get install chromium (Debian)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"browser tests need Chromium under CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def screenshots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser tests save their screenshots: $LOOPCOACH_SCREENSHOTS, or a temp dir."""
    chosen = os.environ.get(SCREENSHOTS_ENV, "").strip()
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture()
def page(browser: Any, screenshots_dir: Path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    errors: list[str] = []
    pg = context.new_page()
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.set_default_timeout(60_000)  # a loaded 2-core CI machine builds a pack slowly
    pg.console_errors = errors
    pg.screenshots_dir = screenshots_dir
    yield pg
    context.close()


@pytest.fixture()
def phone(browser: Any, screenshots_dir: Path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    pg = context.new_page()
    pg.screenshots_dir = screenshots_dir
    pg.set_default_timeout(60_000)  # a loaded 2-core CI machine builds a pack slowly
    yield pg
    context.close()
