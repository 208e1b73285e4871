"""Glob selection for BackendPath, through the backend's ``scandir``.

Semantics follow pathlib 3.12: ``*`` matches dotfiles, a pattern ending in
``**`` yields directories only, and ``**`` never descends through a symlink,
so a link loop cannot make a glob run forever.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tempkit._flavour import _compile_part

if TYPE_CHECKING:
    from tempkit.path import BackendPath

__all__ = ["select"]

_MAGIC = frozenset("*?[")


def select(base: BackendPath, parts: list[str], case_sensitive: bool) -> Iterator[BackendPath]:
    """Yield every path below ``base`` that matches the component list ``parts``."""
    current: list[BackendPath] = [base]
    literal_tail = False
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            if index and parts[index - 1] == "**":
                continue
            current = _dedupe(d for p in current for d in _descend(p))
            literal_tail = False
        elif not _MAGIC & set(part):
            current = [p._child(part) for p in current]
            literal_tail = True
        else:
            regex = _compile_part(part, case_sensitive)
            current = [
                p._child(name)
                for p in current
                for name, is_dir in _entries(p)
                if (last or is_dir) and regex.match(name)
            ]
            literal_tail = False
    for path in current:
        if literal_tail and not path.exists(follow_symlinks=False):
            continue
        yield path


def _entries(path: BackendPath) -> list[tuple[str, bool]]:
    try:
        entries = list(path.backend.scandir(str(path)))
    except OSError:
        return []
    result = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        result.append((entry.name, is_dir))
    return result


def _descend(top: BackendPath) -> Iterator[BackendPath]:
    """``top`` and every directory below it, without following symlinks."""
    pending = [top]
    while pending:
        path = pending.pop()
        yield path
        try:
            entries = list(path.backend.scandir(str(path)))
        except OSError:
            continue
        children = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    children.append(path._child(entry.name))
            except OSError:
                continue
        pending.extend(reversed(children))


def _dedupe(paths: Iterator[BackendPath]) -> list[BackendPath]:
    seen: set[BackendPath] = set()
    result = []
    for path in paths:
        if path not in seen:
            seen.add(path)
            result.append(path)
    return result
