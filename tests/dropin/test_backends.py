"""tempkit.tempfile follows the current backend; an OS path or descriptor never leaves a memory one.

Every function that hands out an OS path string or descriptor refuses a
backend without them with a TypeError naming the tempkit call to use, before
creating anything; the file objects (TemporaryFile, SpooledTemporaryFile, the
file of a NamedTemporaryFile) work there.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import tempkit
import tempkit.tempfile as tf
from tempkit import Backend, FsspecBackend, MemoryBackend, TempDirPath, TempFilePath


@pytest.fixture(params=["memory", "windows memory", "fsspec memory"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    made: Backend
    if request.param == "memory":
        made = MemoryBackend()
    elif request.param == "windows memory":
        made = MemoryBackend(flavour="windows")
    else:
        pytest.importorskip("fsspec")
        from fsspec.implementations.memory import MemoryFileSystem

        made = FsspecBackend(MemoryFileSystem(), root="/")
    with tempkit.use_backend(made):
        yield made


def listing(backend: Backend) -> list[str]:
    return sorted(entry.name for entry in backend.scandir(tempkit.gettempdir(backend)))


REFUSED: dict[str, tuple[Callable[[], Any], str]] = {
    "mkstemp": (tf.mkstemp, "TempFilePath.create_open()"),
    "mkstemp bytes": (lambda: tf.mkstemp(suffix=b"x"), "TempFilePath.create_open()"),
    "mkdtemp": (tf.mkdtemp, "TempDirPath.create()"),
    "mktemp": (tf.mktemp, "TempFilePath.create()"),
    "gettempdir": (tf.gettempdir, "gettempdir()"),
    "gettempdirb": (tf.gettempdirb, "gettempdir()"),
}


@pytest.mark.parametrize("call", sorted(REFUSED))
def test_os_paths_and_descriptors_are_refused_naming_the_tempkit_call(
    backend: Backend, call: str
) -> None:
    function, instead = REFUSED[call]
    before = listing(backend)
    with pytest.raises(TypeError, match=rf"has no .*use tempkit\.{instead}"):
        function()
    assert listing(backend) == before


def test_named_temporary_file_works_but_has_no_os_name(backend: Backend) -> None:
    with tf.NamedTemporaryFile("w+", encoding="utf-8") as f:
        f.write("in memory")
        f.seek(0)
        assert f.read() == "in memory"
        assert isinstance(f.path, TempFilePath) and f.path.backend is backend
        assert f.path.exists()
        with pytest.raises(TypeError, match=r"use \.path"):
            f.name  # noqa: B018
        assert listing(backend) == [f.path.name]
    assert listing(backend) == []


def test_temporary_directory_works_but_has_no_os_name(backend: Backend) -> None:
    directory = tf.TemporaryDirectory(prefix="work-")
    assert isinstance(directory.path, TempDirPath)
    (directory.path / "a.txt").write_bytes(b"x")
    with pytest.raises(TypeError, match=r"use \.path"):
        directory.name  # noqa: B018
    assert "work-" in repr(directory)
    directory.cleanup()
    assert listing(backend) == []
    with pytest.raises(TypeError, match=r"use \.path"), tf.TemporaryDirectory():
        pass  # pragma: no cover - entering hands out the OS name, so it is refused
    assert listing(backend) == []  # and the directory is gone, not left for later


def test_temporary_file_works(backend: Backend) -> None:
    with tf.TemporaryFile() as f:
        f.write(b"abc")
        f.seek(0)
        assert f.read() == b"abc"
        if backend.capabilities.unnamed_files:
            assert listing(backend) == []
        else:
            assert len(listing(backend)) == 1  # named while open, as on Windows
    assert listing(backend) == []


def test_spooled_temporary_file_works_and_rolls_over_onto_the_backend(backend: Backend) -> None:
    with tf.SpooledTemporaryFile(max_size=3, suffix=".s") as f:
        f.write(b"abcd")
        assert f.rolled
        assert f.name is None  # no OS name to give
        assert [name[-2:] for name in listing(backend)] == [".s"]
        with pytest.raises(io.UnsupportedOperation):
            f.fileno()
        f.seek(0)
        assert f.read() == b"abcd"
    assert listing(backend) == []


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"buffering": 0}, ValueError),
        ({"encoding": "no-such-codec"}, LookupError),
        ({"newline": "x"}, ValueError),
    ],
    ids=["unbuffered text", "unknown encoding", "illegal newline"],
)
def test_named_temporary_file_refusing_its_open_arguments_leaves_nothing(
    backend: Backend, arguments: dict[str, Any], error: type[Exception]
) -> None:
    # The backend's open() would refuse these only after creating the file.
    before = listing(backend)
    with pytest.raises(error):
        tf.NamedTemporaryFile("w+", **arguments)
    assert listing(backend) == before
