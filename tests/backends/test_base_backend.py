"""BaseBackend's pieces behave as the real thing they stand for.

``BytesRawFile`` is compared with ``io.FileIO`` on a real file, step by step;
``StatDirEntry`` with ``os.DirEntry`` from a real ``os.scandir``; the defaults a
backend without symlinks or permission bits inherits with what they promise.
The derived ``open``, ``create_file`` and ``rmtree`` are exercised end to end by
the conformance kit on the documented example backend (test_writing_a_backend).
"""

from __future__ import annotations

import errno
import functools
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tempkit import PosixBackend
from tempkit.backends.base import POSIX, BaseBackend, BytesRawFile, StatDirEntry
from tempkit.backends.modes import parse_mode
from tests.backends.test_writing_a_backend import example_backend


def _outcome(action: Callable[[], object]) -> object:
    try:
        return ("ok", action())
    except OSError as exc:
        return (type(exc).__name__, exc.errno)
    except (ValueError, io.UnsupportedOperation) as exc:
        return (type(exc).__name__,)


STEPS: list[tuple[str, Callable[[Any], object]]] = [
    ("write", lambda f: f.write(b"hello world")),
    ("tell", lambda f: f.tell()),
    ("seek start", lambda f: f.seek(0)),
    ("read 5", lambda f: f.read(5)),
    ("readinto", lambda f: f.readinto(bytearray(3))),
    ("seek past end", lambda f: f.seek(20)),
    ("write after hole", lambda f: f.write(b"!")),
    ("seek end", lambda f: f.seek(-4, os.SEEK_END)),
    ("readall", lambda f: f.readall()),
    ("seek before start", lambda f: f.seek(-1)),
    ("seek from here", lambda f: f.seek(-2, os.SEEK_CUR)),
    ("truncate to 3", lambda f: f.truncate(3)),
    ("tell after truncate", lambda f: f.tell()),
    ("truncate to 8", lambda f: f.truncate(8)),
    ("write memoryview", lambda f: f.write(memoryview(b"ab"))),
    ("read at end", lambda f: f.read(4)),
]


@pytest.mark.parametrize("mode", ["w+b", "r+b", "a+b", "wb", "rb", "xb"])
def test_a_bytes_raw_file_does_what_fileio_does(tmp_path: Path, mode: str) -> None:
    disk = tmp_path / "f"
    disk.write_bytes(b"0123456789")
    if mode == "xb":
        disk.unlink()
    data = bytearray() if mode in ("w+b", "wb", "xb") else bytearray(b"0123456789")
    memory = BytesRawFile(data, parse_mode(mode).request, "f")
    with io.FileIO(disk, mode) as real:
        assert (memory.readable(), memory.writable(), memory.mode) == (
            real.readable(),
            real.writable(),
            real.mode,
        )
        for step, action in STEPS:
            ours = _outcome(functools.partial(action, memory))
            theirs = _outcome(functools.partial(action, real))
            assert ours == theirs, step
    assert bytes(data) == disk.read_bytes()


def test_handles_on_one_bytearray_see_each_other_and_outlive_the_name() -> None:
    data = bytearray()
    writer = BytesRawFile(data, parse_mode("wb").request, "f")
    reader = BytesRawFile(data, parse_mode("rb").request, "f")
    writer.write(b"shared")
    assert reader.read() == b"shared"
    appender = BytesRawFile(data, parse_mode("ab").request, "f")
    writer.seek(0)
    appender.write(b"!")
    assert bytes(data) == b"shared!"


def _mode(entry: Any, follow: bool) -> int:
    mode: int = entry.stat(follow_symlinks=follow).st_mode
    return mode


def _entries_alike(entry: Any) -> tuple[object, ...]:
    answers: list[object] = [entry.name]
    for follow in (True, False):
        answers += [entry.is_dir(follow_symlinks=follow), entry.is_file(follow_symlinks=follow)]
        answers.append(_outcome(functools.partial(_mode, entry, follow)))
    answers.append(entry.is_symlink())
    return tuple(answers)


def test_a_stat_dir_entry_answers_as_os_dir_entry(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"x")
    (tmp_path / "dir").mkdir()
    (tmp_path / "link-to-file").symlink_to(tmp_path / "file")
    (tmp_path / "link-to-dir").symlink_to(tmp_path / "dir")
    (tmp_path / "dangling").symlink_to(tmp_path / "missing")
    backend = PosixBackend()
    with os.scandir(tmp_path) as listing:
        real = {entry.name: _entries_alike(entry) for entry in listing}
    ours = {name: _entries_alike(StatDirEntry(backend, str(tmp_path / name))) for name in real}
    assert ours == real


class _Partial(BaseBackend):
    name = "partial"
    flavour = POSIX


def test_a_core_method_left_out_says_which() -> None:
    with pytest.raises(NotImplementedError, match="must define open_raw"):
        _Partial().create_file("/x")
    with pytest.raises(NotImplementedError, match="must define stat"):
        _Partial().rmtree("/x")


def test_what_a_backend_without_symlinks_or_modes_answers() -> None:
    backend = example_backend()
    backend.mkdir("/tmp/d")
    backend.create_file("/tmp/d/f")
    with pytest.raises(OSError) as caught:
        backend.readlink("/tmp/d/f")
    assert (caught.value.errno, caught.value.filename) == (errno.EINVAL, "/tmp/d/f")
    with pytest.raises(FileNotFoundError):
        backend.readlink("/tmp/d/missing")
    with pytest.raises(OSError) as caught:
        backend.symlink("/tmp/d/f", "/tmp/d/l")
    assert caught.value.errno == errno.ENOTSUP
    with pytest.raises(OSError) as caught:
        backend.chmod("/tmp/d/f", 0o600)
    assert caught.value.errno == errno.ENOTSUP
    backend.utime("/tmp/d/f")
    with pytest.raises(FileNotFoundError):
        backend.utime("/tmp/d/missing")
    with pytest.raises(TypeError, match="no OS path"):
        backend.fspath("/tmp/d/f")
    assert backend.realpath("d/./f/../f") == "/d/f"  # lexical: relative to getcwd() "/"
    backend.rename("/tmp/d/f", "/tmp/d/g")  # POSIX rename: replace
    assert [entry.name for entry in backend.scandir("/tmp/d")] == ["g"]
