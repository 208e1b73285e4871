"""A path derived from a temp object keeps that object alive.

The natural helper (make a temp dir, write into it, return a path inside it)
must not lose the file to the finalizer: every path that lies in a temp
object's tree (``/``, ``joinpath``, ``parent`` chains that stay in it,
``iterdir``, ``glob``, ``walk``, ``with_name``, ``relative_to``, copies...)
holds the temp object, and the tree goes, with its ResourceWarning, when the
last such path goes. A path above or beside the tree holds nothing. An explicit
``cleanup()`` still removes the tree at once. Every case runs on the real disk
and in memory.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import pickle
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable, Iterator

import pytest

from tempkit import (
    Backend,
    BackendPath,
    MemoryBackend,
    PosixBackend,
    SpooledTempPath,
    TempDirPath,
    TempFilePath,
)


@pytest.fixture(params=["disk", "memory"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    yield PosixBackend() if request.param == "disk" else MemoryBackend()


@contextlib.contextmanager
def collecting() -> Iterator[list[str]]:
    """Collect garbage at the end of the block; the list gets each ResourceWarning's text."""
    found: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield found
        gc.collect()
    found.extend(str(w.message) for w in caught if issubclass(w.category, ResourceWarning))


def exists(backend: Backend, raw: str) -> bool:
    try:
        backend.stat(raw)
    except FileNotFoundError:
        return False
    return True


def made_in_a_helper(
    backend: Backend, derive: Callable[[TempDirPath], object]
) -> tuple[object, str]:
    """What ``derive`` returns from a fresh temp dir (with a small tree) that only it holds."""
    directory = TempDirPath.create(backend=backend)
    (directory / "sub").mkdir()
    (directory / "sub" / "report.txt").write_text("x", encoding="utf-8")
    (directory / "notes.md").write_text("y", encoding="utf-8")
    return derive(directory), str(directory)


def assert_kept_alive_then_removed(
    backend: Backend, derive: Callable[[TempDirPath], object]
) -> None:
    """The derived value keeps the tree through collection; dropping it removes the tree."""
    with collecting() as warned:
        derived, raw = made_in_a_helper(backend, derive)
        gc.collect()
        assert warned == []
        assert exists(backend, raw + "/sub/report.txt")
        del derived
    assert warned == [
        f"implicitly cleaning up temp directory {raw!r}; call cleanup() or use a with block"
    ]
    assert not exists(backend, raw)


def assert_not_kept(backend: Backend, derive: Callable[[TempDirPath], object]) -> None:
    """The derived value does not hold the temp dir: it goes at once, with its warning."""
    with collecting() as warned:
        derived, raw = made_in_a_helper(backend, derive)
        gc.collect()
    assert len(warned) == 1
    assert not exists(backend, raw)
    del derived


# -- the helper from the issue ------------------------------------------------------------
def test_a_path_returned_from_a_helper_keeps_its_file(backend: Backend) -> None:
    def build_report() -> BackendPath:
        directory = TempDirPath.create(backend=backend)
        (directory / "report.txt").write_text("x", encoding="utf-8")
        return directory / "report.txt"

    with collecting() as warned:
        report = build_report()
        gc.collect()
        assert report.exists()
        assert report.read_text(encoding="utf-8") == "x"
        assert warned == []
        parent = str(report.parent)
        del report
    assert len(warned) == 1
    assert not exists(backend, parent)


# -- each way of deriving a path ----------------------------------------------------------
KEEPING: dict[str, Callable[[TempDirPath], object]] = {
    "slash": lambda d: d / "sub" / "report.txt",
    "joinpath": lambda d: d.joinpath("sub", "report.txt"),
    "joinpath one part": lambda d: d.joinpath("sub"),
    "slash a relative path": lambda d: d / "sub/report.txt",
    "constructor": lambda d: BackendPath(d, "sub", backend=d.backend),
    "parent chain into it": lambda d: (d / "sub" / "report.txt").parent.parent,
    "parents inside": lambda d: (d / "sub" / "report.txt").parents[1],
    "iterdir": lambda d: sorted(d.iterdir()),
    "iterdir iterator": lambda d: d.iterdir(),
    "glob": lambda d: list(d.glob("*.md")),
    "glob iterator": lambda d: d.glob("**/*.txt"),
    "rglob": lambda d: list(d.rglob("*.txt")),
    "glob of the tree itself": lambda d: list(d.glob("**")),
    "walk": lambda d: [top for top, _, _ in d.walk()],
    "with_name": lambda d: (d / "notes.md").with_name("other.md"),
    "with_suffix": lambda d: (d / "notes.md").with_suffix(".txt"),
    "with_stem": lambda d: (d / "notes.md").with_stem("notes-2"),
    "relative_to": lambda d: (d / "sub" / "report.txt").relative_to(d),
    "absolute": lambda d: (d / "sub").absolute(),
    "resolve": lambda d: (d / "sub").resolve(),
    "copy of a child": lambda d: copy.copy(d / "sub"),
    "copy of the temp object": copy.copy,
    "deepcopy of the temp object": copy.deepcopy,
    "rename target": lambda d: (d / "notes.md").rename(d / "renamed.md"),
}


@pytest.mark.parametrize("how", sorted(KEEPING))
def test_a_derived_path_keeps_the_temp_object_alive(backend: Backend, how: str) -> None:
    assert_kept_alive_then_removed(backend, KEEPING[how])


NOT_KEEPING: dict[str, Callable[[TempDirPath], object]] = {
    "parent of the tree": lambda d: d.parent,
    "parent chain above it": lambda d: (d / "sub").parent.parent,
    "every parent above it": lambda d: list(d.parents),
    "with_name of the tree itself": lambda d: d.with_name("sibling"),
    "with_suffix of the tree itself": lambda d: d.with_suffix(".bak"),
    "an absolute join elsewhere": lambda d: d / "/elsewhere",
    "kept": lambda d: d.keep(),
    "pickled": lambda d: pickle.loads(pickle.dumps(d / "sub")),
    "a path from its text": lambda d: BackendPath(str(d / "sub"), backend=d.backend),
}


@pytest.mark.parametrize("how", sorted(NOT_KEEPING))
def test_a_path_outside_the_tree_does_not_keep_it(backend: Backend, how: str) -> None:
    if how == "pickled" and not backend.capabilities.local_paths:
        pytest.skip("a MemoryBackend is not picklable: its paths cannot be either")
    if how == "kept":
        # keep() ends ownership: nothing removes it, the plain path holds nothing.
        with collecting() as warned:
            _kept, raw = made_in_a_helper(backend, NOT_KEEPING[how])
        assert warned == []
        assert exists(backend, raw)
        backend.rmtree(raw)
        return
    assert_not_kept(backend, NOT_KEEPING[how])


def test_the_tree_goes_when_the_last_of_several_paths_goes(backend: Backend) -> None:
    with collecting() as warned:
        pair, raw = made_in_a_helper(
            backend, lambda d: [d / "notes.md", next(iter(d.glob("sub/*.txt")))]
        )
        assert isinstance(pair, list)
        second: BackendPath = pair.pop()
        pair.clear()  # the first goes
        gc.collect()
        assert warned == []
        assert second.read_text(encoding="utf-8") == "x"
        del second
    assert len(warned) == 1
    assert not exists(backend, raw)


def test_explicit_cleanup_removes_it_at_once_while_paths_live(backend: Backend) -> None:
    directory = TempDirPath.create(backend=backend)
    child = directory / "data"
    child.write_bytes(b"x")
    directory.cleanup()
    assert not child.exists()
    assert not directory.exists()
    with collecting() as warned:
        del directory, child
    assert warned == []  # cleaned up explicitly: nothing implicit left to do


def test_a_temp_file_keeps_its_paths_and_not_its_siblings(backend: Backend) -> None:
    with collecting() as warned:
        f = TempFilePath.create(backend=backend, suffix=".txt")
        raw = str(f)
        same = f.with_suffix(".txt")  # the same name: lies in (is) the file's tree
        sibling = f.with_suffix(".bak")
        parent = f.parent
        del f
        gc.collect()
        assert warned == []
        assert exists(backend, raw)
        del same
    assert len(warned) == 1
    assert not exists(backend, raw)
    del sibling, parent


def test_a_spooled_files_path_keeps_it_alive(backend: Backend) -> None:
    with collecting() as warned:
        spooled = SpooledTempPath.create(max_size=10, backend=backend)
        spooled.write(b"data")
        path = spooled.path  # rolls over
        del spooled
        gc.collect()
        assert warned == []
        assert path.read_bytes() == b"data"
        del path
    assert len(warned) == 1


def test_a_spooled_file_joins_from_its_path_not_from_the_empty_text() -> None:
    spooled = SpooledTempPath.create()
    try:
        child = spooled / "x"  # nonsense on a file, but never a relative "x"
        assert spooled.rolled
        assert str(child) == str(spooled) + "/x"
    finally:
        spooled.cleanup()


def test_100000_create_and_cleanup_cycles_do_not_grow_memory() -> None:
    # A subprocess with tracemalloc: the traced size after 10,000 cycles and after
    # 100,000 must be the same give or take noise; a leak of one small object per
    # cycle would add megabytes. In memory so it takes seconds, not minutes (the disk
    # run is measured in docs/performance.md); the lifecycle code is the same.
    script = textwrap.dedent(
        """
        import gc, tracemalloc
        from tempkit import MemoryBackend, TempDirPath

        backend = MemoryBackend()

        def cycle():
            directory = TempDirPath.create(backend=backend)
            child = directory / "x"
            _ = (child.parent, list(directory.iterdir()))
            directory.cleanup()

        for _ in range(1000):
            cycle()
        gc.collect()
        tracemalloc.start()
        for _ in range(10_000):
            cycle()
        gc.collect()
        first = tracemalloc.get_traced_memory()[0]
        for _ in range(90_000):
            cycle()
        gc.collect()
        print(tracemalloc.get_traced_memory()[0] - first)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    growth = int(done.stdout)
    assert growth < 64 * 1024, f"traced memory grew by {growth} bytes over 90,000 cycles"
