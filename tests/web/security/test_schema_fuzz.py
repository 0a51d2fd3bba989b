"""Property-based fuzzing of the JSON API from its own /openapi.json (schemathesis), in-process:
about a minute of generated requests, valid and invalid, to every operation, and none may end in
a 5xx. Slow: runs under CI=true (`make test-all`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.web.fuzzing import fuzz_api

SECONDS = 60.0  # the whole run; shared evenly between the operations


def _app(data: Path) -> Any:
    from loopcoach.app import Coach
    from loopcoach.config import Settings
    from loopcoach.web.app import create_app

    settings = Settings.from_env({"LOOPCOACH_DATA_DIR": str(data)})
    # schemathesis's in-process client calls the app "testserver"
    return create_app(Coach(settings), extra_hosts=("testserver",))


@pytest.mark.slow
def test_no_generated_request_gets_a_5xx(tmp_path: Path) -> None:
    run = fuzz_api(_app(tmp_path), {"Origin": "http://testserver"}, SECONDS)
    assert len(run.paths) >= 20, "the API's operations are all in /openapi.json"
    assert run.requests > 200, run.statuses
    assert not run.failures, "\n".join(sorted(set(run.failures))[:30])
    assert not [s for s in run.statuses if s >= 500], run.statuses
