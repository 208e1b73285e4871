"""MemoryBackend: the POSIX semantics it promises, one behaviour per test.

Each expected errno here is what Linux gives an ordinary (non-root) user;
``test_memory_equals_disk.py`` checks the same rules against the real kernel
on random operation sequences.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import gc
import io
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

import tempkit
from tempkit import (
    BackendPath,
    CleanupError,
    MemoryBackend,
    PosixBackend,
    TempDirPath,
    TempFilePath,
    get_backend,
    set_default_backend,
    use_backend,
)
from tempkit.backends.protocol import Backend


@pytest.fixture
def mem() -> MemoryBackend:
    return MemoryBackend()


def raises_os(code: int, action: Callable[[], object], filename: str | None = None) -> OSError:
    """Run ``action``, which must fail with errno ``code`` (and ``filename``)."""
    with pytest.raises(OSError) as info:
        action()
    exc = info.value
    assert exc.errno == code, f"expected {errno.errorcode[code]}, got {exc!r}"
    assert type(exc) is type(OSError(code, "x")), f"wrong type {type(exc).__name__}"
    if filename is not None:
        assert exc.filename == filename
    return exc


def write(backend: Backend, path: str, data: bytes) -> None:
    with backend.open(path, "wb") as f:
        f.write(data)


def read(backend: Backend, path: str) -> bytes:
    with backend.open(path, "rb") as f:
        data: bytes = f.read()
        return data


# -- construction and environment -----------------------------------------------------------------
def test_a_new_backend_has_root_tmp_and_its_cwd() -> None:
    backend = MemoryBackend(cwd="/home/user/project")
    assert stat.S_IMODE(backend.stat("/tmp").st_mode) == 0o1777
    assert stat.S_ISDIR(backend.stat("/home/user/project").st_mode)
    assert backend.getcwd() == "/home/user/project"
    assert sorted(e.name for e in backend.scandir("/")) == ["home", "tmp"]
    assert MemoryBackend().getcwd() == "/"


def test_protocol_name_and_capabilities(mem: MemoryBackend) -> None:
    assert isinstance(mem, Backend)
    assert mem.name == "memory"
    assert mem.flavour.name == "posix"
    caps = mem.capabilities
    assert caps.permissions and caps.symlinks and caps.atomic_exclusive_create
    assert not caps.descriptors and not caps.local_paths
    assert "MemoryBackend" in repr(mem)


def test_environment_is_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", "/real/one")
    source = {"TMPDIR": "/scratch"}
    backend = MemoryBackend(environ=source)
    source["TMPDIR"] = "/changed"
    assert backend.environ() == {"TMPDIR": "/scratch"}
    assert MemoryBackend().environ() == {}
    assert list(backend.platform_temp_dirs()) == ["/tmp", "/var/tmp", "/usr/tmp"]
    assert MemoryBackend(platform="darwin").platform_temp_dirs()[0] == "/tmp"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"platform": "beos"}, ValueError),
        ({"cwd": "relative"}, ValueError),
        ({"cwd": ""}, ValueError),
        ({"environ": [("A", "b")]}, TypeError),
        ({"environ": {"A": 1}}, TypeError),
        ({"umask": 0o1000}, ValueError),
        ({"flavour": "amiga"}, ValueError),
    ],
)
def test_bad_constructor_arguments_are_refused(kwargs: dict[str, object], error: type) -> None:
    with pytest.raises(error):
        MemoryBackend(**kwargs)  # type: ignore[arg-type]


def test_the_lazy_names_resolve_to_the_class() -> None:
    import tempkit.backends

    assert tempkit.MemoryBackend is MemoryBackend
    assert tempkit.backends.MemoryBackend is MemoryBackend
    assert "MemoryBackend" in dir(tempkit)


def test_instances_are_isolated() -> None:
    first, second = MemoryBackend(), MemoryBackend()
    write(first, "/tmp/only-here", b"1")
    raises_os(errno.ENOENT, lambda: second.stat("/tmp/only-here"))
    assert first.stat("/tmp").st_dev != second.stat("/tmp").st_dev
    assert first != second


# -- the escape hatch to the real OS is closed ----------------------------------------------------
def test_a_memory_path_never_reaches_the_real_disk(temp_root: Path) -> None:
    # The memory filesystem has a directory at the very path of the real temp
    # root, so any leak to the disk would show up there.
    mem = MemoryBackend(cwd=str(temp_root))
    path = BackendPath(str(temp_root / "data.txt"), backend=mem)
    path.write_text("in memory", encoding="utf-8")
    for attempt in (
        lambda: os.fspath(path),
        lambda: open(path),  # noqa: SIM115 - must fail before opening anything
        lambda: bytes(path),
        lambda: os.stat(path),
    ):
        with pytest.raises(TypeError, match=r"MemoryBackend .*use the path's own methods"):
            attempt()
    with pytest.raises(TypeError):
        Path(path)  # pathlib words the refusal its own way
    assert path.read_text(encoding="utf-8") == "in memory"
    assert list(temp_root.iterdir()) == []


def test_subprocess_refuses_a_memory_path(mem: MemoryBackend) -> None:
    script = BackendPath("/tmp/run.sh", backend=mem)
    script.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    with pytest.raises(TypeError, match="PosixBackend"):
        subprocess.run([script], check=False)
    with pytest.raises(TypeError):
        subprocess.run(["cat", script], check=False)


def test_dir_entries_refuse_fspath_too(mem: MemoryBackend) -> None:
    mem.create_file("/tmp/f")
    (entry,) = list(mem.scandir("/tmp"))
    with pytest.raises(TypeError):
        os.fspath(entry)


# -- directories ----------------------------------------------------------------------------------
def test_mkdir_is_exclusive_and_masked_by_the_umask(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/d", 0o777)
    assert stat.S_IMODE(mem.stat("/tmp/d").st_mode) == 0o755
    raises_os(errno.EEXIST, lambda: mem.mkdir("/tmp/d"), "/tmp/d")
    mem.mkdir("/tmp/private")
    assert stat.S_IMODE(mem.stat("/tmp/private").st_mode) == 0o700
    assert stat.S_IMODE(MemoryBackend(umask=0).stat("/tmp").st_mode) == 0o1777
    raises_os(errno.ENOENT, lambda: mem.mkdir("/tmp/missing/d"))
    mem.create_file("/tmp/file")
    raises_os(errno.ENOTDIR, lambda: mem.mkdir("/tmp/file/d"))
    raises_os(errno.EEXIST, lambda: mem.mkdir("/"))


def test_directory_link_counts_and_sizes(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/d")
    assert mem.stat("/tmp/d").st_nlink == 2
    mem.mkdir("/tmp/d/a")
    mem.mkdir("/tmp/d/b")
    mem.create_file("/tmp/d/f")
    assert mem.stat("/tmp/d").st_nlink == 4
    assert mem.stat("/tmp/d").st_size == 4096
    mem.rename("/tmp/d/a", "/tmp/a")
    assert mem.stat("/tmp/d").st_nlink == 3


def test_rmdir_rules(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/d")
    mem.create_file("/tmp/d/f")
    raises_os(errno.ENOTEMPTY, lambda: mem.rmdir("/tmp/d"))
    raises_os(errno.ENOTDIR, lambda: mem.rmdir("/tmp/d/f"))
    raises_os(errno.EINVAL, lambda: mem.rmdir("/tmp/d/."))
    raises_os(errno.ENOTEMPTY, lambda: mem.rmdir("/tmp/d/.."))
    raises_os(errno.EBUSY, lambda: mem.rmdir("/"))
    raises_os(errno.ENOENT, lambda: mem.rmdir("/tmp/nothing"))
    mem.unlink("/tmp/d/f")
    mem.rmdir("/tmp/d/")
    raises_os(errno.ENOENT, lambda: mem.stat("/tmp/d"))


def test_scandir_gives_os_direntry_like_entries(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/d")
    mem.mkdir("/tmp/d/sub")
    write(mem, "/tmp/d/file", b"abc")
    mem.symlink("sub", "/tmp/d/to-sub")
    mem.symlink("gone", "/tmp/d/dangling")
    entries = {e.name: e for e in mem.scandir("/tmp/d")}
    assert sorted(entries) == ["dangling", "file", "sub", "to-sub"]
    assert entries["file"].path == "/tmp/d/file"
    assert entries["file"].is_file() and not entries["file"].is_dir()
    assert entries["file"].stat().st_size == 3
    assert entries["file"].inode() == mem.stat("/tmp/d/file").st_ino
    assert entries["to-sub"].is_dir() and entries["to-sub"].is_symlink()
    assert not entries["to-sub"].is_dir(follow_symlinks=False)
    assert not entries["dangling"].is_dir() and not entries["dangling"].is_file()
    assert stat.S_ISLNK(entries["dangling"].stat(follow_symlinks=False).st_mode)
    assert not entries["sub"].is_junction()
    assert [e.path for e in mem.scandir("/tmp/d/") if e.name == "sub"] == ["/tmp/d/sub"]
    raises_os(errno.ENOTDIR, lambda: list(mem.scandir("/tmp/d/file")))
    raises_os(errno.ENOENT, lambda: list(mem.scandir("/tmp/none")))


# -- regular files and open file objects ----------------------------------------------------------
def test_create_file_is_exclusive_private_and_refuses_symlinks(mem: MemoryBackend) -> None:
    mem.create_file("/tmp/f")
    assert stat.S_IMODE(mem.stat("/tmp/f").st_mode) == 0o600
    assert mem.stat("/tmp/f").st_size == 0
    raises_os(errno.EEXIST, lambda: mem.create_file("/tmp/f"))
    mem.symlink("/tmp/target", "/tmp/link")
    raises_os(errno.EEXIST, lambda: mem.create_file("/tmp/link"))
    raises_os(errno.ENOENT, lambda: mem.stat("/tmp/target"))
    raises_os(errno.EISDIR, lambda: mem.create_file("/tmp/new/"))


def test_open_returns_the_classes_builtin_open_returns(mem: MemoryBackend) -> None:
    with mem.open("/tmp/t", "w", encoding="utf-8") as text:
        assert isinstance(text, io.TextIOWrapper) and isinstance(text, io.TextIOBase)
        assert isinstance(text.buffer, io.BufferedWriter)
        assert text.mode == "w" and text.name == "/tmp/t" and text.encoding == "utf-8"
    with mem.open("/tmp/t", "rb") as reader:
        assert isinstance(reader, io.BufferedReader) and isinstance(reader, io.BufferedIOBase)
    with mem.open("/tmp/t", "r+b") as both:
        assert isinstance(both, io.BufferedRandom)
    with mem.open("/tmp/t", "ab", buffering=0) as raw:
        assert isinstance(raw, io.RawIOBase) and raw.mode == "ab"
    with mem.open("/tmp/t", "w+") as plus:
        assert plus.buffer.raw.mode == "rb+"  # type: ignore[attr-defined]


def test_read_write_seek_tell_truncate(mem: MemoryBackend) -> None:
    with mem.open("/tmp/f", "w+b") as f:
        assert f.write(b"hello world") == 11
        assert f.tell() == 11
        f.seek(0)
        assert f.read(5) == b"hello"
        assert f.seek(-5, os.SEEK_END) == 6
        assert f.read() == b"world"
        assert f.truncate(5) == 5
        assert f.tell() == 11  # truncate never moves the position
        f.seek(8)
        f.write(b"!")
        f.seek(0)
        assert f.read() == b"hello\0\0\0!"  # the hole reads as zeros
        with pytest.raises(OSError) as info:
            f.seek(-1)
        assert info.value.errno == errno.EINVAL
    with mem.open("/tmp/f", "rb") as f:
        with pytest.raises(io.UnsupportedOperation):
            f.write(b"x")
        with pytest.raises(io.UnsupportedOperation):
            f.truncate()
    with mem.open("/tmp/f", "wb", buffering=0) as raw:
        with pytest.raises(io.UnsupportedOperation, match="not open for reading"):
            raw.read()
        with pytest.raises(TypeError, match="bytes-like object is required"):
            raw.write("text")
    with pytest.raises(ValueError, match="closed file"):
        raw.write(b"x")


@pytest.mark.parametrize("data", [b"", b"x"])
def test_a_write_past_the_end_grows_the_file_only_when_it_writes_something(
    mem: MemoryBackend, tmp_path: Path, data: bytes
) -> None:
    # write(2) of nothing leaves the size alone, wherever the position is; found by
    # the memory-equals-disk state machine (an empty unbuffered write after a seek).
    sizes = []
    for backend, path in ((mem, "/tmp/f"), (tempkit.PosixBackend(), str(tmp_path / "f"))):
        with backend.open(path, "wb", buffering=0) as raw:
            raw.seek(3)
            assert raw.write(data) == len(data)
        sizes.append(backend.stat(path).st_size)
    assert sizes[0] == sizes[1] == (0 if not data else 4)


def test_text_mode_lines_newlines_and_iteration(mem: MemoryBackend) -> None:
    with mem.open("/tmp/t", "w", encoding="utf-8", newline="\r\n") as f:
        f.write("one\ntwo\nthree")
    assert read(mem, "/tmp/t") == b"one\r\ntwo\r\nthree"
    with mem.open("/tmp/t", encoding="utf-8") as f:
        assert f.readline() == "one\n"
        assert list(f) == ["two\n", "three"]
    with mem.open("/tmp/t", encoding="utf-8", newline="") as f:
        assert f.readlines() == ["one\r\n", "two\r\n", "three"]
    write(mem, "/tmp/latin", "caf\u00e9".encode("latin-1"))
    with mem.open("/tmp/latin", encoding="utf-8", errors="replace") as f:
        assert f.read() == "caf\ufffd"
    with mem.open("/tmp/latin", encoding="utf-8") as f, pytest.raises(UnicodeDecodeError):
        f.read()
    with mem.open("/tmp/line", "w", buffering=1, encoding="utf-8") as f:
        assert isinstance(f, io.TextIOWrapper) and f.line_buffering
        f.write("flushed\n")
        assert read(mem, "/tmp/line") == b"flushed\n"


def test_append_and_exclusive_modes(mem: MemoryBackend) -> None:
    write(mem, "/tmp/log", b"first\n")
    with mem.open("/tmp/log", "a+b") as f:
        assert f.tell() == 6
        f.seek(0)
        assert f.read(5) == b"first"
        f.write(b"second\n")  # O_APPEND: at the end wherever the position was
    assert read(mem, "/tmp/log") == b"first\nsecond\n"
    raises_os(errno.EEXIST, lambda: mem.open("/tmp/log", "x"))
    with mem.open("/tmp/new", "x", encoding="ascii") as f:
        f.write("made")
    assert read(mem, "/tmp/new") == b"made"
    with mem.open("/tmp/log", "w"):
        pass
    assert read(mem, "/tmp/log") == b""


def test_buffered_data_is_visible_after_flush(mem: MemoryBackend) -> None:
    with mem.open("/tmp/f", "wb") as writer:
        writer.write(b"pending")
        assert mem.stat("/tmp/f").st_size == 0
        writer.flush()
        assert mem.stat("/tmp/f").st_size == 7
    with mem.open("/tmp/f", "wb", buffering=0) as raw:
        raw.write(b"now")
        assert read(mem, "/tmp/f") == b"now"


def test_open_argument_errors_touch_nothing(mem: MemoryBackend) -> None:
    for kwargs, error, message in [
        ({"mode": "rw"}, ValueError, "exactly one of"),
        ({"mode": "rr"}, ValueError, "invalid mode"),
        ({"mode": "wbt"}, ValueError, "text and binary"),
        ({"mode": "b"}, ValueError, "exactly one of"),
        ({"mode": "wb", "encoding": "utf-8"}, ValueError, "encoding argument"),
        ({"mode": "wb", "newline": ""}, ValueError, "newline argument"),
        ({"mode": 1}, TypeError, "must be str"),
        ({"mode": "w", "encoding": 5}, TypeError, "must be str or None"),
        # A NUL is refused with the argument, before the file is made, and before
        # a later argument's type is looked at: the builtin's argument parsing.
        ({"mode": "w\0"}, ValueError, "embedded null character"),
        ({"mode": "w\0", "buffering": 1.5}, ValueError, "embedded null character"),
        ({"mode": "w", "encoding": "utf-8\0"}, ValueError, "embedded null character"),
        ({"mode": "w", "errors": "strict\0"}, ValueError, "embedded null character"),
        ({"mode": "w", "newline": "\n\0"}, ValueError, "embedded null character"),
        ({"mode": "wb", "encoding": "\0"}, ValueError, "embedded null character"),
        ({"mode": "w", "buffering": 2**31}, OverflowError, "C int"),
        ({"mode": "r", "buffering": -(2**40)}, OverflowError, "C int"),
    ]:
        with pytest.raises(error, match=message):
            mem.open("/tmp/never", **kwargs)  # type: ignore[arg-type]
        raises_os(errno.ENOENT, lambda: mem.stat("/tmp/never"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"mode": "w\0", "buffering": 1.5},
        {"mode": "w", "encoding": "utf-8\0"},
        {"mode": "w", "errors": "strict\0"},
        {"mode": "w", "newline": "\r\0"},
        {"mode": "w", "buffering": 2**70},
    ],
    ids=["mode", "encoding", "errors", "newline", "buffering beyond a C int"],
)
def test_open_refuses_what_the_builtins_argument_parsing_refuses(
    kwargs: dict[str, object], tmp_path: Path
) -> None:
    mem = MemoryBackend()
    with pytest.raises((ValueError, OverflowError)) as by_open:
        open(tmp_path / "never", **kwargs)  # type: ignore[call-overload]  # noqa: SIM115
    with pytest.raises(type(by_open.value), match=re.escape(str(by_open.value))):
        mem.open("/tmp/never", **kwargs)  # type: ignore[arg-type]
    assert not (tmp_path / "never").exists()
    raises_os(errno.ENOENT, lambda: mem.stat("/tmp/never"))


@pytest.mark.parametrize(
    ("mode", "error"),
    [("rw", TypeError), (1.5, TypeError), (None, TypeError), (2**40, OverflowError)],
    ids=["str", "float", "None", "beyond a C int"],
)
@pytest.mark.parametrize("where", ["free", "existing", "under a file"])
def test_a_bad_mode_argument_is_refused_before_the_path_as_os_does(
    mode: object, error: type[Exception], where: str, tmp_path: Path
) -> None:
    # os reads its arguments before the system call: the mode's error wins over
    # whatever is (or is not) at the path.
    names = {"free": "new", "existing": "dir", "under a file": "file/new"}
    calls: list[tuple[str, Callable[[Backend, str], object]]] = [
        ("mkdir", lambda b, p: b.mkdir(p, mode)),  # type: ignore[arg-type]
        ("create_file", lambda b, p: b.create_file(p, mode)),  # type: ignore[arg-type]
        ("open", lambda b, p: b.open(p, "x", perm=mode).close()),  # type: ignore[arg-type]
        ("chmod", lambda b, p: b.chmod(p, mode)),  # type: ignore[arg-type]
    ]
    for backend, parent in (
        (PosixBackend(), str(tmp_path)),
        (MemoryBackend(), "/tmp"),
        (MemoryBackend(flavour="windows"), None),
    ):
        sep = backend.flavour.sep
        root = f"{parent or tempkit.gettempdir(backend)}{sep}root"
        backend.mkdir(root, 0o700)
        backend.mkdir(f"{root}{sep}dir", 0o700)
        backend.create_file(f"{root}{sep}file")
        path = root + sep + names[where].replace("/", sep)
        for name, call in calls:
            if name == "chmod" and where == "free":
                continue  # nothing to change: the path is looked at
            with pytest.raises(error):
                call(backend, path)
        assert sorted(e.name for e in backend.scandir(root)) == ["dir", "file"], backend


def test_late_errors_leave_the_created_file_like_open_does(mem: MemoryBackend) -> None:
    with pytest.raises(ValueError, match="unbuffered text"):
        mem.open("/tmp/a", "w", buffering=0)
    with pytest.raises(LookupError):
        mem.open("/tmp/b", "w", encoding="no-such-codec")
    assert mem.stat("/tmp/a").st_size == 0 and mem.stat("/tmp/b").st_size == 0


def test_binary_line_buffering_warns_like_open(mem: MemoryBackend) -> None:
    with pytest.warns(RuntimeWarning, match="line buffering"), mem.open("/tmp/f", "wb", 1):
        pass


def test_opening_a_directory_is_eisdir(mem: MemoryBackend) -> None:
    for mode in ("r", "rb", "w", "a", "r+"):
        raises_os(errno.EISDIR, functools.partial(mem.open, "/tmp", mode), "/tmp")
    raises_os(errno.EEXIST, lambda: mem.open("/tmp", "x"))
    mem.create_file("/tmp/f")
    raises_os(errno.ENOTDIR, lambda: mem.open("/tmp/f/"))
    raises_os(errno.EISDIR, lambda: mem.open("/tmp/new/", "w"))


def test_no_file_descriptor(mem: MemoryBackend) -> None:
    with mem.open("/tmp/f", "wb") as f:
        with pytest.raises(io.UnsupportedOperation, match="no file descriptor"):
            f.fileno()
        assert not f.isatty()


def test_a_forgotten_file_warns_like_a_real_one(mem: MemoryBackend) -> None:
    def leak() -> None:
        mem.open("/tmp/leak", "w", encoding="utf-8").write("x")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        leak()
        gc.collect()
    assert any(issubclass(w.category, ResourceWarning) for w in caught)
    assert read(mem, "/tmp/leak") == b"x"  # closing flushed it


def test_an_unlinked_open_file_keeps_working(mem: MemoryBackend) -> None:
    write(mem, "/tmp/f", b"data")
    with mem.open("/tmp/f", "r+b") as f:
        mem.unlink("/tmp/f")
        raises_os(errno.ENOENT, lambda: mem.stat("/tmp/f"))
        assert f.read() == b"data"
        f.write(b" more")
        f.seek(0)
        assert f.read() == b"data more"
    write(mem, "/tmp/f", b"new file")
    assert read(mem, "/tmp/f") == b"new file"


# -- symlinks -------------------------------------------------------------------------------------
def test_symlinks_are_followed_and_reported(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/d")
    write(mem, "/tmp/d/f", b"abc")
    mem.symlink("d/f", "/tmp/rel")
    mem.symlink("/tmp/d", "/tmp/abs")
    assert read(mem, "/tmp/rel") == b"abc"
    assert read(mem, "/tmp/abs/f") == b"abc"
    assert mem.readlink("/tmp/rel") == "d/f"
    lstat = mem.stat("/tmp/rel", follow_symlinks=False)
    assert stat.S_ISLNK(lstat.st_mode) and stat.S_IMODE(lstat.st_mode) == 0o777
    assert lstat.st_size == 3
    assert stat.S_ISREG(mem.stat("/tmp/rel").st_mode)
    raises_os(errno.EINVAL, lambda: mem.readlink("/tmp/d/f"))
    raises_os(errno.EEXIST, lambda: mem.symlink("x", "/tmp/rel"))
    exc = raises_os(errno.ENOENT, lambda: mem.symlink("", "/tmp/empty"))
    assert (exc.filename, exc.filename2) == ("", "/tmp/empty")


def test_dotdot_after_a_symlink_is_physical(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/a")
    mem.mkdir("/tmp/a/b")
    mem.create_file("/tmp/a/marker")
    mem.symlink("/tmp/a/b", "/tmp/link")
    assert mem.stat("/tmp/link/../marker").st_ino == mem.stat("/tmp/a/marker").st_ino


def test_writing_through_a_dangling_symlink_creates_its_target(mem: MemoryBackend) -> None:
    mem.symlink("target", "/tmp/link")
    write(mem, "/tmp/link", b"via link")
    assert read(mem, "/tmp/target") == b"via link"
    raises_os(errno.EEXIST, lambda: mem.open("/tmp/link", "x"))


def test_symlink_loops_are_eloop_after_forty_hops(mem: MemoryBackend) -> None:
    mem.symlink("self", "/tmp/self")
    raises_os(errno.ELOOP, lambda: mem.stat("/tmp/self"), "/tmp/self")
    raises_os(errno.ELOOP, lambda: mem.open("/tmp/self", "w"))
    assert stat.S_ISLNK(mem.stat("/tmp/self", follow_symlinks=False).st_mode)
    mem.mkdir("/tmp/end")
    previous = "end"
    for i in range(41):
        mem.symlink(previous, f"/tmp/s{i}")
        previous = f"s{i}"
    assert stat.S_ISDIR(mem.stat("/tmp/s39").st_mode)  # 40 links: allowed
    raises_os(errno.ELOOP, lambda: mem.stat("/tmp/s40"))  # 41: too many


def test_chmod_of_a_symlink_itself_is_unsupported_as_on_linux(mem: MemoryBackend) -> None:
    mem.create_file("/tmp/f")
    mem.symlink("f", "/tmp/l")
    with pytest.raises(NotImplementedError):
        mem.chmod("/tmp/l", 0o600, follow_symlinks=False)
    mem.chmod("/tmp/l", 0o640)
    assert stat.S_IMODE(mem.stat("/tmp/f").st_mode) == 0o640
    mem.chmod("/tmp/f", 0o644, follow_symlinks=False)
    assert stat.S_IMODE(mem.stat("/tmp/f").st_mode) == 0o644


def test_realpath(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/real")
    mem.symlink("/tmp/real", "/tmp/link")
    mem.symlink("loop", "/tmp/loop")
    assert mem.realpath("/tmp/link/x/../y") == "/tmp/real/y"
    assert mem.realpath("/tmp/./link") == "/tmp/real"
    assert mem.realpath("/tmp/loop/x") == "/tmp/loop/x"
    raises_os(errno.ELOOP, lambda: mem.realpath("/tmp/loop/x", strict=True))
    raises_os(errno.ENOENT, lambda: mem.realpath("/tmp/link/missing", strict=True))
    assert BackendPath("/tmp/link", backend=mem).resolve() == BackendPath("/tmp/real", backend=mem)


# -- permissions, enforced for the owner as for any user who is not root --------------------------
def test_a_read_only_directory_refuses_new_entries(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/ro")
    mem.create_file("/tmp/ro/existing")
    mem.chmod("/tmp/ro", 0o500)
    raises_os(errno.EACCES, lambda: mem.create_file("/tmp/ro/new"), "/tmp/ro/new")
    raises_os(errno.EACCES, lambda: mem.mkdir("/tmp/ro/d"))
    raises_os(errno.EACCES, lambda: mem.symlink("x", "/tmp/ro/l"))
    raises_os(errno.EACCES, lambda: mem.unlink("/tmp/ro/existing"))
    raises_os(errno.EACCES, lambda: mem.rename("/tmp/ro/existing", "/tmp/moved"))
    raises_os(errno.EEXIST, lambda: mem.mkdir("/tmp/ro/existing"))  # existence is checked first
    assert [e.name for e in mem.scandir("/tmp/ro")] == ["existing"]
    write(mem, "/tmp/ro/existing", b"files in it stay writable")


def test_a_read_only_file_refuses_writing(mem: MemoryBackend) -> None:
    write(mem, "/tmp/f", b"keep")
    mem.chmod("/tmp/f", 0o400)
    for mode in ("w", "a", "r+", "wb"):
        raises_os(errno.EACCES, functools.partial(mem.open, "/tmp/f", mode), "/tmp/f")
    assert read(mem, "/tmp/f") == b"keep"
    mem.chmod("/tmp/f", 0o200)
    raises_os(errno.EACCES, lambda: mem.open("/tmp/f", "rb"))
    with mem.open("/tmp/g", "x", encoding="utf-8", perm=0o400) as f:
        f.write("a new file opens for writing whatever its mode")


def test_search_and_read_permission_on_directories(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/d")
    write(mem, "/tmp/d/f", b"x")
    mem.chmod("/tmp/d", 0o600)  # no x: nothing inside can be reached
    raises_os(errno.EACCES, lambda: mem.stat("/tmp/d/f"))
    raises_os(errno.EACCES, lambda: mem.open("/tmp/d/f", "rb"))
    assert [e.name for e in mem.scandir("/tmp/d")] == ["f"]  # r still lists names
    mem.chmod("/tmp/d", 0o300)  # no r: no listing, but lookups work
    raises_os(errno.EACCES, lambda: list(mem.scandir("/tmp/d")))
    assert read(mem, "/tmp/d/f") == b"x"
    raises_os(errno.EACCES, lambda: mem.open("/tmp/d", "r"))


def test_moving_a_directory_to_another_parent_needs_write_on_it(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/d")
    mem.mkdir("/tmp/other")
    mem.chmod("/tmp/d", 0o500)
    raises_os(errno.EACCES, lambda: mem.rename("/tmp/d", "/tmp/other/d"))
    mem.rename("/tmp/d", "/tmp/d2")  # same parent: ".." does not change


def test_writing_clears_set_id_bits_as_linux_does(mem: MemoryBackend) -> None:
    mem.create_file("/tmp/prog")
    mem.chmod("/tmp/prog", 0o6755)
    write(mem, "/tmp/prog", b"changed")
    assert stat.S_IMODE(mem.stat("/tmp/prog").st_mode) == 0o755
    mem.mkdir("/tmp/shared")
    mem.chmod("/tmp/shared", 0o2775)
    mem.mkdir("/tmp/shared/inner", 0o755)
    assert mem.stat("/tmp/shared/inner").st_mode & stat.S_ISGID


# -- stat fields and times ------------------------------------------------------------------------
def test_stat_result_fields(mem: MemoryBackend) -> None:
    write(mem, "/tmp/f", b"12345")
    result = mem.stat("/tmp/f")
    assert isinstance(result, os.stat_result)
    assert stat.S_ISREG(result.st_mode) and result.st_size == 5 and result.st_nlink == 1
    assert result.st_uid == (os.getuid() if hasattr(os, "getuid") else 0)
    assert result.st_blksize == 4096 and result.st_blocks == 8
    assert result.st_mtime_ns // 1_000_000_000 == int(result.st_mtime) == result[stat.ST_MTIME]
    mem.create_file("/tmp/g")
    assert mem.stat("/tmp/g").st_ino != result.st_ino


def test_times_follow_reads_writes_and_changes(mem: MemoryBackend) -> None:
    write(mem, "/tmp/f", b"a")
    before = mem.stat("/tmp/f")
    forced = before.st_mtime_ns - 10**9
    node = mem._tree.resolve("/tmp/f")
    node.atime_ns = node.mtime_ns = node.ctime_ns = forced  # as if written a second ago
    read(mem, "/tmp/f")
    after_read = mem.stat("/tmp/f")
    assert after_read.st_atime_ns > forced and after_read.st_mtime_ns == forced
    mem.chmod("/tmp/f", 0o644)
    after_chmod = mem.stat("/tmp/f")
    assert after_chmod.st_ctime_ns > forced and after_chmod.st_mtime_ns == forced
    write(mem, "/tmp/f", b"b")
    assert mem.stat("/tmp/f").st_mtime_ns > forced
    node.atime_ns = node.mtime_ns = node.ctime_ns = forced
    mem.utime("/tmp/f")
    touched = mem.stat("/tmp/f")
    assert min(touched.st_atime_ns, touched.st_mtime_ns, touched.st_ctime_ns) > forced


# -- rename, replace, no-clobber ------------------------------------------------------------------
def test_rename_over_a_file_and_over_an_empty_directory(mem: MemoryBackend) -> None:
    write(mem, "/tmp/a", b"a")
    write(mem, "/tmp/b", b"b")
    mem.rename("/tmp/a", "/tmp/b")
    assert read(mem, "/tmp/b") == b"a"
    mem.mkdir("/tmp/d1")
    mem.create_file("/tmp/d1/inside")
    mem.mkdir("/tmp/d2")
    mem.replace("/tmp/d1", "/tmp/d2")
    assert [e.name for e in mem.scandir("/tmp/d2")] == ["inside"]
    mem.rename("/tmp/b", "/tmp/b")  # onto itself: nothing happens


def test_rename_errors_name_both_paths(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/d")
    mem.mkdir("/tmp/full")
    mem.create_file("/tmp/full/x")
    mem.create_file("/tmp/f")
    cases = [
        (errno.ENOTEMPTY, "/tmp/d", "/tmp/full"),
        (errno.EISDIR, "/tmp/f", "/tmp/d"),
        (errno.ENOTDIR, "/tmp/d", "/tmp/f"),
        (errno.EINVAL, "/tmp/d", "/tmp/d/inside"),
        (errno.ENOTEMPTY, "/tmp/full/x", "/tmp/full"),
        (errno.ENOENT, "/tmp/missing", "/tmp/z"),
        (errno.ENOTDIR, "/tmp/f", "/tmp/g/"),
        (errno.EBUSY, "/tmp/d/.", "/tmp/z"),
    ]
    for code, src, dst in cases:
        exc = raises_os(code, functools.partial(mem.rename, src, dst), src)
        assert exc.filename2 == dst


def test_rename_noreplace_refuses_any_existing_target(mem: MemoryBackend) -> None:
    mem.create_file("/tmp/a")
    mem.create_file("/tmp/b")
    mem.symlink("nowhere", "/tmp/dangling")
    raises_os(errno.EEXIST, lambda: mem.rename_noreplace("/tmp/a", "/tmp/b"))
    raises_os(errno.EEXIST, lambda: mem.rename_noreplace("/tmp/a", "/tmp/dangling"))
    mem.rename_noreplace("/tmp/a", "/tmp/c")
    raises_os(errno.ENOENT, lambda: mem.stat("/tmp/a"))


def test_unlink_rules(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/d")
    mem.create_file("/tmp/f")
    mem.symlink("d", "/tmp/l")
    raises_os(errno.EISDIR, lambda: mem.unlink("/tmp/d"))
    raises_os(errno.ENOTDIR, lambda: mem.unlink("/tmp/f/"))
    raises_os(errno.ENOTDIR, lambda: mem.unlink("/tmp/l/"))
    mem.unlink("/tmp/l")
    assert stat.S_ISDIR(mem.stat("/tmp/d").st_mode)  # the link went, not its target


def test_paths_too_long_or_with_nul(mem: MemoryBackend) -> None:
    raises_os(errno.ENAMETOOLONG, lambda: mem.mkdir("/tmp/" + "x" * 256))
    mem.mkdir("/tmp/" + "x" * 255)
    raises_os(errno.ENAMETOOLONG, lambda: mem.stat("/x" * 2100))
    raises_os(errno.ENOENT, lambda: mem.stat(""))
    with pytest.raises(ValueError, match="null"):
        mem.stat("/tmp/a\0b")


def test_relative_paths_start_at_the_cwd() -> None:
    backend = MemoryBackend(cwd="/work")
    write(backend, "notes.txt", b"relative")
    assert read(backend, "/work/notes.txt") == b"relative"
    assert backend.realpath("notes.txt") == "/work/notes.txt"
    backend.unlink("notes.txt")
    backend.rmdir("/work")
    raises_os(errno.ENOENT, backend.getcwd)
    raises_os(errno.ENOENT, lambda: backend.create_file("new"))


# -- rmtree ---------------------------------------------------------------------------------------
def test_rmtree_removes_read_only_trees_and_never_follows_links(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/keep")
    mem.create_file("/tmp/keep/precious")
    mem.mkdir("/tmp/tree")
    mem.mkdir("/tmp/tree/sub")
    write(mem, "/tmp/tree/sub/f", b"x")
    mem.symlink("/tmp/keep", "/tmp/tree/link")
    mem.chmod("/tmp/tree/sub/f", 0o400)
    mem.chmod("/tmp/tree/sub", 0o500)
    mem.chmod("/tmp/tree", 0o000)
    mem.rmtree("/tmp/tree")
    raises_os(errno.ENOENT, lambda: mem.stat("/tmp/tree"))
    assert mem.stat("/tmp/keep/precious").st_size == 0
    mem.rmtree("/tmp/tree")  # already gone: fine


def test_rmtree_reports_what_it_cannot_remove(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/locked")
    mem.mkdir("/tmp/locked/tree")
    mem.chmod("/tmp/locked", 0o500)
    with pytest.raises(CleanupError) as info:
        mem.rmtree("/tmp/locked/tree")
    assert [path for path, _ in info.value.errors] == ["/tmp/locked/tree"]


# -- the resolver works on it exactly as on the disk ----------------------------------------------
def test_resolver_skips_a_missing_tmpdir_and_uses_it_once_made() -> None:
    backend = MemoryBackend(environ={"TMPDIR": "/scratch"})
    resolution = tempkit.resolver_for(backend).explain()
    assert resolution.chosen == "/tmp"
    first = resolution.candidates[0]
    assert (first.path, first.accepted, first.reason) == ("/scratch", False, "does not exist")
    backend.mkdir("/scratch")
    tempkit.reset_tempdir_cache(backend)
    assert tempkit.gettempdir(backend) == "/scratch"
    assert [e.name for e in backend.scandir("/scratch")] == []  # the probe was removed


def test_resolver_reasons_on_memory() -> None:
    backend = MemoryBackend(environ={"TMPDIR": "/file", "TEMP": "/ro", "TMP": "rel"}, cwd="/w")
    backend.create_file("/file")
    backend.mkdir("/ro", 0o500)
    backend.chmod("/tmp", 0o500)
    resolution = tempkit.resolver_for(backend).explain()
    reasons = {c.path: c.reason for c in resolution.candidates}
    assert reasons["/file"] == "not a directory"
    assert reasons["/ro"].startswith("not writable")
    assert reasons["/w/rel"] == "does not exist"  # relative: taken from the cwd
    assert reasons["/tmp"].startswith("not writable")
    assert resolution.chosen == "/w"  # the last resort, as on the disk


# -- temp objects end to end on memory ------------------------------------------------------------
def test_temp_objects_on_memory_end_to_end(temp_root: Path) -> None:
    backend = MemoryBackend()
    with TempDirPath.create(prefix="job-", backend=backend) as tmp:
        assert tmp.backend is backend and str(tmp.parent) == "/tmp"
        assert stat.S_IMODE(tmp.stat().st_mode) == 0o700
        (tmp / "sub").mkdir()
        (tmp / "sub" / "out.txt").write_text("result", encoding="utf-8")
        (tmp / "sub" / "out.txt").chmod(0o400)
        (tmp / "sub").chmod(0o500)
        assert sorted(p.name for p in tmp.rglob("*")) == ["out.txt", "sub"]
    assert not tmp.exists()
    file = TempFilePath.create(suffix=".bin", backend=backend)
    file.write_bytes(b"\x00\x01")
    kept = file.persist("/tmp/final.bin")
    assert kept.read_bytes() == b"\x00\x01" and not file.exists()
    with TempFilePath.create_open("w+", encoding="utf-8", backend=backend) as handle:
        handle.write("named temp file")
        handle.seek(0)
        assert handle.read() == "named temp file"
    assert not handle.path.exists()
    assert list(temp_root.iterdir()) == []  # nothing reached the real temp dir


def test_persist_without_overwrite_keeps_the_temp_object(mem: MemoryBackend) -> None:
    mem.create_file("/tmp/taken")
    temp = TempFilePath.create(backend=mem)
    with pytest.raises(FileExistsError):
        temp.persist("/tmp/taken")
    assert temp.exists() and temp.managed
    temp.cleanup()


# -- swapping the current backend -----------------------------------------------------------------
def test_use_backend_makes_create_use_memory(temp_root: Path) -> None:
    backend = MemoryBackend()
    with use_backend(backend):
        assert get_backend() is backend
        with TempDirPath.create() as tmp:
            assert tmp.backend is backend
            (tmp / "x").write_text("x", encoding="utf-8")
    assert get_backend() is not backend
    assert list(temp_root.iterdir()) == []


def test_use_backend_refuses_what_is_not_a_backend_every_time() -> None:
    # The check is made once per class and remembered: only for classes that pass.
    class Incomplete:
        name = "incomplete"

    for _ in range(2):
        for thing in (object(), Incomplete(), "memory"):
            with pytest.raises(TypeError, match="expected a tempkit Backend"), use_backend(thing):  # type: ignore[arg-type]
                pass
            with pytest.raises(TypeError, match="expected a tempkit Backend"):
                set_default_backend(thing)  # type: ignore[arg-type]
    for _ in range(2):
        with use_backend(MemoryBackend()) as backend:
            assert isinstance(backend, MemoryBackend)


def test_set_default_backend_is_process_wide_until_reset() -> None:
    backend = MemoryBackend()
    seen: list[Backend] = []
    try:
        set_default_backend(backend)
        worker = threading.Thread(target=lambda: seen.append(get_backend()))
        worker.start()
        worker.join()
        assert seen == [backend] and get_backend() is backend
    finally:
        set_default_backend(None)
    assert isinstance(get_backend(), PosixBackend)


def test_use_backend_is_per_thread() -> None:
    barrier = threading.Barrier(4)
    results: dict[int, tuple[Backend, str]] = {}
    backends = [MemoryBackend() for _ in range(4)]

    def work(index: int) -> None:
        with use_backend(backends[index]):
            barrier.wait()  # all four are inside their own block at once
            with TempFilePath.create(prefix=f"t{index}-") as temp:
                results[index] = (get_backend(), temp.name)
            barrier.wait()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index, (seen, name) in results.items():
        assert seen is backends[index] and name.startswith(f"t{index}-")
    assert isinstance(get_backend(), PosixBackend)


def test_use_backend_is_per_asyncio_task() -> None:
    backends = [MemoryBackend() for _ in range(3)]

    async def task(index: int, ready: asyncio.Event, go: asyncio.Event) -> tuple[bool, str]:
        with use_backend(backends[index]):
            ready.set()
            await go.wait()  # every task is inside its block now
            temp = TempDirPath.create(prefix=f"task{index}-")
            try:
                return get_backend() is backends[index], temp.name
            finally:
                temp.cleanup()

    async def main() -> list[tuple[bool, str]]:
        go = asyncio.Event()
        events = [asyncio.Event() for _ in backends]
        tasks = [asyncio.create_task(task(i, events[i], go)) for i in range(3)]
        for event in events:
            await event.wait()
        go.set()
        return await asyncio.gather(*tasks)

    for index, (own, name) in enumerate(asyncio.run(main())):
        assert own and name.startswith(f"task{index}-")


# -- threads hammering one instance ---------------------------------------------------------------
def test_threads_hammering_one_instance_stay_consistent(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/hammer")
    workers, rounds = 8, 150
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def work(index: int) -> None:
        try:
            start.wait()
            for n in range(rounds):
                path = f"/tmp/hammer/{index}-{n}"
                mem.mkdir(path)
                with mem.open(path + "/data", "w", encoding="utf-8") as f:
                    f.write(f"{index}:{n}")
                with mem.open(path + "/data", encoding="utf-8") as f:
                    assert f.read() == f"{index}:{n}"
                mem.rename(path + "/data", path + "/renamed")
                if n % 2:
                    mem.rmtree(path)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    names = sorted(e.name for e in mem.scandir("/tmp/hammer"))
    assert len(names) == workers * rounds // 2
    assert mem.stat("/tmp/hammer").st_nlink == 2 + len(names)


def test_exclusive_create_has_exactly_one_winner(mem: MemoryBackend) -> None:
    contenders = 16
    outcomes: list[str] = []
    start = threading.Barrier(contenders)

    def race() -> None:
        start.wait()
        try:
            mem.create_file("/tmp/prize")
            outcomes.append("won")
        except FileExistsError:
            outcomes.append("lost")

    threads = [threading.Thread(target=race) for _ in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lost"] * (contenders - 1) + ["won"]


def test_one_file_shared_between_threads(mem: MemoryBackend) -> None:
    handle = mem.open("/tmp/shared", "ab", buffering=0)
    lines = 200

    def append(tag: bytes) -> None:
        for _ in range(lines):
            handle.write(tag * 8 + b"\n")

    threads = [threading.Thread(target=append, args=(t,)) for t in (b"a", b"b", b"c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handle.close()
    content = read(mem, "/tmp/shared").splitlines()
    assert len(content) == 3 * lines
    assert {line for line in content} == {b"a" * 8, b"b" * 8, b"c" * 8}  # never interleaved


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork in a multi-threaded process
def test_a_forked_child_gets_a_usable_copy_even_if_a_thread_held_the_lock(
    mem: MemoryBackend,
) -> None:
    mem.create_file("/tmp/before-fork")
    holding, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        with mem._lock:
            holding.set()
            release.wait()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    holding.wait()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        code = 1
        signal.alarm(60)  # a deadlock would otherwise hang the suite: die instead
        try:
            mem.create_file("/tmp/in-child")
            code = 0 if mem.stat("/tmp/before-fork").st_size == 0 else 2
        finally:
            os._exit(code)
    release.set()
    holder.join()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    raises_os(errno.ENOENT, lambda: mem.stat("/tmp/in-child"))  # the child had its own copy


def test_scandir_is_lazy_like_os_scandir(mem: MemoryBackend) -> None:
    listing = mem.scandir("/tmp/not-yet")  # nothing is read before the iteration starts
    mem.mkdir("/tmp/not-yet")
    assert list(listing) == []


# -- the raw layer against io.FileIO on a real file ----------------------------------------------
RAW_SCRIPT: list[tuple[str, tuple[object, ...]]] = [
    ("write", (b"0123456789",)),
    ("seek", (3,)),
    ("read", (4,)),
    ("read", (-1,)),
    ("read", (5,)),
    ("seek", (-2, os.SEEK_END)),
    ("tell", ()),
    ("seek", (2, os.SEEK_CUR)),
    ("write", (b"ab",)),
    ("seek", (0, getattr(os, "SEEK_DATA", 3))),
    ("seek", (5, getattr(os, "SEEK_HOLE", 4))),
    ("seek", (99, getattr(os, "SEEK_DATA", 3))),
    ("seek", (0, 17)),
    ("seek", (-20, os.SEEK_CUR)),
    ("seek", (1.5,)),
    ("truncate", (4,)),
    ("truncate", (-1,)),
    ("truncate", ()),
    ("readall", ()),
    ("readinto", (bytearray(3),)),
    ("readable", ()),
    ("writable", ()),
    ("seekable", ()),
    ("isatty", ()),
    ("flush", ()),
]


def run_raw_script(file: io.RawIOBase) -> list[object]:
    results: list[object] = []
    for method, args in RAW_SCRIPT:
        try:
            results.append((method, getattr(file, method)(*args)))
        except Exception as exc:
            results.append((method, type(exc).__name__, str(exc)))
    file.seek(0)
    try:
        results.append(file.readall())
    except OSError as exc:
        results.append(("readall", exc.errno))
    return results


@pytest.mark.parametrize("mode", ["rb+", "wb+", "ab+", "rb", "wb", "ab"])
def test_raw_files_behave_as_fileio(mode: str, tmp_path: Path) -> None:
    mem = MemoryBackend()
    real = tmp_path / "real"
    real.write_bytes(b"seed data")
    write(mem, "/tmp/f", b"seed data")
    with mem.open("/tmp/f", mode, buffering=0) as memory_raw, open(real, mode, buffering=0) as disk:
        assert isinstance(memory_raw, io.RawIOBase) and isinstance(disk, io.FileIO)
        assert memory_raw.mode == disk.mode
        assert run_raw_script(memory_raw) == run_raw_script(disk)
    assert read(mem, "/tmp/f") == real.read_bytes()


@pytest.mark.parametrize("mode", ["rb", "wb", "ab+"])
def test_closed_raw_files_refuse_as_fileio(mode: str, tmp_path: Path) -> None:
    # While open, a memory raw file answers readable() and friends from the
    # instance; once closed, they must raise as FileIO's do.
    mem = MemoryBackend()
    write(mem, "/tmp/f", b"seed")
    (tmp_path / "f").write_bytes(b"seed")
    memory_raw = mem.open("/tmp/f", mode, buffering=0)
    disk = open(tmp_path / "f", mode, buffering=0)  # noqa: SIM115 - closed just below
    memory_raw.close()
    disk.close()
    outcomes: list[list[object]] = [[], []]
    for method, args in [*RAW_SCRIPT, ("fileno", ()), ("close", ())]:
        for outcome, file in zip(outcomes, (memory_raw, disk), strict=True):
            try:
                outcome.append((method, getattr(file, method)(*args)))
            except Exception as exc:
                outcome.append((method, type(exc).__name__, str(exc)))
    assert outcomes[0] == outcomes[1]
    assert memory_raw.closed and "closed" in repr(memory_raw)


def test_write_only_raw_files_fail_as_fileio(tmp_path: Path) -> None:
    mem = MemoryBackend()
    with (
        mem.open("/tmp/f", "wb", buffering=0) as memory_raw,
        open(tmp_path / "f", "wb", buffering=0) as disk,
    ):
        for method in ("read", "readall", "readline"):
            outcomes = []
            for file in (memory_raw, disk):
                with pytest.raises(Exception) as info:
                    getattr(file, method)()
                outcomes.append((type(info.value), getattr(info.value, "errno", None)))
            assert outcomes[0] == outcomes[1], method
    with mem.open("/tmp/f", "rb", buffering=0) as memory_raw:
        with pytest.raises(io.UnsupportedOperation, match="not open for writing"):
            memory_raw.truncate()
        assert "MemoryFileIO" in repr(memory_raw)
    assert "closed" in repr(memory_raw)


def test_a_forgotten_unbuffered_file_warns_too() -> None:
    mem = MemoryBackend()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mem.open("/tmp/leak", "wb", buffering=0).write(b"x")
        gc.collect()
    assert any(issubclass(w.category, ResourceWarning) for w in caught)
    assert read(mem, "/tmp/leak") == b"x"


@pytest.mark.skipif(sys.version_info >= (3, 11), reason="mode 'U' was removed in Python 3.11")
def test_universal_mode_of_python_310(mem: MemoryBackend) -> None:
    write(mem, "/tmp/f", b"a\r\nb")
    with pytest.warns(DeprecationWarning), mem.open("/tmp/f", "rU", encoding="utf-8") as f:
        assert f.read() == "a\nb"
    with pytest.raises(ValueError, match="mode U cannot be combined"):
        mem.open("/tmp/f", "wU")


def test_rmtree_works_through_directory_handles_like_the_disk(tmp_path: Path) -> None:
    # "a/b/.." names "a", but the walk removes "b" first: removal must go on
    # inside the directory it opened (as with descriptors), not by re-reading
    # a path that no longer resolves. Both backends must end the same way.
    def run(backend: Backend, root: str) -> list[str]:
        backend.mkdir(root + "/a")
        write(backend, root + "/a/f", b"x")
        backend.mkdir(root + "/a/b")
        backend.chmod(root + "/a", 0o500)  # not an open tree: the walker does it
        backend.rmtree(root + "/a/b/..")
        return sorted(entry.name for entry in backend.scandir(root + "/a"))

    memory = MemoryBackend(cwd="/r")
    assert run(memory, "/r") == run(PosixBackend(), str(tmp_path)) == []
