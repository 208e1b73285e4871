"""Issue 3: the MemoryBackend against the other places a unit test can put its temp files.

One operation is one cycle: create a TempDirPath, write a 5-byte text file in it,
read it back, clean up. The subject is that cycle on a ``MemoryBackend`` made
current with ``use_backend`` (as the pytest plugin does). The same cycle, through
the same tempkit calls, runs on an ``FsspecBackend`` over fsspec's
``MemoryFileSystem`` and on the local disk (the resolved temp dir of the run).
For reference the same work is also done without tempkit: direct fsspec
``MemoryFileSystem`` calls, and the standard library (``tempfile.mkdtemp``,
``pathlib``, ``shutil.rmtree``) under pyfakefs's patched filesystem.

Every contestant checks what it read and that nothing is left behind: a leftover
is a benchmark bug, and it raises.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks._harness import Case, ComparisonCase, Config, Contestant, Skip, Target
from tempkit import Backend, TempDirPath, use_backend
from tempkit.backends import local_backend

TEXT = "hello"  # 5 bytes in UTF-8


def cases(config: Config) -> list[Case]:
    """The cycle on memory against fsspec memory and the disk; pyfakefs apart (it is slow)."""
    try:
        from fsspec.implementations.memory import MemoryFileSystem
        from pyfakefs.fake_filesystem_unittest import Patcher
    except ImportError as exc:
        raise Skip(f"needs fsspec and pyfakefs (the dev group): {exc}") from None
    from tempkit import FsspecBackend, MemoryBackend

    ops = config.pick(full=1000, quick=20)
    memory = _tempkit_contestant("tempkit memory", ops, MemoryBackend, _tmp_leftovers)
    main = ComparisonCase(
        name="memory cycle",
        title="TempDirPath.create, write 5-byte text file, read it back, cleanup",
        ops=ops,
        unit="cycle",
        contestants=[
            memory,
            _tempkit_contestant(
                "tempkit fsspec memory",
                ops,
                lambda: FsspecBackend(MemoryFileSystem(), root="/tmp"),
                _tmp_leftovers,
            ),
            _tempkit_contestant(
                "tempkit disk", ops, local_backend, _disk_leftovers(config.tempdir)
            ),
            _fsspec_direct(ops, MemoryFileSystem),
        ],
        targets=[Target("tempkit fsspec memory", 1 / 5), Target("tempkit disk", 1 / 20)],
        notes=[
            "tempkit memory = MemoryBackend() made current with use_backend, as the pytest "
            "plugin's memory_backend fixture does",
            "tempkit fsspec memory = the same tempkit calls on FsspecBackend(MemoryFileSystem())",
            f"tempkit disk = the same tempkit calls on the local disk (TMPDIR={config.tempdir})",
            "fsspec direct = MemoryFileSystem mkdir, write_text, read_text, rm(recursive=True) "
            "without tempkit (for reference: no target)",
        ],
    )
    few = config.pick(full=100, quick=5)
    fakefs = ComparisonCase(
        name="memory cycle vs pyfakefs",
        title="the same cycle against the standard library on pyfakefs",
        ops=few,
        unit="cycle",
        contestants=[
            _tempkit_contestant("tempkit memory", few, MemoryBackend, _tmp_leftovers),
            _pyfakefs(few, Patcher),
        ],
        notes=[
            "pyfakefs = tempfile.mkdtemp, pathlib write_text/read_text, shutil.rmtree under "
            "pyfakefs's Patcher (started and stopped outside the timed part; for reference: "
            "no target)",
        ],
    )
    return [main, fakefs]


def _tempkit_contestant(
    name: str,
    ops: int,
    make_backend: Callable[[], Backend],
    leftovers: Callable[[Backend], list[str]],
) -> Contestant:
    state: dict[str, Backend] = {}

    def setup() -> None:
        state["backend"] = make_backend()

    def run() -> None:
        run_cycles(state["backend"], ops, name)

    def teardown() -> None:
        left = leftovers(state.pop("backend"))
        if left:
            raise RuntimeError(f"{name} left {len(left)} entries behind: {left[:5]}")

    return Contestant(name, run, setup, teardown)


def run_cycles(backend: Backend, count: int, name: str = "tempkit") -> None:
    """``count`` cycles of the benchmark on ``backend``, made current as the plugin does."""
    with use_backend(backend):
        create = TempDirPath.create
        for _ in range(count):
            temp = create()
            file = temp / "a.txt"
            file.write_text(TEXT, encoding="utf-8")
            if file.read_text(encoding="utf-8") != TEXT:
                raise RuntimeError(f"{name}: read back something else")
            temp.cleanup()


def _tmp_leftovers(backend: Backend) -> list[str]:
    return [entry.name for entry in backend.scandir("/tmp")]


def _disk_leftovers(tempdir: Path) -> Callable[[Backend], list[str]]:
    def leftovers(backend: Backend) -> list[str]:
        return os.listdir(tempdir)

    return leftovers


def _fsspec_direct(ops: int, filesystem: Callable[..., Any]) -> Contestant:
    state: dict[str, Any] = {}

    def setup() -> None:
        fs = filesystem(skip_instance_cache=True)
        fs.store = {}  # a store of its own: fsspec shares one per process by default
        fs.pseudo_dirs = [""]
        fs.mkdir("/tmp")
        state["fs"] = fs

    def run() -> None:
        fs = state["fs"]
        for _ in range(ops):
            directory = "/tmp/tmp" + secrets.token_hex(4)
            fs.mkdir(directory, create_parents=False)
            file = directory + "/a.txt"
            fs.write_text(file, TEXT, encoding="utf-8")
            if fs.read_text(file, encoding="utf-8") != TEXT:
                raise RuntimeError("fsspec direct: read back something else")
            fs.rm(directory, recursive=True)

    def teardown() -> None:
        left = state.pop("fs").ls("/tmp")
        if left:
            raise RuntimeError(f"fsspec direct left {len(left)} entries behind: {left[:5]}")

    return Contestant("fsspec direct", run, setup, teardown)


def _pyfakefs(ops: int, patcher_class: Callable[[], Any]) -> Contestant:
    state: dict[str, Any] = {}

    def setup() -> None:
        patcher = patcher_class()
        patcher.setUp()
        state["patcher"] = patcher

    def run() -> None:
        for _ in range(ops):
            directory = tempfile.mkdtemp()
            file = Path(directory) / "a.txt"
            file.write_text(TEXT, encoding="utf-8")
            if file.read_text(encoding="utf-8") != TEXT:
                raise RuntimeError("pyfakefs: read back something else")
            shutil.rmtree(directory)

    def teardown() -> None:
        patcher = state.pop("patcher")
        try:
            left = os.listdir(tempfile.gettempdir())
        finally:
            patcher.tearDown()
        if left:
            raise RuntimeError(f"pyfakefs left {len(left)} entries behind: {left[:5]}")

    return Contestant("pyfakefs", run, setup, teardown)
