"""The Dockerfile and compose.yaml, checked without a container runtime: the compose file parses
and wires the app to its database, and the Dockerfile copies files that exist, runs Makefile
targets that exist and starts `loopcoach serve` with options the command has."""

from __future__ import annotations

import contextlib
import re
import shlex
from pathlib import Path

import pytest
import yaml

from loopcoach.cli.app import main

ROOT = Path(__file__).resolve().parents[1]


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of each Dockerfile line, continuations joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return {m.group(1) for m in re.finditer(r"^([A-Za-z][\w.-]*)\s*:(?!=)", text, re.MULTILINE)}


def serve_options(capsys: pytest.CaptureFixture[str]) -> set[str]:
    with contextlib.suppress(SystemExit):
        main(["serve", "--help"])
    return set(re.findall(r"--[a-z][a-z-]+", capsys.readouterr().out))


def test_the_dockerfile_copies_files_that_exist() -> None:
    copies = [args for word, args in dockerfile() if word == "COPY"]
    assert copies
    for args in copies:
        *sources, _dest = shlex.split(args)
        for source in sources:
            assert (ROOT / source).exists(), f"Dockerfile copies {source}, which is not in the repo"


def test_the_dockerfile_runs_makefile_targets_that_exist() -> None:
    wanted = set()
    for args in (args for word, args in dockerfile() if word == "RUN"):
        for command in re.split(r"&&|;|\|\|", args):
            words = shlex.split(command)
            if words and words[0] == "make":
                wanted |= {w for w in words[1:] if "=" not in w and not w.startswith("-")}
    assert wanted, "the image is meant to be installed by the Makefile, as a machine is"
    assert wanted <= makefile_targets(), wanted - makefile_targets()


def test_the_dockerfile_starts_serve_with_options_it_has(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cmd = [args for word, args in dockerfile() if word == "CMD"]
    assert len(cmd) == 1 and "loopcoach serve" in cmd[0]
    used = set(re.findall(r"--[a-z][a-z-]+", cmd[0]))
    assert {"--host", "--workers", "--allow-host"} <= used
    assert used <= serve_options(capsys)


def test_the_compose_file_wires_the_app_to_postgresql() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"app", "db"}
    app, db = services["app"], services["db"]
    assert app["build"] == "."
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in db
    url = app["environment"]["LOOPCOACH_DATABASE_URL"]
    assert url.startswith("postgresql://") and "@db:5432/" in url
    assert db["environment"]["POSTGRES_DB"] == url.rsplit("/", 1)[1]
    # every variable the image reads is set, and the published port is loopback only
    for name in ("LOOPCOACH_WORKERS", "LOOPCOACH_ALLOW_HOST", "LOOPCOACH_DB_POOL_SIZE"):
        assert name in app["environment"]
    assert app["environment"]["LOOPCOACH_MODE"] == "hosted"  # a cohort's server signs users in
    assert all(str(p).startswith("127.0.0.1:") for p in app["ports"])
    for volume in [*app["volumes"], *db["volumes"]]:
        assert volume.split(":")[0] in compose["volumes"]


def test_the_image_serves_hosted_mode_by_default() -> None:
    """The container is the cohort's server: sign-in on unless LOOPCOACH_MODE says otherwise."""
    env = " ".join(args for word, args in dockerfile() if word == "ENV")
    assert re.search(r"\bLOOPCOACH_MODE=hosted\b", env), env
