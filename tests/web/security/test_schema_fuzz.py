"""Property-based fuzzing of the JSON API from its own /openapi.json (schemathesis), in-process:
about a minute of generated requests, valid and invalid, to every operation, and none may end in
a 5xx. Slow: runs under CI=true (`make test-all`)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

SECONDS = 60.0  # the whole run; shared evenly between the operations
BATCH = 10  # examples per batch; each batch has its own seed


def _app(data: Path) -> Any:
    from loopcoach.app import Coach
    from loopcoach.config import Settings
    from loopcoach.web.app import create_app

    settings = Settings.from_env({"LOOPCOACH_DATA_DIR": str(data)})
    # schemathesis's in-process client calls the app "testserver"
    return create_app(Coach(settings), extra_hosts=("testserver",))


@pytest.mark.slow
def test_no_generated_request_gets_a_5xx(tmp_path: Path) -> None:
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from schemathesis.checks import not_a_server_error

    app = _app(tmp_path)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) >= 20, "the API's operations are all in /openapi.json"
    per_operation = SECONDS / len(operations)
    failures: list[str] = []
    statuses: dict[int, int] = {}

    def fuzz(operation: Any, batch: int) -> None:
        @seed(batch)
        @given(case=operation.as_strategy())
        @settings(
            max_examples=BATCH,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            response = case.call(headers={"Origin": "http://testserver"})
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                failures.append(f"{operation.label}: {response.status_code} {response.text[:200]}")
                return
            try:
                case.validate_response(response, checks=[not_a_server_error])
            except Exception as exc:  # schemathesis raises its own failure types
                failures.append(f"{operation.label}: {str(exc).splitlines()[0][:300]}")

        run()

    for operation in operations:
        deadline = time.monotonic() + per_operation
        batch = 0
        while time.monotonic() < deadline:  # new examples each batch, until its time is up
            fuzz(operation, batch)
            batch += 1
    print(f"schemathesis: {sum(statuses.values())} requests, statuses {sorted(statuses.items())}")
    assert sum(statuses.values()) > 200, statuses
    assert not failures, "\n".join(sorted(set(failures))[:30])
    assert not [s for s in statuses if s >= 500], statuses
