"""tempkit.atomic_write: the new contents appear complete, or not at all, and nothing is left.

On the real disk (Linux: an unnamed O_TMPFILE file linked in; the named
fallback through a backend that declares no unnamed files) and in memory.
Modes are checked with os.stat, the umask in a forked child that sets its own,
the fsyncs by counting the backend's calls and, where strace is installed, by
watching the system calls of a real process; crashes are real processes that
die in the middle of a write.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

import tempkit
from tempkit import BackendPath, Capabilities, MemoryBackend, PosixBackend, atomic_write
from tempkit.backends.protocol import Backend
from tests.support.processes import ChildFailed, run_forked


class NamedOnlyBackend(PosixBackend):
    """The local disk as a filesystem without O_TMPFILE: the named fallback runs."""

    capabilities = Capabilities(unnamed_files=False, fsync=True)


class CountingBackend(PosixBackend):
    """The local disk, with a log of every fsync and of what the target held at that moment."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.calls: list[tuple[str, bytes | None]] = []

    def _target_now(self) -> bytes | None:
        try:
            with open(self.target, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def fsync_file(self, file: IO[Any]) -> None:
        self.calls.append(("file", self._target_now()))
        super().fsync_file(file)

    def fsync_directory(self, path: str) -> None:
        assert path == os.path.dirname(self.target)
        self.calls.append(("directory", self._target_now()))
        super().fsync_directory(path)


@pytest.fixture(params=["disk", "disk-named", "memory"])
def place(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BackendPath]:
    """An empty directory on each kind of backend the writes go through."""
    if request.param == "memory":
        backend: Backend = MemoryBackend()
        directory = BackendPath("/work", backend=backend)
        directory.mkdir()
    else:
        backend = PosixBackend() if request.param == "disk" else NamedOnlyBackend()
        directory = BackendPath(str(tmp_path / "out"), backend=backend)
        directory.mkdir()
    yield directory


def names(directory: BackendPath) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def mode_of(path: BackendPath) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- success --------------------------------------------------------------------------
def test_a_new_file_appears_complete(place: BackendPath) -> None:
    target = place / "report.txt"
    with atomic_write(target, encoding="utf-8") as f:
        f.write("first half, ")
        assert not target.exists()  # nothing is published yet
        f.write("second half")
    assert target.read_text(encoding="utf-8") == "first half, second half"
    assert names(place) == ["report.txt"]


def test_an_existing_file_is_replaced_and_binary_modes_work(place: BackendPath) -> None:
    target = place / "data.bin"
    target.write_bytes(b"old")
    for mode in ("wb", "w+b"):
        with atomic_write(target, mode) as f:
            f.write(b"new " + mode.encode())
            assert target.read_bytes() == b"old" if mode == "wb" else True
        assert target.read_bytes() == b"new " + mode.encode()
    assert names(place) == ["data.bin"]


def test_the_temp_file_is_next_to_the_target(place: BackendPath) -> None:
    target = place / "x.txt"
    with atomic_write(target) as f:
        during = names(place)
        f.write("x")
    if place.backend.capabilities.unnamed_files:
        assert during == []  # O_TMPFILE (or a memory inode): no name at all
    else:
        assert len(during) == 1
        assert during[0].startswith(".x.txt.") and during[0].endswith(".tmp")


def test_a_target_given_as_text_uses_the_current_backend(tmp_path: Path) -> None:
    target = tmp_path / "plain.txt"
    with atomic_write(str(target), encoding="utf-8") as f:
        f.write("text")
    assert target.read_text(encoding="utf-8") == "text"
    backend = MemoryBackend()
    with tempkit.use_backend(backend), atomic_write("/tmp/in-memory.txt") as f:
        f.write("memory")
    assert BackendPath("/tmp/in-memory.txt", backend=backend).read_text() == "memory"
    assert not os.path.exists("/tmp/in-memory.txt")  # memory never reaches the disk


# -- failure ----------------------------------------------------------------------------
def test_an_exception_in_the_block_publishes_nothing_and_leaves_nothing(
    place: BackendPath,
) -> None:
    target = place / "config.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError, match="half-way"), atomic_write(target) as f:
        f.write("new but incomplete")
        raise RuntimeError("half-way")
    assert target.read_text(encoding="utf-8") == "old"
    assert names(place) == ["config.json"]
    fresh = place / "fresh.json"
    with pytest.raises(KeyboardInterrupt), atomic_write(fresh) as f:
        f.write("x")
        raise KeyboardInterrupt
    assert names(place) == ["config.json"]


def test_closing_the_file_inside_the_block_publishes_nothing(place: BackendPath) -> None:
    target = place / "t.txt"
    with pytest.raises(ValueError, match="closed inside"), atomic_write(target) as f:
        f.write("x")
        f.close()
    assert names(place) == []


# -- no clobbering ------------------------------------------------------------------------
def test_overwrite_false_refuses_an_existing_target_before_writing(place: BackendPath) -> None:
    target = place / "keep.txt"
    target.write_text("precious", encoding="utf-8")
    with pytest.raises(FileExistsError) as caught, atomic_write(target, overwrite=False):
        pytest.fail("the block must not run")
    assert caught.value.filename == str(target)
    assert target.read_text(encoding="utf-8") == "precious"
    assert names(place) == ["keep.txt"]


def test_overwrite_false_refuses_a_target_that_appears_meanwhile(place: BackendPath) -> None:
    target = place / "race.txt"
    with pytest.raises(FileExistsError), atomic_write(target, overwrite=False) as f:
        f.write("mine")
        target.write_text("theirs, created while we wrote", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "theirs, created while we wrote"
    assert names(place) == ["race.txt"]


def test_overwrite_false_links_a_new_file_in(place: BackendPath) -> None:
    target = place / "new.txt"
    with atomic_write(target, overwrite=False) as f:
        f.write("only if absent")
    assert target.read_text() == "only if absent"
    assert names(place) == ["new.txt"]


# -- modes ----------------------------------------------------------------------------------
def test_the_target_keeps_its_mode(place: BackendPath) -> None:
    target = place / "script.sh"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o750)
    with atomic_write(target) as f:
        f.write("new")
    assert mode_of(target) == 0o750
    assert target.read_text() == "new"


def test_an_explicit_perm_wins(place: BackendPath) -> None:
    target = place / "secret"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    with atomic_write(target, perm=0o600) as f:
        f.write("new")
    assert mode_of(target) == 0o600
    new = place / "new-secret"
    with atomic_write(new, overwrite=False, perm=0o640) as f:
        f.write("x")
    assert mode_of(new) == 0o640


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_target_gets_0o666_less_the_umask(tmp_path: Path, umask: int) -> None:
    # The umask is the process's: set in a forked child, never in the test process.
    def write_with_umask() -> dict[str, int]:
        os.umask(umask)
        modes = {}
        for kind, backend in (("disk", PosixBackend()), ("named", NamedOnlyBackend())):
            target = tmp_path / f"{kind}.txt"
            with atomic_write(BackendPath(str(target), backend=backend)) as f:
                f.write("x")
            modes[kind] = stat.S_IMODE(os.stat(target).st_mode)
        return modes

    assert run_forked(write_with_umask) == {"disk": 0o666 & ~umask, "named": 0o666 & ~umask}


def test_in_memory_a_new_target_gets_the_backends_umask() -> None:
    backend = MemoryBackend(umask=0o027)
    target = BackendPath("/tmp/m.txt", backend=backend)
    with atomic_write(target) as f:
        f.write("x")
    assert mode_of(target) == 0o640


def test_a_symlink_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("untouched", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(elsewhere)
    with atomic_write(str(link)) as f:
        f.write("new")
    assert not link.is_symlink()
    assert link.read_text(encoding="utf-8") == "new"
    assert elsewhere.read_text(encoding="utf-8") == "untouched"


# -- durability ----------------------------------------------------------------------------
@pytest.mark.parametrize("overwrite", [True, False])
@pytest.mark.parametrize("backend_kind", ["unnamed", "named"])
def test_the_file_then_the_directory_are_fsynced(
    tmp_path: Path, overwrite: bool, backend_kind: str
) -> None:
    target = tmp_path / "durable.txt"
    if overwrite:
        target.write_bytes(b"old")
    backend = CountingBackend(str(target))
    if backend_kind == "named":
        backend.capabilities = NamedOnlyBackend.capabilities
    with atomic_write(BackendPath(str(target), backend=backend), "wb", overwrite=overwrite) as f:
        f.write(b"new")
    old = b"old" if overwrite else None
    # The data is forced before the rename, the directory after it.
    assert backend.calls == [("file", old), ("directory", b"new")]


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_strace_sees_fsync_of_the_file_and_of_the_directory(tmp_path: Path) -> None:
    target = tmp_path / "watched.txt"
    script = textwrap.dedent(
        f"""
        import tempkit
        with tempkit.atomic_write({str(target)!r}) as f:
            f.write("x")
        """
    )
    log = tmp_path / "strace.log"
    done = subprocess.run(
        [
            "strace",
            "-f",
            "-o",
            str(log),
            "-e",
            "trace=fsync,fdatasync,openat,rename,renameat2,linkat",
            sys.executable,
            "-c",
            script,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 and "ptrace" in done.stderr:
        pytest.skip(f"strace cannot trace here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    lines = log.read_text().splitlines()
    # The last open of the target's directory (O_DIRECTORY) is the one fsynced last.
    directory_opens = [line for line in lines if f'"{tmp_path}"' in line and "O_DIRECTORY" in line]
    assert directory_opens, "the directory was never opened for fsync"
    fsyncs = [line for line in lines if "fsync(" in line]
    assert len(fsyncs) >= 2, lines
    publish = next(i for i, line in enumerate(lines) if "rename" in line or "linkat" in line)
    first_fsync = next(i for i, line in enumerate(lines) if "fsync(" in line)
    last_fsync = max(i for i, line in enumerate(lines) if "fsync(" in line)
    assert first_fsync < publish < last_fsync
    assert target.read_text() == "x"


# -- crashes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["os._exit", "SIGKILL"])
@pytest.mark.parametrize("backend_kind", ["unnamed", "named"])
def test_a_crash_mid_write_leaves_the_old_target_and_no_file(
    tmp_path: Path, how: str, backend_kind: str
) -> None:
    directory = tmp_path / "work"
    directory.mkdir()
    target = directory / "state.json"
    target.write_text("old state", encoding="utf-8")
    backend = PosixBackend() if backend_kind == "unnamed" else NamedOnlyBackend()

    def write_and_die() -> None:
        with atomic_write(BackendPath(str(target), backend=backend)) as f:
            f.write("new state, half")
            f.flush()
            if how == "SIGKILL":
                os.kill(os.getpid(), signal.SIGKILL)
            os._exit(3)

    with pytest.raises(ChildFailed, match="child sent nothing"):
        run_forked(write_and_die)
    assert target.read_text(encoding="utf-8") == "old state"
    left = sorted(os.listdir(directory))
    if backend_kind == "unnamed":
        assert left == ["state.json"]  # the file never had a name
    else:
        # A named temp file outlives a killed process: it is the fallback's limit,
        # and it is hidden, next to the target, never in its place.
        assert len(left) == 2 and left[0].startswith(".state.json.") and left[0].endswith(".tmp")


# -- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["r", "a", "a+", "x", "xb", "r+", "", "wq", "w+bt"])
def test_modes_that_do_not_write_a_new_file_are_refused(place: BackendPath, mode: str) -> None:
    with pytest.raises(ValueError, match="mode"):
        atomic_write(place / "t", mode)
    assert names(place) == []


def test_bad_arguments_are_refused_before_anything_is_made(place: BackendPath) -> None:
    target = place / "t"
    with pytest.raises(TypeError, match="overwrite"):
        atomic_write(target, overwrite="yes")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="perm"):
        atomic_write(target, perm="0644")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="perm"):
        atomic_write(target, perm=0o10000)
    with pytest.raises(TypeError, match="mode"):
        atomic_write(target, 1)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="different backend"):
        atomic_write(
            target, backend=MemoryBackend() if place.backend != MemoryBackend() else PosixBackend()
        )
    assert names(place) == []


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"mode": "w", "buffering": 0}, ValueError),
        ({"mode": "w", "encoding": "no-such-codec"}, LookupError),
        ({"mode": "w", "newline": "x"}, ValueError),
        ({"mode": "w", "encoding": 5}, TypeError),
        ({"mode": "wb", "encoding": "utf-8"}, ValueError),
        ({"mode": "wb", "buffering": 1.5}, TypeError),
    ],
    ids=repr,
)
def test_open_arguments_are_refused_by_the_call_as_open_refuses_them(
    place: BackendPath, arguments: dict[str, Any], error: type[Exception]
) -> None:
    # Not only on entering the block: the call already says what open() would.
    with pytest.raises(error):
        atomic_write(place / "t", **arguments)
    assert names(place) == []


def test_the_empty_string_names_no_target_as_for_open(
    place: BackendPath, monkeypatch: pytest.MonkeyPatch
) -> None:
    if place.backend.capabilities.local_paths:
        monkeypatch.chdir(place)  # as a path, "" is the current directory
    with pytest.raises(FileNotFoundError):
        open("", "w")  # noqa: SIM115
    with pytest.raises(FileNotFoundError):
        atomic_write("", backend=place.backend)
    assert names(place) == []


def test_a_directory_target_or_a_missing_directory_is_an_os_error(place: BackendPath) -> None:
    (place / "sub").mkdir()
    with pytest.raises(IsADirectoryError), atomic_write(place / "sub"):
        pass
    with pytest.raises(FileNotFoundError), atomic_write(place / "missing" / "t"):
        pass
    assert names(place) == ["sub"]


def test_a_backend_without_atomic_rename_is_refused() -> None:
    pytest.importorskip("fsspec")
    from fsspec.implementations.memory import MemoryFileSystem

    from tempkit.backends.fsspec import FsspecBackend

    backend = FsspecBackend(MemoryFileSystem(), root="/tmp")
    assert not backend.capabilities.atomic_rename
    with pytest.raises(ValueError, match="atomic_rename"):
        atomic_write(BackendPath("/x", backend=backend))


def test_the_context_manager_is_for_one_use(place: BackendPath) -> None:
    writer = atomic_write(place / "once")
    with writer as f:
        f.write("x")
    with pytest.raises(RuntimeError, match="once"), writer:
        pass
    assert writer.target == place / "once"
