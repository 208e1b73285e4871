"""How the pytest plugin describes a kept temp dir: where it is, and what it holds.

A tree on the disk can be looked at after the run; a tree in memory cannot, so
its listing also shows the first bytes of each small file.
"""

from __future__ import annotations

import stat
from typing import Final

from tempkit.path import BackendPath

__all__ = ["LISTING_LIMIT", "PREVIEW_BYTES", "describe_kept", "where"]

# How much of a kept tree the report lists, and how much of a small file it shows
# when the tree is not on this machine's disk (so it cannot be opened to look).
LISTING_LIMIT: Final = 50
PREVIEW_BYTES: Final = 32


def where(path: BackendPath) -> str:
    """The path as the summary line shows it: a plain path on disk, else backend:path."""
    backend = path.backend
    if backend.capabilities.local_paths:
        return str(path)
    return f"{backend.name}:{path}"


def describe_kept(path: BackendPath) -> str:
    """The report section for a kept temp dir: where it is, and a listing of it."""
    backend = path.backend
    if backend.capabilities.local_paths:
        head = f"kept the temp_dir of this failed test on disk: {path}\n(remove it when done)"
    elif backend.name == "memory":
        head = (
            f"kept the temp_dir of this failed test in memory ({backend!r}): {path}\n"
            "it has no path on disk and is gone when pytest exits; it held:"
        )
    else:
        head = f"kept the temp_dir of this failed test on {backend!r}: {path}\nit holds:"
    lines = _listing(path, preview=not backend.capabilities.local_paths)
    return "\n".join([head, *lines]) + "\n"


def _listing(root: BackendPath, *, preview: bool) -> list[str]:
    """An indented listing of ``root``, depth first in name order (links are not followed)."""
    lines = [f"{root}/"]
    stack: list[tuple[BackendPath, int]] = []
    failure = _push_children(stack, root, 1)
    if failure:
        lines.append("    " + failure)
    while stack:
        if len(lines) > LISTING_LIMIT:
            lines.append(f"... (the listing stops at {LISTING_LIMIT} entries)")
            break
        path, depth = stack.pop()
        text, is_dir = _describe_entry(path, preview=preview)
        lines.append("    " * depth + text)
        if is_dir:
            failure = _push_children(stack, path, depth + 1)
            if failure:
                lines.append("    " * (depth + 1) + failure)
    return lines


def _push_children(stack: list[tuple[BackendPath, int]], directory: BackendPath, depth: int) -> str:
    """Push the entries of ``directory`` (first name on top); return why not, if it fails."""
    try:
        children = sorted(directory.iterdir(), key=lambda p: p.name, reverse=True)
    except OSError as exc:
        return f"(cannot list: {type(exc).__name__}: {exc.strerror or exc})"
    stack.extend((child, depth) for child in children)
    return ""


def _describe_entry(path: BackendPath, *, preview: bool) -> tuple[str, bool]:
    """One listing line for ``path``, and whether it is a directory to descend into."""
    try:
        info = path.lstat()
    except OSError as exc:
        return f"{path.name}  ({type(exc).__name__})", False
    mode = info.st_mode
    permissions = f"{stat.S_IMODE(mode):04o}"
    if stat.S_ISDIR(mode):
        return f"{path.name}/  ({permissions})", True
    if stat.S_ISLNK(mode):
        try:
            return f"{path.name} -> {path.readlink()}", False
        except OSError:
            return f"{path.name} -> ?", False
    text = f"{path.name}  ({info.st_size} bytes, {permissions})"
    if preview and stat.S_ISREG(mode):
        text += _preview(path)
    return text, False


def _preview(path: BackendPath) -> str:
    try:
        with path.open("rb") as file:
            data = file.read(PREVIEW_BYTES + 1)
    except OSError as exc:
        return f"  (unreadable: {type(exc).__name__})"
    shown = repr(data[:PREVIEW_BYTES])
    return f"  {shown}{'...' if len(data) > PREVIEW_BYTES else ''}"
