"""FsspecBackend off S3: laziness, memory isolation, paths, capabilities, error normalisation."""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fsspec.implementations.dirfs import DirFileSystem
from fsspec.implementations.local import LocalFileSystem
from fsspec.implementations.memory import MemoryFileSystem

from tempkit import BackendPath, FsspecBackend, TempDirPath
from tempkit.backends._fsspec_errors import normalised, translated


def memory_backend() -> FsspecBackend:
    return FsspecBackend(MemoryFileSystem(), root="/tmp")


def test_import_tempkit_does_not_import_fsspec() -> None:
    code = (
        "import sys, tempkit\n"
        "assert 'fsspec' not in sys.modules, 'fsspec imported by import tempkit'\n"
        "tempkit.FsspecBackend\n"
        "assert 'fsspec' not in sys.modules, 'fsspec imported before a backend is made'\n"
        "tempkit.FsspecBackend.from_url('memory://tmp')\n"
        "assert 'fsspec' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_each_memory_backend_has_its_own_store() -> None:
    shared_before = dict(MemoryFileSystem.store)
    first, second = memory_backend(), memory_backend()
    BackendPath("/tmp/only-in-first", backend=first).write_bytes(b"1")
    assert not BackendPath("/tmp/only-in-first", backend=second).exists()
    assert first != second
    assert MemoryFileSystem.store == shared_before  # fsspec's process-wide store untouched
    assert MemoryFileSystem().store is MemoryFileSystem.store


def test_a_private_memory_filesystem_is_used_as_given() -> None:
    private = MemoryFileSystem(skip_instance_cache=True)
    private.store = {}
    private.pseudo_dirs = [""]
    private.pipe_file("/data/seed", b"seed")
    backend = FsspecBackend(private, root="/data")
    assert backend.fs is private
    assert BackendPath("/data/seed", backend=backend).read_bytes() == b"seed"
    assert backend == FsspecBackend(private, root="/data")


def test_root_accepts_urls_and_plain_paths() -> None:
    assert FsspecBackend(MemoryFileSystem(), root="memory://scratch/x/").root == "/scratch/x"
    assert FsspecBackend.from_url("memory://scratch").root == "/scratch"
    backend = FsspecBackend(MemoryFileSystem(), root="/")
    with TempDirPath.create(backend=backend) as tmp:
        assert str(tmp.parent) == "/"


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match="fsspec filesystem"):
        FsspecBackend("memory://", root="/")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="root"):
        FsspecBackend(MemoryFileSystem(), root=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="NUL"):
        FsspecBackend(MemoryFileSystem(), root="/a\0b")


def test_capabilities_follow_the_filesystem(tmp_path: Path) -> None:
    memory = memory_backend().capabilities
    assert memory.atomic_exclusive_create and memory.real_directories
    assert not (memory.permissions or memory.symlinks or memory.local_paths)
    local = FsspecBackend(LocalFileSystem(), root=str(tmp_path)).capabilities
    assert local.local_paths and local.symlinks and not local.permissions
    unknown = FsspecBackend(DirFileSystem(path="/", fs=MemoryFileSystem()), root="/").capabilities
    assert not unknown.atomic_exclusive_create and unknown.real_directories
    declared = FsspecBackend(MemoryFileSystem(), root="/", atomic_create=False).capabilities
    assert not declared.atomic_exclusive_create


def test_memory_paths_refuse_fspath_and_local_paths_allow_it(tmp_path: Path) -> None:
    path = BackendPath("/tmp/x", backend=memory_backend())
    with pytest.raises(TypeError, match="not on this machine's disk"):
        os.fspath(path)
    with pytest.raises(TypeError):
        open(path)  # noqa: SIM115 - the refusal is the point
    local = BackendPath(str(tmp_path / "x"), backend=FsspecBackend(LocalFileSystem(), root="/"))
    assert os.fspath(local) == str(tmp_path / "x")
    # Relative paths resolve against root, for I/O and for fspath alike.
    rooted = FsspecBackend(LocalFileSystem(), root=str(tmp_path))
    relative = BackendPath("rel.txt", backend=rooted)
    relative.write_text("r", encoding="utf-8")
    assert os.fspath(relative) == str(tmp_path / "rel.txt")
    assert (tmp_path / "rel.txt").read_text(encoding="utf-8") == "r"


def test_paths_are_normalised_and_dotdot_cannot_escape_the_text() -> None:
    backend = memory_backend()
    BackendPath("/tmp/a", backend=backend).mkdir()
    BackendPath("/tmp/a/../b.txt", backend=backend).write_bytes(b"b")
    assert BackendPath("/tmp/b.txt", backend=backend).read_bytes() == b"b"
    assert backend.url("/tmp/a/../b.txt") == "memory:///tmp/b.txt"
    with pytest.raises(ValueError, match="null"):
        backend.stat("/tmp/\0")


def test_local_dirs_are_made_with_the_requested_mode(tmp_path: Path) -> None:
    backend = FsspecBackend(LocalFileSystem(), root=str(tmp_path))
    with TempDirPath.create(backend=backend) as tmp:
        assert os.stat(tmp).st_mode & 0o777 == 0o700


def test_memory_files_close_like_real_files() -> None:
    backend = memory_backend()
    with backend.open("/tmp/f", "wb") as f:
        f.write(b"data")
    assert f.closed
    with pytest.raises(ValueError):
        f.write(b"more")
    with backend.open("/tmp/f", "ab") as f, pytest.raises(io.UnsupportedOperation):
        f.read()
    assert backend.open("/tmp/f", "rb").read() == b"data"


def test_whole_file_writes_are_stored_on_flush() -> None:
    backend = memory_backend()
    with backend.open("/tmp/f", "w+b") as f:
        f.write(b"visible")
        f.flush()
        assert BackendPath("/tmp/f", backend=backend).read_bytes() == b"visible"


class LibraryError(Exception):
    """Stands for an exception class from a library such as botocore."""


@pytest.mark.parametrize(
    ("raised", "kind", "code"),
    [
        (FileNotFoundError("/x"), FileNotFoundError, errno.ENOENT),
        (FileExistsError("precondition failed"), FileExistsError, errno.EEXIST),
        (PermissionError("AccessDenied"), PermissionError, errno.EACCES),
        (OSError("no errno at all"), OSError, errno.EIO),
        (ValueError("Cannot delete directory, set recursive=True"), OSError, errno.EINVAL),
        (NotImplementedError("File mode not supported"), OSError, errno.EOPNOTSUPP),
        (LibraryError("endpoint unreachable"), OSError, errno.EIO),
        (ConnectionRefusedError(), ConnectionRefusedError, errno.ECONNREFUSED),
    ],
)
def test_errors_become_builtin_oserrors_with_errno_and_filename(
    raised: Exception, kind: type[OSError], code: int
) -> None:
    with pytest.raises(OSError) as caught, translated("/the/path"):
        raise raised
    error = caught.value
    assert type(error) is kind and type(error).__module__ == "builtins"
    assert error.errno == code and error.filename == "/the/path"
    assert error.__cause__ is raised


def test_native_errors_and_bugs_pass_through_unchanged() -> None:
    native = FileNotFoundError(errno.ENOENT, "No such file or directory", "/p")
    assert normalised(native, "/p") is native
    bug = TypeError("a programming error")
    assert normalised(bug, "/p") is bug
    unsupported = io.UnsupportedOperation("not readable")
    assert normalised(unsupported, "/p") is unsupported


def test_local_filesystem_value_error_is_normalised(tmp_path: Path) -> None:
    directory = tmp_path / "d"
    directory.mkdir()
    with pytest.raises(OSError) as caught, translated(str(directory)):
        LocalFileSystem().rm(str(directory))  # fsspec: ValueError, set recursive=True
    assert caught.value.errno == errno.EINVAL and caught.value.filename == str(directory)
    backend = FsspecBackend(LocalFileSystem(), root=str(tmp_path))
    with pytest.raises(IsADirectoryError):
        backend.unlink(str(directory))
    assert directory.is_dir()
