"""tempkit next to pyfakefs: a team that uses pyfakefs adopts tempkit one test at a time.

Inside pyfakefs's ``fs`` fixture the standard library works on a fake disk:
``os``, ``os.path``, ``posixpath`` (even in ``sys.modules``), ``io`` and ``open``
are swapped for fakes. tempkit must then behave on that fake disk exactly as it
does on the real one: its path syntax is its own (never chosen by asking which
module ``os.path`` is), the local backend's system calls land on the fake disk,
and a MemoryBackend is untouched by any of it.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pyfakefs.fake_filesystem import FakeFilesystem

from tempkit import (
    BackendPath,
    MemoryBackend,
    PosixBackend,
    TempDirPath,
    TempFilePath,
    gettempdir,
    use_backend,
)
from tempkit._flavour import POSIX, WINDOWS
from tempkit.backends.protocol import Backend
from tempkit.testing import BackendConformance

pytestmark = pytest.mark.skipif(os.name != "posix", reason="pyfakefs emulates this OS: POSIX here")


def _pyfakefs_differs(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"pyfakefs differs from Linux: {reason}")


class TestPosixBackendOnTheFakeDisk(BackendConformance):
    """The whole conformance kit, with every system call of PosixBackend on pyfakefs's disk."""

    @pytest.fixture
    def backend(self, fs: FakeFilesystem) -> Backend:
        # pyfakefs makes the temp dir (here the test's TMPDIR) on its disk.
        return PosixBackend()

    @pytest.fixture(autouse=True)
    def nothing_reaches_the_real_disk(self, temp_root: Path) -> Iterator[None]:
        # TMPDIR names this test's real temp root, which pyfakefs mirrors on its
        # disk: what the kit made there must be on the fake side only.
        yield
        assert _real_listdir(temp_root) == []

    def test_exclusive_create_has_exactly_one_winner(self, backend: Backend, scratch: str) -> None:
        pytest.skip("pyfakefs is not thread-safe: its O_EXCL is not atomic across threads")

    # Where pyfakefs's own answers differ from Linux's, PosixBackend passes on what the
    # fake disk says, as it passes on the kernel's: test_the_differences_are_pyfakefs_own
    # makes the same calls with plain ``os`` and gets the same answers.
    @_pyfakefs_differs("O_CREAT|O_EXCL of a directory is EISDIR there, EEXIST on Linux")
    def test_create_file_refuses_an_existing_directory(
        self, backend: Backend, scratch: str
    ) -> None:
        super().test_create_file_refuses_an_existing_directory(backend, scratch)

    @_pyfakefs_differs("a missing parent's error names the parent there, the path on Linux")
    def test_create_file_needs_its_parent(self, backend: Backend, scratch: str) -> None:
        super().test_create_file_needs_its_parent(backend, scratch)

    @_pyfakefs_differs("O_EXCL|O_NOFOLLOW on a symlink is ELOOP there, EEXIST on Linux")
    def test_create_file_does_not_follow_a_symlink(self, backend: Backend, scratch: str) -> None:
        super().test_create_file_does_not_follow_a_symlink(backend, scratch)

    @_pyfakefs_differs("a missing parent's error names the parent there, the path on Linux")
    def test_mkdir_needs_its_parent(self, backend: Backend, scratch: str) -> None:
        super().test_mkdir_needs_its_parent(backend, scratch)

    @_pyfakefs_differs("O_TMPFILE makes a file under a random name there, none on Linux")
    def test_declared_unnamed_files_have_no_name_until_linked(
        self, backend: Backend, scratch: str
    ) -> None:
        super().test_declared_unnamed_files_have_no_name_until_linked(backend, scratch)


def _probe_differences(base: str) -> list[tuple[str, int | None, object]]:
    """The four calls where pyfakefs and Linux disagree, made with plain ``os``."""
    os.mkdir(base + "/d")
    os.symlink("nowhere", base + "/link")
    calls: list[Callable[[], object]] = [
        lambda: os.open(base + "/d", os.O_RDWR | os.O_CREAT | os.O_EXCL),
        lambda: os.open(base + "/missing/f", os.O_RDWR | os.O_CREAT | os.O_EXCL),
        lambda: os.open(base + "/link", os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW),
        lambda: os.mkdir(base + "/missing/d"),
    ]
    answers: list[tuple[str, int | None, object]] = []
    for call in calls:
        with pytest.raises(OSError) as caught:
            call()
        answers.append((type(caught.value).__name__, caught.value.errno, caught.value.filename))
    return answers


def test_the_differences_are_pyfakefs_own(fs: FakeFilesystem) -> None:
    base = tempfile.gettempdir() + "/probe"
    os.mkdir(base)
    assert _probe_differences(base) == [
        ("IsADirectoryError", errno.EISDIR, base + "/d"),
        ("FileNotFoundError", errno.ENOENT, base + "/missing"),
        ("OSError", errno.ELOOP, base + "/link"),
        ("FileNotFoundError", errno.ENOENT, base + "/missing"),
    ]


def test_linux_answers_the_same_calls_as_the_kit_expects(tmp_path: Path) -> None:
    base = str(tmp_path)
    assert _probe_differences(base) == [
        ("FileExistsError", errno.EEXIST, base + "/d"),
        ("FileNotFoundError", errno.ENOENT, base + "/missing/f"),
        ("FileExistsError", errno.EEXIST, base + "/link"),
        ("FileNotFoundError", errno.ENOENT, base + "/missing/d"),
    ]


def _names_after_tmpfile(base: str) -> list[str]:
    """What a directory lists while an O_TMPFILE file made in it is open."""
    descriptor = os.open(base, os.O_TMPFILE | os.O_RDWR, 0o600)
    try:
        return os.listdir(base)
    finally:
        os.close(descriptor)


@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="O_TMPFILE is Linux's")
def test_the_unnamed_file_difference_is_pyfakefs_own(fs: FakeFilesystem) -> None:
    base = tempfile.gettempdir() + "/probe"
    os.mkdir(base)
    assert len(_names_after_tmpfile(base)) == 1  # pyfakefs names it with a uuid


@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="O_TMPFILE is Linux's")
def test_linux_lists_no_name_for_an_unnamed_file(tmp_path: Path) -> None:
    base = tmp_path / "probe"
    base.mkdir()
    assert _names_after_tmpfile(str(base)) == []


# The real os function, taken before any fake filesystem starts.
_real_listdir = os.listdir


def test_path_syntax_stays_posix_while_pyfakefs_swaps_os_path(fs: FakeFilesystem) -> None:
    import posixpath

    # The swap is in effect: this module's posixpath is pyfakefs's.
    assert type(posixpath).__module__.startswith("pyfakefs")
    assert str(BackendPath("/tmp") / "x") == "/tmp/x"
    assert str(BackendPath("/tmp/a/../b/./c", backend=PosixBackend())) == "/tmp/a/../b/c"
    assert POSIX.join("/tmp", "x", "/abs", "y") == "/abs/y"
    assert POSIX.splitroot("//server/x") == ("", "//", "server/x")
    assert WINDOWS.join("c:\\a", "b") == "c:\\a\\b"


def test_temp_objects_live_on_the_fake_disk(fs: FakeFilesystem) -> None:
    with TempDirPath.create() as directory:
        assert str(directory).startswith(gettempdir() + "/")
        (directory / "a.txt").write_text("hello", encoding="utf-8")
        # The standard library, faked, sees what tempkit made, with the promised modes...
        assert os.path.isfile(os.path.join(str(directory), "a.txt"))
        assert stat.S_IMODE(os.stat(str(directory)).st_mode) == 0o700
        with open(os.path.join(str(directory), "a.txt"), encoding="utf-8") as f:
            assert f.read() == "hello"
        # ...and pathlib (faked too) agrees.
        assert [p.name for p in Path(str(directory)).iterdir()] == ["a.txt"]
        name = str(directory)
    assert not os.path.exists(name)
    file = TempFilePath.create(suffix=".bin")
    file.write_bytes(b"\0\1")
    assert fs.get_object(str(file)).byte_contents == b"\0\1"
    file.cleanup()
    assert not os.path.exists(str(file))


def test_a_dir_made_by_the_test_on_the_fake_disk_is_used(fs: FakeFilesystem) -> None:
    fs.create_dir("/data/work")
    with TempDirPath.create(dir="/data/work") as directory:
        assert os.listdir("/data/work") == [directory.name]
    assert os.listdir("/data/work") == []


def test_memory_backend_is_untouched_by_pyfakefs(fs: FakeFilesystem) -> None:
    fake_entries = set(os.listdir("/"))
    memory = MemoryBackend()
    with use_backend(memory), TempDirPath.create() as directory:
        assert str(directory).startswith("/tmp/")
        file = directory / "a.txt"
        file.write_text("hello")
        with file.open("a") as f:
            f.write(" world")
        assert file.read_text() == "hello world"
        assert [p.name for p in directory.iterdir()] == ["a.txt"]
        # Nothing of it is on pyfakefs's disk.
        assert not os.path.exists(str(directory))
        with pytest.raises(TypeError):
            os.fspath(file)
    assert set(os.listdir("/")) == fake_entries


def test_local_backend_objects_made_before_pyfakefs_started_are_real() -> None:
    # Outside the fixture the same code is on the real disk: the fake one was
    # no global switch that stayed behind.
    with TempDirPath.create() as directory:
        assert os.path.isdir(str(directory))
        assert str(directory).startswith(tempfile.gettempdir())
