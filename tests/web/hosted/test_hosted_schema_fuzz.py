"""Schemathesis over /openapi.json in hosted mode, as a signed-in learner (session cookie,
the session's CSRF header, same-origin): about a minute of generated requests to every
operation, none of which may end in a 5xx. Slow: runs under CI=true (`make test-all`)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.accounts.helpers import PASSWORD
from tests.web.fuzzing import fuzz_api
from tests.web.hosted.conftest import make_app, sibling_coach
from tests.web.signin import sign_in

from loopcoach.app import Coach

SECONDS = 60.0  # the whole run; shared evenly between the operations
ORIGIN = "http://testserver"  # schemathesis's in-process client calls the app "testserver"
EMAIL = "fuzz@example.org"


def _app(root: Coach) -> Any:
    # limits high enough that the fuzzer reaches the analyses instead of 429s
    coach = sibling_coach(root, rate_analyses=10_000, rate_uploads=10_000)
    app = make_app(coach, extra_hosts=("testserver",))
    coach.accounts.create_user(EMAIL, PASSWORD, role="learner")
    return app


def _signed_in(app: Any) -> dict[str, str]:
    """The headers of a signed-in same-origin client: session cookie, CSRF token, Origin."""
    from fastapi.testclient import TestClient

    from loopcoach.web.auth import SESSION_COOKIE

    with TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN}) as c:
        csrf = sign_in(c, EMAIL)
        token = c.cookies[SESSION_COOKIE]
    return {"Origin": ORIGIN, "Cookie": f"{SESSION_COOKIE}={token}", "X-CSRF-Token": csrf}


@pytest.mark.slow
def test_no_generated_request_gets_a_5xx_signed_in(hosted_coach: Coach) -> None:
    app = _app(hosted_coach)
    run = fuzz_api(app, _signed_in(app), SECONDS)
    assert len(run.paths) >= 20, "the API's operations are all in /openapi.json"
    assert any("/coach/learners" in path for path in run.paths)  # the hosted-only API too
    assert run.requests > 200, run.statuses
    assert run.statuses.get(200, 0) + run.statuses.get(201, 0) > 50, run.statuses  # not 401s
    assert not run.failures, "\n".join(sorted(set(run.failures))[:30])
    assert not [s for s in run.statuses if s >= 500], run.statuses
