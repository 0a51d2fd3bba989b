"""Load packs from directories: built-in packs shipped in the wheel, then any extra directories.

`load_library(extra_dirs)` returns a validated `Library`; every problem found is reported at once
as a `PackError` whose messages name the file, the line and the field.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from loopcoach.content.schema import Pack
from loopcoach.content.yamlsource import Path_, Sourced, merge_files
from loopcoach.errors import PackError

COMMON_PACK = "_common"


@dataclass(frozen=True)
class LoadedPack:
    pack: Pack
    source: Sourced
    directory: str
    builtin: bool

    def where(self, path: Path_) -> str:
        fname, line = self.source.where(path)
        return f"{fname}:{line}" if line else fname


def builtin_packs_dir() -> Path:
    return Path(str(resources.files("loopcoach.content") / "packs"))


def _yaml_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())


def pack_dirs(root: Path) -> list[Path]:
    """A directory is a pack if it holds YAML files; otherwise its subdirectories are packs."""
    if not root.is_dir():
        raise PackError([f"{root}: not a directory; --packs and LOOPCOACH_PACKS take directories"])
    if _yaml_files(root):
        return [root]
    found = sorted(d for d in root.iterdir() if d.is_dir() and _yaml_files(d))
    if not found:
        raise PackError([f"{root}: no pack found (a pack is a directory of .yaml files)"])
    return found


def _field_type(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class reached by following `loc` from `model`, if any."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (list, tuple, set):
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is not type(None):
                return _unwrap(arg)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    return tp


def _label(data: Any, loc: tuple[Any, ...]) -> str:
    """Readable field path: questions[3](tpm-risk).talking_points[0].cues."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f"({node['id']})"
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"


def describe_errors(exc: ValidationError, source: Sourced, model: type[BaseModel]) -> list[str]:
    messages = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function")))
        fname, line = source.where(loc)
        where = f"{fname}:{line}" if line else fname
        label = _label(source.data, loc)
        kind = err["type"]
        if kind == "missing":
            parent = _label(source.data, loc[:-1])
            msg = f"missing required field '{loc[-1]}' in {parent}"
        elif kind == "extra_forbidden":
            owner = _field_type(model, loc[:-1])
            allowed = ", ".join(owner.model_fields) if owner else ""
            msg = f"unknown field '{loc[-1]}' in {_label(source.data, loc[:-1])}"
            if allowed:
                msg += f" (expected one of: {allowed})"
        else:
            msg = f"{label}: {err['msg']}"
            if kind in {"literal_error", "enum"}:
                msg += f", got {err.get('input')!r}"
        messages.append(f"{where}: {msg}")
    return messages


def load_pack(
    directory: Path, *, builtin: bool = False, display_root: Path | None = None
) -> LoadedPack:
    files = _yaml_files(directory)
    if not files:
        raise PackError([f"{directory}: no .yaml files; a pack is a directory of YAML files"])
    root = display_root or directory.parent

    def show(p: Path) -> str:
        try:
            return str(p.relative_to(root))
        except ValueError:
            return str(p)

    source = merge_files([(p, show(p)) for p in files])
    if "pack" not in source.data:
        raise PackError(
            [
                f"{show(files[0])}:1: missing required section 'pack' "
                "(id, name, and optionally extends) in one of the pack's files"
            ]
        )
    try:
        pack = Pack.model_validate(source.data)
    except ValidationError as exc:
        raise PackError(describe_errors(exc, source, Pack)) from None
    return LoadedPack(pack=pack, source=source, directory=str(directory), builtin=builtin)


def load_all(extra_dirs: list[Path] | tuple[Path, ...] = ()) -> list[LoadedPack]:
    """Built-in packs first, then extra ones, collecting every problem before failing."""
    loaded: list[LoadedPack] = []
    problems: list[str] = []
    builtin_root = builtin_packs_dir()
    sources: list[tuple[Path, bool, Path]] = [
        (d, True, builtin_root) for d in pack_dirs(builtin_root)
    ]
    for extra in extra_dirs:
        try:
            sources.extend((d, False, d.parent) for d in pack_dirs(Path(extra)))
        except PackError as exc:
            problems.extend(exc.problems)
    for directory, builtin, root in sources:
        try:
            loaded.append(load_pack(directory, builtin=builtin, display_root=root))
        except PackError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PackError(problems)
    return loaded
