"""The architecture's arrows point one way (../shared/DESIGN.md, "Layers")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).parents[1] / "src" / "loopcoach"
CORE = ["domain", "content", "analysis", "interview", "prep", "exercises", "practice"]
FORBIDDEN_FOR_CORE = {
    "loopcoach.store",
    "loopcoach.web",
    "loopcoach.cli",
    "loopcoach.export",
    "loopcoach.coach",
    "loopcoach.llm",
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "typer",
    "rich",
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def core_files() -> list[Path]:
    return [p for layer in CORE if (PKG / layer).exists() for p in (PKG / layer).rglob("*.py")]


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(PKG)))
def test_layers_core_never_imports_edges_or_faces(path: Path) -> None:
    bad = {
        name
        for name in imports_of(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_FOR_CORE)
    }
    assert not bad, f"{path.relative_to(PKG)} imports {sorted(bad)}"


def test_layers_domain_imports_nothing_of_ours() -> None:
    for path in (PKG / "domain").rglob("*.py"):
        ours = {
            n
            for n in imports_of(path)
            if n.startswith("loopcoach") and not n.startswith("loopcoach.domain")
        }
        assert not ours, f"{path.name} imports {ours}"


def test_layers_web_does_not_import_cli() -> None:
    for path in (PKG / "web").rglob("*.py"):
        assert not any(n.startswith("loopcoach.cli") for n in imports_of(path)), path.name
