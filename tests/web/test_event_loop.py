"""The event loop keeps getting the GIL while worker threads compute, so the health check
answers quickly under load (benchmarks/web_load.py measures it on a real server)."""

from __future__ import annotations

import sys
from pathlib import Path

from fastapi.testclient import TestClient

from loopcoach.app import Coach
from loopcoach.config import Settings
from loopcoach.web.app import GIL_SWITCH_SECONDS, create_app


def test_while_the_app_runs_computing_threads_hand_back_the_gil_within_a_millisecond(
    tmp_path: Path,
) -> None:
    before = sys.getswitchinterval()
    coach = Coach(Settings.from_env({"LOOPCOACH_DATA_DIR": str(tmp_path)}))
    with TestClient(create_app(coach), base_url="http://127.0.0.1") as c:
        assert sys.getswitchinterval() == GIL_SWITCH_SECONDS
        assert c.get("/api/v1/health").json() == {"status": "ok"}
    assert sys.getswitchinterval() == before  # the process's own setting is put back
    assert GIL_SWITCH_SECONDS <= 0.001
