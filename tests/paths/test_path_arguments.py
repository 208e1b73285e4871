"""Bad arguments to a path's methods: the same exception type from pathlib, the disk and memory.

Each method is called with arguments of the wrong type, out of range or
refused by the OS, on entries of every kind (a file, a directory, a symlink,
a dangling one, nothing, a path under a file), by ``pathlib.Path``, by a
``BackendPath`` on the local disk and by one on a ``MemoryBackend`` holding
the same tree. The outcome (success, or the exception's type) must be the
same all three ways, and the two backends' trees must stay the same: an
argument is refused before the entry is touched, as the ``os`` call refuses it.
"""

from __future__ import annotations

import functools
import pathlib
import stat
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tempkit import BackendPath, MemoryBackend, PosixBackend
from tempkit.backends.protocol import Backend

TARGETS = ["file", "dir", "missing", "link", "dangling", "file/under"]

# method -> argument tuples; a str first argument of a rename-like method is a
# name in the tree, given as each side's own path.
CALLS: dict[str, list[tuple[Any, ...]]] = {
    "read_text": [(5,), ("utf-8", 5), ("utf-8", None, 5), ("no-such-codec",), ("utf-8\0",)],
    "read_bytes": [()],
    "write_text": [
        (b"b", "utf-8"),
        (5, "utf-8"),
        ("s", 5),
        ("s", "no-such-codec"),
        ("s", "utf-8", 5),
    ],
    "write_bytes": [("s",), (5,), (None,), ([1],)],
    "open": [
        ("rw",),
        ("q",),
        ("w+bt",),
        (5,),
        (b"r",),
        ("w\0",),
        ("w", 0),
        ("w", 1.5),
        ("w", 2**40),
        ("w", -1, 5),
        ("w", -1, "utf-8\0"),
        ("rb", -1, "utf-8"),
        ("r", -1, None, None, "x"),
    ],
    "mkdir": [("rw",), (1.5,), (None,), (2**40,)],
    "touch": [("rw",), (1.5,), (2**40,)],
    "chmod": [("rw",), (1.5,), (None,), (2**40,)],
    "rename": [(5,), (None,), ("",)],
    "replace": [(5,), (None,), ("",)],
    "symlink_to": [(5,), (None,), ("",)],
    # (not an int or bytes: 3.10's pathlib stats those as the os module does)
    "samefile": [(None,), (1.5,)],
    "unlink": [()],
    "rmdir": [()],
    "readlink": [()],
}


def make_tree(backend: Backend, root: str) -> None:
    backend.mkdir(f"{root}/dir", 0o700)
    with backend.open(f"{root}/file", "wb") as f:
        f.write(b"abc")
    backend.symlink("file", f"{root}/link")
    backend.symlink("nowhere", f"{root}/dangling")


def tree(backend: Backend, root: str) -> list[tuple[str, int, int]]:
    found = []
    for entry in backend.scandir(root):
        info = entry.stat(follow_symlinks=False)
        found.append((entry.name, stat.S_IFMT(info.st_mode), info.st_size))
    return sorted(found)


def outcome(action: Callable[[], object]) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = action()
        except Exception as exc:
            return type(exc).__name__
        close = getattr(result, "close", None)
        if callable(close):
            close()
        return "ok"


@pytest.mark.parametrize("method", sorted(CALLS))
def test_pathlib_the_disk_and_memory_refuse_alike(
    tmp_path: Path, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk, memory = PosixBackend(), MemoryBackend()
    count = 0
    for arguments in CALLS[method]:
        for target in TARGETS:
            count += 1
            roots = {side: tmp_path / f"{side}-{count}" for side in ("pathlib", "disk")}
            for root in roots.values():
                root.mkdir()
            make_tree(disk, str(roots["pathlib"]))
            make_tree(disk, str(roots["disk"]))
            memory_root = f"/tmp/memory-{count}"
            memory.mkdir(memory_root, 0o700)
            make_tree(memory, memory_root)
            paths: dict[str, Any] = {
                "pathlib": pathlib.Path(roots["pathlib"], target),
                "disk": BackendPath(f"{roots['disk']}/{target}", backend=disk),
                "memory": BackendPath(f"{memory_root}/{target}", backend=memory),
            }
            monkeypatch.chdir(tmp_path)  # "" is not "." for a rename: no side may move it
            results = {
                side: outcome(functools.partial(getattr(path, method), *arguments))
                for side, path in paths.items()
            }
            assert len(set(results.values())) == 1, (method, arguments, target, results)
            assert tree(disk, str(roots["disk"])) == tree(memory, memory_root), (
                method,
                arguments,
                target,
            )
