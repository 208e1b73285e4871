"""Glob selection for BackendPath, through the backend's ``scandir``.

Semantics are those of pathlib 3.13 on every interpreter:

- ``*`` and the other wildcards match hidden (dot) files;
- ``**`` matches any number of directories including none, and a pattern
  ending in ``**`` yields files as well as directories (3.12 yielded
  directories only);
- ``**`` does not descend into symlinks unless ``recurse_symlinks`` is true,
  so a link loop cannot make a glob run forever; other wildcards do follow a
  symlink to a directory;
- a pattern ending in a separator yields directories only;
- an explicit ``case_sensitive`` makes even literal parts match by listing
  the directory, since the filesystem's own case rules are unknown;
- errors while reading directories are ignored.

One deliberate difference: a pattern with several ``**`` parts yields each
path once (3.13 can yield one path several times).

The pattern is compiled into a chain of selectors, one per part; each takes
a path and a flag saying it is already known to exist, and yields matches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from tempkit._flavour import _compile_part

if TYPE_CHECKING:
    from tempkit.backends.protocol import DirEntry
    from tempkit.path import BackendPath

__all__ = ["select"]

Selector = Callable[["BackendPath", bool], Iterator["BackendPath"]]

_MAGIC = frozenset("*?[")
# Parts that are never matched against directory entries: "" marks a pattern
# that ended in a separator (directories only), ".." climbs.
_SPECIAL = ("", "..")


class _Options(NamedTuple):
    case_sensitive: bool
    case_pedantic: bool
    recurse_symlinks: bool


def select(
    base: BackendPath,
    parts: list[str],
    *,
    case_sensitive: bool,
    case_pedantic: bool,
    recurse_symlinks: bool,
) -> Iterator[BackendPath]:
    """Yield every path below ``base`` that matches the component list ``parts``.

    ``parts`` ends with ``""`` when only directories should match.
    """
    options = _Options(case_sensitive, case_pedantic, recurse_symlinks)
    paths = _selector(parts, options)(base, False)
    recursive = [p for i, p in enumerate(parts) if p == "**" and parts[i - 1 : i] != ["**"]]
    if len(recursive) < 2:
        return paths
    return _unique(paths)


def _selector(parts: list[str], options: _Options) -> Selector:
    if not parts:
        return _select_existing
    part, rest = parts[0], parts[1:]
    if part == "**":
        return _recursive_selector(rest, options)
    if part in _SPECIAL:
        return _special_selector(part, rest, options)
    if options.case_pedantic or _MAGIC & set(part):
        return _wildcard_selector(part, rest, options)
    return _literal_selector(part, rest, options)


def _select_existing(path: BackendPath, exists: bool) -> Iterator[BackendPath]:
    if exists or path.exists(follow_symlinks=False):
        yield path


def _special_selector(part: str, rest: list[str], options: _Options) -> Selector:
    select_next = _selector(rest, options)

    if part == "":

        def select_directory(path: BackendPath, exists: bool) -> Iterator[BackendPath]:
            # "path/" exists only when path is a directory (or a link to one).
            if exists or path.is_dir():
                yield from select_next(path, True)

        return select_directory

    def select_parent(path: BackendPath, exists: bool) -> Iterator[BackendPath]:
        yield from select_next(path._child(part), exists)

    return select_parent


def _literal_selector(part: str, rest: list[str], options: _Options) -> Selector:
    # Consecutive literal parts are one step: no listing needed to find them.
    names = [part]
    while rest and rest[0] not in _SPECIAL and rest[0] != "**" and not _MAGIC & set(rest[0]):
        names.append(rest[0])
        rest = rest[1:]
    select_next = _selector(rest, options)

    def select_literal(path: BackendPath, exists: bool) -> Iterator[BackendPath]:
        for name in names:
            path = path._child(name)
        yield from select_next(path, False)

    return select_literal


def _wildcard_selector(part: str, rest: list[str], options: _Options) -> Selector:
    match = None if part == "*" else _compile_part(part, options.case_sensitive).match
    dirs_only = bool(rest)
    select_next = _selector(rest, options)

    def select_wildcard(path: BackendPath, exists: bool) -> Iterator[BackendPath]:
        for entry in _entries(path):
            if match is not None and not match(entry.name):
                continue
            if not dirs_only:
                yield path._child(entry.name)
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                yield from select_next(path._child(entry.name), True)

    return select_wildcard


def _recursive_selector(rest: list[str], options: _Options) -> Selector:
    while rest and rest[0] == "**":
        rest = rest[1:]
    dirs_only = bool(rest)
    follow = options.recurse_symlinks
    select_next = _selector(rest, options)

    def select_recursive(path: BackendPath, exists: bool) -> Iterator[BackendPath]:
        # "**" matches "path/" itself, which exists only when path is a directory.
        if rest:
            yield from select_next(path, exists)
        elif exists or path.is_dir():
            yield path
        pending = [path]
        while pending:
            top = pending.pop()
            for entry in _entries(top):
                try:
                    is_dir = entry.is_dir(follow_symlinks=follow)
                except OSError:
                    is_dir = False
                if not (is_dir or not dirs_only):
                    continue
                child = top._child(entry.name)
                if dirs_only:
                    yield from select_next(child, True)
                else:
                    yield child
                if is_dir:
                    pending.append(child)

    return select_recursive


def _entries(path: BackendPath) -> list[DirEntry]:
    """The entries of ``path``, read at once so no directory handle stays open."""
    try:
        return list(path.backend.scandir(path.__str__()))
    except OSError:
        return []


def _unique(paths: Iterator[BackendPath]) -> Iterator[BackendPath]:
    seen: set[BackendPath] = set()
    for path in paths:
        if path not in seen:
            seen.add(path)
            yield path
