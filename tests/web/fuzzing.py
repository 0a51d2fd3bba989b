"""Property-based fuzzing of an app's JSON API from its own /openapi.json (schemathesis,
in-process): generated requests, valid and invalid, to every operation for a fixed time, in
seeded batches. Used by the local and the hosted fuzz tests (both slow)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

BATCH = 10  # examples per batch; each batch has its own seed


@dataclass
class FuzzRun:
    paths: list[str] = field(default_factory=list)  # the operations' paths
    statuses: dict[int, int] = field(default_factory=dict)  # status code -> responses
    failures: list[str] = field(default_factory=list)  # one line each: a 5xx or a bad response

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())


def fuzz_api(app: Any, headers: dict[str, str], seconds: float) -> FuzzRun:
    """Every operation of the app's schema, `seconds` shared evenly between them, each request
    sent with `headers`; what came back."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from schemathesis.checks import not_a_server_error

    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=headers)
    operations = [op.ok() for op in schema.get_all_operations()]
    run = FuzzRun(paths=[op.path for op in operations])
    if not operations:
        return run
    per_operation = seconds / len(operations)

    def batch(operation: Any, number: int) -> None:
        @seed(number)
        @given(case=operation.as_strategy())
        @settings(
            max_examples=BATCH,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def one(case: Any) -> None:
            response = case.call(headers=headers)
            code = response.status_code
            run.statuses[code] = run.statuses.get(code, 0) + 1
            if code >= 500:
                run.failures.append(f"{operation.label}: {code} {response.text[:200]}")
                return
            try:
                case.validate_response(response, checks=[not_a_server_error])
            except Exception as exc:  # schemathesis raises its own failure types
                run.failures.append(f"{operation.label}: {str(exc).splitlines()[0][:300]}")

        one()

    for operation in operations:
        deadline = time.monotonic() + per_operation
        number = 0
        while time.monotonic() < deadline:  # new examples each batch, until its time is up
            batch(operation, number)
            number += 1
    print(f"schemathesis: {run.requests} requests, statuses {sorted(run.statuses.items())}")
    return run
