"""Output helpers: Rich tables on a terminal, plain tab-separated text otherwise, JSON on demand."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=not sys.stdout.isatty())


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    out = console()
    if out.is_terminal:
        t = Table(title=title, show_lines=False)
        for c in columns:
            t.add_column(c, overflow="fold")
        for r in rows:
            t.add_row(*(str(x) for x in r))
        out.print(t)
    else:
        if title and title != "Roles":
            sys.stdout.write(f"\n{title}\n")
        sys.stdout.write("\t".join(columns) + "\n")
        for r in rows:
            sys.stdout.write("\t".join(str(x).replace("\n", " ") for x in r) + "\n")


def heading(text: str) -> None:
    out = console()
    if out.is_terminal:
        out.print(f"\n[bold]{text}[/bold]")
    else:
        sys.stdout.write(f"\n{text}\n")


def line(text: str = "") -> None:
    out = console()
    if out.is_terminal:
        out.print(text, markup=False)
    else:
        sys.stdout.write(text + "\n")


def bullets(items: Sequence[str], indent: int = 2) -> None:
    for item in items:
        line(" " * indent + "- " + item)
