"""`loopcoach admin ...`: accounts from the command line, secrets never from argv, one-line
errors, and local mode untouched."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from tests.accounts.helpers import PASSWORD, cheap_hasher

from loopcoach.cli.app import main


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("loopcoach.app.accounts.default_hasher", cheap_hasher)


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    stdin: str | None = "",
) -> tuple[int, str, str]:
    if stdin is None:
        monkeypatch.setattr("sys.stdin", None)
    else:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = 0
    try:
        main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_admin_full_flow(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    def ok(*argv: str, stdin: str = "") -> str:
        code, out, err = run(capsys, monkeypatch, *argv, stdin=stdin)
        assert code == 0, err
        return out

    assert "created coach coach@example.org" in ok(
        "admin",
        "create-user",
        "Coach@Example.org",
        "--role",
        "coach",
        "--name",
        "Cy",
        stdin=PASSWORD + "\n",
    )
    ok("admin", "create-user", "ann@example.org", stdin=PASSWORD + "\r\n")
    ok("admin", "create-cohort", "Spring", "--coach", "coach@example.org")
    assert "added ann@example.org to Spring" in ok(
        "admin", "invite", "ann@example.org", "--cohort", "Spring"
    )
    assert "already in" in ok("admin", "invite", "ANN@example.org", "--cohort", "Spring")
    users = json.loads(ok("admin", "list-users", "--json"))
    assert [(u["email"], u["role"], u["name"]) for u in users] == [
        ("ann@example.org", "learner", ""),
        ("coach@example.org", "coach", "Cy"),
    ]
    assert users[0]["cohorts"] == [{"name": "Spring", "as": "learner"}]
    assert "password_hash" not in users[0] and PASSWORD not in json.dumps(users)
    table = ok("admin", "list-users")
    assert "ann@example.org" in table and "Spring (learner)" in table

    code, out, err = run(capsys, monkeypatch, "admin", "reset-password", "ann@example.org")
    assert code == 0
    token = out.strip()
    assert len(token) == 43 and "loopcoach admin use-reset" in err
    ok("admin", "use-reset", stdin=f"{token}\nan entirely new passphrase\n")
    code, _, err = run(
        capsys, monkeypatch, "admin", "use-reset", stdin=f"{token}\nyet another passphrase\n"
    )
    assert code == 1 and err.startswith("error: this reset token is unknown, already used")
    actions = [e["action"] for e in json.loads(ok("admin", "audit", "--json"))]
    assert actions[:3] == ["reset-refused", "reset-used", "reset-issued"]
    assert actions.count("user-created") == 2


def test_cli_admin_password_from_file(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    tmp_path: Path,
) -> None:
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\nignored second line\n")
    code, _, err = run(
        capsys, monkeypatch, "admin", "create-user", "a@example.org", "--password-file", str(secret)
    )
    assert code == 0, err
    from loopcoach.app import Coach
    from loopcoach.config import Settings

    accounts = Coach(Settings.from_env()).accounts
    accounts._make_hasher = cheap_hasher
    assert accounts.authenticate("a@example.org", PASSWORD).account.email == "a@example.org"


def test_cli_admin_disable_and_enable_a_user(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    """Disabling refuses sign-in and ends every session at once; enabling lets the same
    password in again; both audited once, a repeat changes nothing; nobody else affected."""
    from loopcoach.app import Coach
    from loopcoach.app.accounts import LoginFailed
    from loopcoach.config import Settings

    for email in ("ann@example.org", "bob@example.org"):
        code, _, err = run(capsys, monkeypatch, "admin", "create-user", email, stdin=PASSWORD)
        assert code == 0, err
    accounts = Coach(Settings.from_env()).accounts
    accounts._make_hasher = cheap_hasher
    tokens = [accounts.authenticate("ann@example.org", PASSWORD).token for _ in range(2)]
    bobs = accounts.authenticate("bob@example.org", PASSWORD).token
    assert all(accounts.session(t) is not None for t in tokens)

    code, out, err = run(capsys, monkeypatch, "admin", "disable-user", "Ann@Example.org")
    assert code == 0, err
    assert "disabled ann@example.org; 2 sessions ended" in out
    assert all(accounts.session(t) is None for t in tokens)
    with pytest.raises(LoginFailed):
        accounts.authenticate("ann@example.org", PASSWORD)
    assert accounts.user("ann@example.org").disabled
    assert accounts.session(bobs) is not None and not accounts.user("bob@example.org").disabled
    code, out, _ = run(capsys, monkeypatch, "admin", "disable-user", "ann@example.org")
    assert code == 0 and "0 sessions ended" in out

    code, out, err = run(capsys, monkeypatch, "admin", "enable-user", "ann@example.org")
    assert code == 0, err
    assert "enabled ann@example.org" in out
    assert accounts.authenticate("ann@example.org", PASSWORD).account.email == "ann@example.org"
    code, out, err = run(capsys, monkeypatch, "admin", "list-users", "--json")
    states = {u["email"]: u["disabled"] for u in json.loads(out)}
    assert states == {"ann@example.org": False, "bob@example.org": False}
    actions = [(e.action, e.target) for e in accounts.audit_log(limit=100)]
    assert actions.count(("account-disabled", "ann@example.org")) == 1
    assert actions.count(("account-enabled", "ann@example.org")) == 1


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["create-user", "a@example.org"], None, "no password given: pipe it on standard input"),
        (["create-user", "a@example.org"], "", "no password given"),
        (["create-user", "a@example.org"], "\n", "no password given"),
        (["create-user", "a@example.org"], "short\n", "password: use at least 12 characters"),
        (["create-user", "a@example.org"], "x" * 5000, "standard input: larger than 4096"),
        (["create-user", "a@example.org", "--role", "root"], PASSWORD, "role 'root': use one of"),
        (["create-user", "nope"], PASSWORD, "email 'nope' is not an address"),
        (
            ["create-user", "a@example.org", "--password-file", "/nonexistent/pw"],
            "",
            "--password-file /nonexistent/pw: cannot read it",
        ),
        (["create-cohort", "Spring", "--coach", "x@example.org"], "", "no user with email"),
        (["invite", "x@example.org", "--cohort", "Spring"], "", "no user with email"),
        (["reset-password", "x@example.org"], "", "no user with email x@example.org"),
        (["disable-user", "x@example.org"], "", "no user with email x@example.org"),
        (["enable-user", "x@example.org"], "", "no user with email x@example.org"),
        (["use-reset"], "", "no reset token given"),
        (["use-reset"], "abc\n" + PASSWORD + "\n", "this reset token is unknown"),
    ],
)
def test_cli_admin_errors_are_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    argv: list[str],
    stdin: str | None,
    message: str,
) -> None:
    code, out, err = run(capsys, monkeypatch, "admin", *argv, stdin=stdin)
    assert code == 1, (out, err)
    assert err.startswith("error: ") and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_cli_admin_password_never_an_argument(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    code, _, err = run(
        capsys, monkeypatch, "admin", "create-user", "a@example.org", "--password", PASSWORD
    )
    assert code == 2 and "--password" in err


def test_cli_admin_leaves_local_mode_alone(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    code, _, err = run(capsys, monkeypatch, "admin", "create-user", "a@example.org", stdin=PASSWORD)
    assert code == 0, err
    from sqlalchemy import create_engine, text

    with create_engine(
        database_url.replace("postgresql://", "postgresql+psycopg://")
    ).connect() as c:
        names = c.execute(text("SELECT name FROM users ORDER BY id")).scalars().all()
    assert names[0] == "local" and len(names) == 2
    code, out, _ = run(capsys, monkeypatch, "roles", "--json")
    assert code == 0 and json.loads(out)
