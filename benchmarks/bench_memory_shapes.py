"""Issue 17: the MemoryBackend in the call shapes people write, against every other place.

Each case is one shape. For the cycles (the first seven), one operation is a
whole cycle: ``TempDirPath.create()``, the shape's calls on a file or two in it,
``cleanup()``. For the last two (a listing of 100 entries, a stat) the directory
is made before the round and one operation is the shape's calls alone, since a
cycle around them would time the cycle.

The subject is tempkit on a ``MemoryBackend`` made current with ``use_backend``
(as the pytest plugin's ``memory_backend`` fixture does). The alternatives, in
the same rounds:

- *tempkit disk*: the same tempkit code on the local disk (the run's TMPDIR);
- *fsspec direct*: the same work with direct calls on fsspec's ``MemoryFileSystem``
  (``mkdir``, ``write_text``, ``open``, ``glob``, ``rm(recursive=True)``...);
- *pyfakefs*: the standard library (``tempfile.mkdtemp``, ``pathlib``,
  ``shutil.rmtree``) under pyfakefs's ``Patcher`` (started outside the timed part).

Targets, for every shape: memory at least 5x faster than fsspec direct, 10x
than the disk, 100x than pyfakefs. Every contestant checks what it read and,
after the round, that nothing is left behind: a leftover is a benchmark bug.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from benchmarks._harness import Case, ComparisonCase, Config, Contestant, Skip, Target
from tempkit import Backend, BackendPath, TempDirPath, gettempdir, use_backend
from tempkit.backends import local_backend

TEXT = "hello"
LINES = "".join(f"line {n}\n" for n in range(20))
APPENDS = 10
FILES_IN_TREE = 10
ENTRIES = 100


class Shape(NamedTuple):
    """One call shape, written once per contestant kind."""

    name: str
    title: str
    tempkit: Callable[[BackendPath], None]
    fsspec: Callable[[Any, str], None]
    stdlib: Callable[[Path], None]
    ops: int  # full-run operations per round
    prepared: bool = False  # the directory is made before the round (listing, stat)


def _check(got: object, expected: object, who: str) -> None:
    if got != expected:
        raise RuntimeError(f"{who}: read back {got!r}, expected {expected!r}")


# -- the shapes, as each kind of code writes them ----------------------------------------------
def _text_default(d: BackendPath) -> None:
    f = d / "a.txt"
    f.write_text(TEXT)
    _check(f.read_text(), TEXT, "tempkit")


def _text_default_fs(fs: Any, d: str) -> None:
    fs.write_text(d + "/a.txt", TEXT)
    _check(fs.read_text(d + "/a.txt"), TEXT, "fsspec")


def _text_default_std(d: Path) -> None:
    f = d / "a.txt"
    f.write_text(TEXT)
    _check(f.read_text(), TEXT, "stdlib")


def _text_utf8(d: BackendPath) -> None:
    f = d / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    _check(f.read_text(encoding="utf-8"), TEXT, "tempkit")


def _text_utf8_fs(fs: Any, d: str) -> None:
    fs.write_text(d + "/a.txt", TEXT, encoding="utf-8")
    _check(fs.read_text(d + "/a.txt", encoding="utf-8"), TEXT, "fsspec")


def _text_utf8_std(d: Path) -> None:
    f = d / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    _check(f.read_text(encoding="utf-8"), TEXT, "stdlib")


def _bytes(d: BackendPath) -> None:
    f = d / "a.bin"
    f.write_bytes(b"hello")
    _check(f.read_bytes(), b"hello", "tempkit")


def _bytes_fs(fs: Any, d: str) -> None:
    fs.pipe_file(d + "/a.bin", b"hello")
    _check(fs.cat_file(d + "/a.bin"), b"hello", "fsspec")


def _bytes_std(d: Path) -> None:
    f = d / "a.bin"
    f.write_bytes(b"hello")
    _check(f.read_bytes(), b"hello", "stdlib")


def _open(d: BackendPath) -> None:
    f = d / "a.txt"
    with f.open("w") as out:
        out.write(TEXT)
    with f.open() as back:
        _check(back.read(), TEXT, "tempkit")


def _open_fs(fs: Any, d: str) -> None:
    with fs.open(d + "/a.txt", "w") as out:
        out.write(TEXT)
    with fs.open(d + "/a.txt", "r") as back:
        _check(back.read(), TEXT, "fsspec")


def _open_std(d: Path) -> None:
    f = d / "a.txt"
    with f.open("w") as out:
        out.write(TEXT)
    with f.open() as back:
        _check(back.read(), TEXT, "stdlib")


def _tree(d: BackendPath) -> None:
    sub = d / "x" / "y"
    sub.mkdir(parents=True)
    for n in range(FILES_IN_TREE):
        (sub / f"f{n}.txt").write_text(TEXT)
    _check(len(list(d.rglob("*.txt"))), FILES_IN_TREE, "tempkit")


def _tree_fs(fs: Any, d: str) -> None:
    sub = d + "/x/y"
    fs.makedirs(sub)
    for n in range(FILES_IN_TREE):
        fs.write_text(f"{sub}/f{n}.txt", TEXT)
    _check(len(fs.glob(d + "/**/*.txt")), FILES_IN_TREE, "fsspec")


def _tree_std(d: Path) -> None:
    sub = d / "x" / "y"
    sub.mkdir(parents=True)
    for n in range(FILES_IN_TREE):
        (sub / f"f{n}.txt").write_text(TEXT)
    _check(len(list(d.rglob("*.txt"))), FILES_IN_TREE, "stdlib")


def _lines(d: BackendPath) -> None:
    f = d / "a.txt"
    f.write_text(LINES)
    with f.open() as back:
        _check(sum(1 for _ in back), 20, "tempkit")


def _lines_fs(fs: Any, d: str) -> None:
    fs.write_text(d + "/a.txt", LINES)
    with fs.open(d + "/a.txt", "r") as back:
        _check(sum(1 for _ in back), 20, "fsspec")


def _lines_std(d: Path) -> None:
    f = d / "a.txt"
    f.write_text(LINES)
    with f.open() as back:
        _check(sum(1 for _ in back), 20, "stdlib")


def _appends(d: BackendPath) -> None:
    f = d / "log.txt"
    for _ in range(APPENDS):
        with f.open("a") as out:
            out.write("entry\n")
    _check(f.read_text(), "entry\n" * APPENDS, "tempkit")


def _appends_fs(fs: Any, d: str) -> None:
    for _ in range(APPENDS):
        with fs.open(d + "/log.txt", "a") as out:
            out.write("entry\n")
    _check(fs.read_text(d + "/log.txt"), "entry\n" * APPENDS, "fsspec")


def _appends_std(d: Path) -> None:
    f = d / "log.txt"
    for _ in range(APPENDS):
        with f.open("a") as out:
            out.write("entry\n")
    _check(f.read_text(), "entry\n" * APPENDS, "stdlib")


def _listing(d: BackendPath) -> None:
    _check(len(list(d.iterdir())), ENTRIES, "tempkit")
    _check(len(list(d.glob("*.txt"))), ENTRIES, "tempkit")


def _listing_fs(fs: Any, d: str) -> None:
    _check(len(fs.ls(d, detail=False)), ENTRIES, "fsspec")
    _check(len(fs.glob(d + "/*.txt")), ENTRIES, "fsspec")


def _listing_std(d: Path) -> None:
    _check(len(list(d.iterdir())), ENTRIES, "stdlib")
    _check(len(list(d.glob("*.txt"))), ENTRIES, "stdlib")


def _stat(d: BackendPath) -> None:
    _check((d / "f0.txt").stat().st_size, len(TEXT), "tempkit")


def _stat_fs(fs: Any, d: str) -> None:
    _check(fs.info(d + "/f0.txt")["size"], len(TEXT), "fsspec")


def _stat_std(d: Path) -> None:
    _check((d / "f0.txt").stat().st_size, len(TEXT), "stdlib")


SHAPES = [
    Shape("text default", "write_text(s) / read_text()", _text_default, _text_default_fs,
          _text_default_std, 1000),
    Shape("text utf-8", 'write_text(s, encoding="utf-8") / read_text(encoding="utf-8")',
          _text_utf8, _text_utf8_fs, _text_utf8_std, 1000),
    Shape("bytes", "write_bytes(b) / read_bytes()", _bytes, _bytes_fs, _bytes_std, 1000),
    Shape("open", 'with p.open("w") as f: f.write(s); with p.open() as f: f.read()', _open,
          _open_fs, _open_std, 1000),
    Shape("tree", f'mkdir(parents=True), {FILES_IN_TREE} files, rglob("*.txt")', _tree,
          _tree_fs, _tree_std, 200),
    Shape("lines", "write_text of 20 lines, then for line in p.open()", _lines, _lines_fs,
          _lines_std, 1000),
    Shape("appends", f'{APPENDS} x with p.open("a") as f: f.write(line), then read_text()',
          _appends, _appends_fs, _appends_std, 300),
    Shape("listing", f'list(d.iterdir()) and list(d.glob("*.txt")) over {ENTRIES} files',
          _listing, _listing_fs, _listing_std, 300, prepared=True),
    Shape("stat", "p.stat() of a file", _stat, _stat_fs, _stat_std, 5000, prepared=True),
]  # fmt: skip


def cases(config: Config) -> list[Case]:
    """One case per shape: memory against the disk, fsspec direct and pyfakefs."""
    try:
        from fsspec.implementations.memory import MemoryFileSystem
        from pyfakefs.fake_filesystem_unittest import Patcher
    except ImportError as exc:
        raise Skip(f"needs fsspec and pyfakefs (the dev group): {exc}") from None
    from tempkit import MemoryBackend

    result: list[Case] = []
    for shape in SHAPES:
        ops = config.pick(full=shape.ops, quick=5)
        result.append(
            ComparisonCase(
                name=f"memory shape {shape.name}",
                title=shape.title + ("" if shape.prepared else ", in a temp dir cycle"),
                ops=ops,
                unit="op" if shape.prepared else "cycle",
                contestants=[
                    _tempkit(shape, ops, "tempkit memory", MemoryBackend),
                    _tempkit(shape, ops, "tempkit disk", local_backend),
                    _fsspec(shape, ops, MemoryFileSystem),
                    _pyfakefs(shape, ops, Patcher),
                ],
                targets=[
                    Target("fsspec direct", 1 / 5),
                    Target("tempkit disk", 1 / 10),
                    Target("pyfakefs", 1 / 100),
                ],
            )
        )
    return result


def _prepare(make_file: Callable[[str], object]) -> None:
    for n in range(ENTRIES):
        make_file(f"f{n}.txt")


def _tempkit(shape: Shape, ops: int, name: str, make_backend: Callable[[], Backend]) -> Contestant:
    state: dict[str, Any] = {}

    def setup() -> None:
        backend = make_backend()
        state["backend"] = backend
        if shape.prepared:
            with use_backend(backend):
                directory = TempDirPath.create()
            _prepare(lambda n: (directory / n).write_text(TEXT))
            state["dir"] = directory

    def run() -> None:
        work = shape.tempkit
        with use_backend(state["backend"]):
            if shape.prepared:
                directory = state["dir"]
                for _ in range(ops):
                    work(directory)
                return
            create = TempDirPath.create
            for _ in range(ops):
                temp = create()
                work(temp)
                temp.cleanup()

    def teardown() -> None:
        backend = state.pop("backend")
        if shape.prepared:
            state.pop("dir").cleanup()
        root = gettempdir(backend)
        left = [e.name for e in backend.scandir(root) if e.name.startswith("tmp")]
        if left:
            raise RuntimeError(f"{name} left {len(left)} entries behind: {left[:5]}")

    return Contestant(name, run, setup, teardown)


def _fsspec(shape: Shape, ops: int, filesystem: Callable[..., Any]) -> Contestant:
    state: dict[str, Any] = {}

    def setup() -> None:
        fs = filesystem(skip_instance_cache=True)
        fs.store = {}  # a store of its own: fsspec shares one per process by default
        fs.pseudo_dirs = [""]
        fs.mkdir("/tmp")
        state["fs"] = fs
        if shape.prepared:
            directory = "/tmp/prepared"
            fs.mkdir(directory, create_parents=False)
            _prepare(lambda n: fs.pipe_file(f"{directory}/{n}", TEXT.encode()))
            state["dir"] = directory

    def run() -> None:
        fs = state["fs"]
        work = shape.fsspec
        if shape.prepared:
            directory = state["dir"]
            for _ in range(ops):
                work(fs, directory)
            return
        for _ in range(ops):
            directory = "/tmp/tmp" + secrets.token_hex(4)
            fs.mkdir(directory, create_parents=False)
            work(fs, directory)
            fs.rm(directory, recursive=True)

    def teardown() -> None:
        fs = state.pop("fs")
        if shape.prepared:
            fs.rm(state.pop("dir"), recursive=True)
        left = fs.ls("/tmp")
        if left:
            raise RuntimeError(f"fsspec direct left {len(left)} entries behind: {left[:5]}")

    return Contestant("fsspec direct", run, setup, teardown)


def _pyfakefs(shape: Shape, ops: int, patcher_class: Callable[[], Any]) -> Contestant:
    state: dict[str, Any] = {}

    def setup() -> None:
        patcher = patcher_class()
        patcher.setUp()
        state["patcher"] = patcher
        if shape.prepared:
            directory = Path(tempfile.mkdtemp())
            _prepare(lambda n: (directory / n).write_text(TEXT))
            state["dir"] = directory

    def run() -> None:
        work = shape.stdlib
        if shape.prepared:
            directory = state["dir"]
            for _ in range(ops):
                work(directory)
            return
        for _ in range(ops):
            temp = tempfile.mkdtemp()
            work(Path(temp))
            shutil.rmtree(temp)

    def teardown() -> None:
        patcher = state.pop("patcher")
        try:
            if shape.prepared:
                shutil.rmtree(state.pop("dir"))
            left = os.listdir(tempfile.gettempdir())
        finally:
            patcher.tearDown()
        if left:
            raise RuntimeError(f"pyfakefs left {len(left)} entries behind: {left[:5]}")

    return Contestant("pyfakefs", run, setup, teardown)
