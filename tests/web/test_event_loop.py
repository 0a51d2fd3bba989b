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


def test_no_route_but_the_health_check_runs_on_the_event_loop() -> None:
    """Routes are plain functions (FastAPI runs them in the worker threads): CPU work never
    holds the event loop; only the health check answers on it, so it answers while they work."""
    import inspect

    from fastapi.routing import APIRoute

    from loopcoach.web.routes import account, analyze, api, exercises, mock, pages, plan, prep

    routers = [api.router, analyze.api, analyze.pages, mock.api, mock.pages, exercises.api]
    routers += [exercises.pages, plan.api, plan.pages, prep.api, prep.pages, pages.router]
    routers += [account.api, account.pages]
    routes = [r for router in routers for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) > 60
    on_the_loop = sorted(r.path for r in routes if inspect.iscoroutinefunction(r.endpoint))
    assert on_the_loop == ["/api/v1/health"]
