"""Start-up: `loopcoach --help` lists the commands without importing them, each command loads
only its own module, and the static help table matches the real commands."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from loopcoach.cli import app as cli_app

HEAVY = (
    "numpy",
    "sqlalchemy",
    "pydantic",
    "yaml",
    "fastapi",
    "loopcoach.content.library",
    "loopcoach.cli.browse",
    "loopcoach.cli.mock",
    "loopcoach.cli.prep",
    "loopcoach.cli.practice",
    "loopcoach.cli.exercise",
)


def modules_after(args: list[str], tmp_path: Path) -> list[str]:
    """The loopcoach, and heavy, modules a fresh process has imported after running `args`."""
    code = (
        "import sys, json\nfrom loopcoach.cli.app import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    env = {**os.environ, "LOOPCOACH_DATA_DIR": str(tmp_path)}
    env.pop("LOOPCOACH_DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_cli_help_imports_no_command_module(tmp_path: Path) -> None:
    loaded = modules_after(["--help"], tmp_path)
    assert not [m for m in HEAVY if m in loaded], [m for m in HEAVY if m in loaded]


def test_cli_browsing_loads_only_what_it_needs(tmp_path: Path) -> None:
    modules_after(["roles"], tmp_path)  # the first run stores the library cache
    loaded = modules_after(["role", "tpm"], tmp_path)
    assert "loopcoach.cli.browse" in loaded
    for heavy in ("numpy", "sqlalchemy", "fastapi", "loopcoach.cli.mock", "loopcoach.cli.prep"):
        assert heavy not in loaded, heavy
    assert "yaml" not in loaded, "the packs came from the cache: no YAML parser needed"


def test_cli_listing_the_exercises_runs_none_of_them(tmp_path: Path) -> None:
    modules_after(["roles"], tmp_path)  # the first run stores the library cache
    loaded = modules_after(["exercise", "list"], tmp_path)
    assert "loopcoach.exercises.cases" in loaded
    algorithms = ("backlog", "critical_path", "kano", "files", "forecast", "slicing")
    found = [m for m in loaded if m.rsplit(".", 1)[-1] in algorithms or m == "yaml"]
    assert not found, found


def test_cli_help_table_matches_the_commands() -> None:
    for name, (_module, short) in cli_app.COMMANDS.items():
        cmd = cli_app.load_command(name)
        assert cmd is not None, name
        real = cmd.help or ""
        assert " ".join(real.split()).startswith(short.rstrip(".")) or short.startswith(
            " ".join(real.split()).split(". ")[0]
        ), (name, real, short)


def test_cli_every_registered_command_is_listed() -> None:
    for module in {m for m, _ in cli_app.COMMANDS.values()} - set(cli_app.SUB_APPS):
        holder = typer.Typer()
        __import__(f"loopcoach.cli.{module}", fromlist=["register"]).register(holder)
        holder.command("__placeholder__", hidden=True)(lambda: None)
        group = typer.main.get_command(holder)
        names = set(group.commands) - {"__placeholder__"}  # type: ignore[attr-defined]
        assert names <= set(cli_app.COMMANDS), names - set(cli_app.COMMANDS)


@pytest.mark.parametrize("args", [["nope"], ["mock", "--help"], ["exercise", "list", "--json"]])
def test_cli_lazy_commands_still_work(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        cli_app.main(args)
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    out = capsys.readouterr()
    if args == ["nope"]:
        assert code == 2 and "nope" in out.err
    else:
        assert code == 0 and out.out.strip()


def test_cli_analyze_builds_the_int8_graph_without_the_onnx_package(tmp_path: Path) -> None:
    """Importing onnx (and ml_dtypes through it) was most of a cold `analyze`; the graph is
    written by analysis/onnx_proto.py instead."""
    answer = tmp_path / "answer.txt"
    answer.write_text("I cut the release checklist from forty steps to twelve. " * 20)
    args = ["analyze", "--question-id", "tpm-slip-three-weeks", "--answer-file", str(answer)]
    loaded = modules_after([*args, "--no-save"], tmp_path)
    assert "loopcoach.analysis.engine" in loaded
    assert "onnx" not in loaded and "ml_dtypes" not in loaded
    from loopcoach.analysis.minilm_int8 import exact_int8_cpu

    if importlib.util.find_spec("onnxruntime") is not None and exact_int8_cpu():
        assert "onnxruntime" in loaded  # the int8 path did run
    else:  # a CPU without exact int8 products takes the exact path and never loads it
        assert "onnxruntime" not in loaded
