"""Read YAML pack files while remembering where every value came from (file and line).

Validation messages must name the file, the YAML line and the field, so we keep a map from each
value's path (e.g. ("questions", 3, "talking_points", 0, "cues")) to its position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loopcoach.errors import PackError

if TYPE_CHECKING:
    import yaml

# PyYAML is imported only when a pack file is read: a command that finds the library in its
# cache (content/cached.py) starts without it.

MAX_PACK_FILE_BYTES = 2_000_000

Path_ = tuple[str | int, ...]


@dataclass
class Sourced:
    """Data merged from one or more files, with the position of every value."""

    data: dict[str, Any] = field(default_factory=dict)
    positions: dict[Path_, tuple[str, int]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def where(self, path: Path_) -> tuple[str, int]:
        """The file and line of the deepest known value on `path`."""
        for cut in range(len(path), -1, -1):
            pos = self.positions.get(tuple(path[:cut]))
            if pos is not None:
                return pos
        return (self.files[0] if self.files else "?", 0)


def _walk(
    node: yaml.Node, path: Path_, fname: str, out: dict[Path_, tuple[str, int]], problems: list[str]
) -> None:
    import yaml

    out[path] = (fname, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                problems.append(
                    f"{fname}:{key_node.start_mark.line + 1}: duplicate key '{key}'"
                    " in the same mapping; keep one"
                )
            seen.add(key)
            _walk(value_node, (*path, key), fname, out, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), fname, out, problems)


def read_file(path: Path, display: str | None = None) -> tuple[Any, dict[Path_, tuple[str, int]]]:
    """Parse one YAML file; returns its data and the position map. Raises PackError."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_PACK_FILE_BYTES:
            raise PackError([f"{name}: file is {size} bytes; pack files are limited to 2 MB"])
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PackError([f"{name}: not UTF-8 text; save the file as UTF-8"]) from None
    except OSError as exc:
        raise PackError([f"{name}: cannot read ({exc.strerror})"]) from None
    import yaml

    # libyaml is much faster when present
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise PackError([f"{name}{line}: YAML syntax error: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise PackError([f"{name}: YAML syntax error: {exc}"]) from None
    finally:
        loader.dispose()
    positions: dict[Path_, tuple[str, int]] = {}
    problems: list[str] = []
    if node is not None:
        _walk(node, (), name, positions, problems)
    if problems:
        raise PackError(problems)
    return data, positions


def _shift(path: Path_, key: str, offset: int) -> Path_:
    if offset and len(path) >= 2 and path[0] == key and isinstance(path[1], int):
        return (key, path[1] + offset, *path[2:])
    return path


def merge_files(files: list[tuple[Path, str]]) -> Sourced:
    """Merge pack files: list-valued keys are concatenated, mapping keys may appear once."""
    merged = Sourced()
    problems: list[str] = []
    owner: dict[str, str] = {}
    for path, display in files:
        try:
            data, positions = read_file(path, display)
        except PackError as exc:
            problems.extend(exc.problems)
            continue
        merged.files.append(display)
        if data is None:
            continue
        if not isinstance(data, dict):
            problems.append(
                f"{display}:1: a pack file must be a mapping of sections "
                "(pack, role, stages, questions, ...), not a "
                f"{type(data).__name__}"
            )
            continue
        for key, value in data.items():
            key = str(key)
            offset = 0
            if isinstance(value, list) and isinstance(merged.data.get(key, []), list):
                existing = merged.data.setdefault(key, [])
                offset = len(existing)
                existing.extend(value)
            elif key in merged.data:
                line = positions.get((key,), (display, 0))[1]
                problems.append(
                    f"{display}:{line}: section '{key}' is already defined in "
                    f"{owner[key]}; define it in one file only"
                )
                continue
            else:
                merged.data[key] = value
            owner.setdefault(key, display)
            for p, pos in positions.items():
                if p and p[0] == key:
                    merged.positions[_shift(p, key, offset)] = pos
    if problems:
        raise PackError(problems)
    return merged
