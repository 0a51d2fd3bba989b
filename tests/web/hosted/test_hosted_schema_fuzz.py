"""Schemathesis over /openapi.json in hosted mode, as a signed-in learner (session cookie,
the session's CSRF header, same-origin): about a minute of generated requests to every
operation, none of which may end in a 5xx. Slow: runs under CI=true (`make test-all`)."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest
from tests.accounts.helpers import PASSWORD

from loopcoach.app import Coach

SECONDS = 60.0  # the whole run; shared evenly between the operations
BATCH = 10  # examples per batch; each batch has its own seed
ORIGIN = "http://testserver"  # schemathesis's in-process client calls the app "testserver"


def _app(root: Coach) -> Any:
    from tests.accounts.helpers import cheap_hasher

    from loopcoach.app.accounts import AccountsService
    from loopcoach.app.hosting import Hosted
    from loopcoach.web.app import create_app

    # limits high enough that the fuzzer reaches the analyses instead of 429s
    settings = dataclasses.replace(root.settings, rate_analyses=10_000, rate_uploads=10_000)
    coach = Coach(settings, clock=root.clock)
    for shared in ("library", "analyzer", "matcher"):
        coach.__dict__[shared] = getattr(root, shared)
    coach.__dict__["accounts"] = AccountsService(
        lambda: coach.engine, clock=coach.clock, hasher=cheap_hasher
    )
    coach.accounts.create_user("fuzz@example.org", PASSWORD, role="learner")
    return create_app(coach, extra_hosts=("testserver",), hosted=Hosted(secure_cookies=False))


def _signed_in(app: Any) -> dict[str, str]:
    """The headers of a signed-in same-origin client: session cookie, CSRF token, Origin."""
    from fastapi.testclient import TestClient
    from tests.web.hosted.conftest import TOKEN_RX

    from loopcoach.web.auth import SESSION_COOKIE

    with TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN}) as c:
        found = TOKEN_RX.search(c.get("/login").text)
        assert found is not None
        form = {"email": "fuzz@example.org", "password": PASSWORD, "csrf_token": found.group(1)}
        r = c.post("/login", data=form, follow_redirects=False)
        assert r.status_code == 303, r.text
        token = c.cookies[SESSION_COOKIE]
        csrf = c.get("/api/v1/me").json()["csrf_token"]
    return {"Origin": ORIGIN, "Cookie": f"{SESSION_COOKIE}={token}", "X-CSRF-Token": csrf}


@pytest.mark.slow
def test_no_generated_request_gets_a_5xx_signed_in(hosted_coach: Coach) -> None:
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from schemathesis.checks import not_a_server_error

    app = _app(hosted_coach)
    headers = _signed_in(app)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=headers)
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) >= 20, "the API's operations are all in /openapi.json"
    assert any("/coach/learners" in op.path for op in operations)  # the hosted-only API too
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
            response = case.call(headers=headers)
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
        while time.monotonic() < deadline:
            fuzz(operation, batch)
            batch += 1
    print(f"schemathesis: {sum(statuses.values())} requests, statuses {sorted(statuses.items())}")
    assert sum(statuses.values()) > 200, statuses
    assert statuses.get(200, 0) + statuses.get(201, 0) > 50, statuses  # signed in, not 401s
    assert not failures, "\n".join(sorted(set(failures))[:30])
    assert not [s for s in statuses if s >= 500], statuses
