"""UnnamedTempFile: no name, nothing left behind (even after SIGKILL), and a name when asked."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tempkit
from tempkit import BackendPath, MemoryBackend, UnnamedTempFile
from tempkit.backends import posix

needs_o_tmpfile = pytest.mark.skipif(
    not posix._tmpfile_works, reason="this kernel has no O_TMPFILE"
)


def test_it_lives_in_the_temp_dir_without_a_name(temp_root: Path) -> None:
    with UnnamedTempFile.create() as file:
        assert file.directory == BackendPath(temp_root)
        assert file.backend is tempkit.get_backend()
        file.write(b"abc")
        file.seek(0)
        assert file.read() == b"abc"
        assert list(file) == []  # at the end; iteration is the file's
        assert os.listdir(temp_root) == []
        assert "UnnamedTempFile in" in repr(file)
    assert file.closed
    assert "closed" in repr(file)
    assert os.listdir(temp_root) == []


def test_it_is_made_only_by_create() -> None:
    with pytest.raises(TypeError, match=r"UnnamedTempFile\.create"):
        UnnamedTempFile()


@needs_o_tmpfile
def test_link_names_it_atomically_without_replacing(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (temp_root / "taken").write_bytes(b"old")
    file = UnnamedTempFile.create("w+", encoding="utf-8")
    assert file.linkable
    file.write("written before")  # still in the text buffer: link flushes it
    with pytest.raises(FileExistsError):
        file.link(temp_root / "taken")
    monkeypatch.chdir(temp_root)
    named = file.link("report.txt")
    assert type(named) is BackendPath
    assert named == BackendPath(temp_root / "report.txt")
    file.write(", and after")
    file.close()  # linked: closing no longer makes it go
    assert named.read_text(encoding="utf-8") == "written before, and after"
    assert (temp_root / "taken").read_bytes() == b"old"


def test_link_refuses_a_path_on_another_backend(temp_root: Path) -> None:
    with UnnamedTempFile.create() as file, pytest.raises(ValueError, match="different backend"):
        file.link(BackendPath("/tmp/x", backend=MemoryBackend()))


def test_the_fallback_file_has_no_name_either_but_cannot_be_linked(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a kernel or filesystem without O_TMPFILE (not available here: simulated).
    monkeypatch.setattr(posix, "_tmpfile_works", False)
    with UnnamedTempFile.create() as file:
        assert os.listdir(temp_root) == []
        assert not file.linkable
        with pytest.raises(io.UnsupportedOperation, match="cannot be given a name"):
            file.link(temp_root / "x")
    assert os.listdir(temp_root) == []


def test_bad_arguments_leave_nothing(temp_root: Path) -> None:
    with pytest.raises(ValueError):
        UnnamedTempFile.create("rw")
    with pytest.raises(LookupError):
        UnnamedTempFile.create("w+", encoding="no-such-codec")
    with pytest.raises(FileNotFoundError):
        UnnamedTempFile.create(dir=temp_root / "missing")
    assert os.listdir(temp_root) == []


def test_in_memory_it_is_an_inode_without_a_link() -> None:
    memory = MemoryBackend()
    with UnnamedTempFile.create(backend=memory) as file:
        file.write(b"in memory")
        assert list(memory.scandir("/tmp")) == []
        assert file.link("/tmp/kept") == BackendPath("/tmp/kept", backend=memory)
    assert memory.read_whole_file("/tmp/kept") == b"in memory"


def test_on_windows_it_is_a_delete_on_close_file() -> None:
    windows = MemoryBackend(flavour="windows")
    with UnnamedTempFile.create(backend=windows) as file:
        assert not file.linkable
        assert len(list(windows.scandir("c:\\tmp"))) == 1  # named until closed
    assert list(windows.scandir("c:\\tmp")) == []


def test_a_backend_without_either_way_refuses_and_makes_nothing() -> None:
    fsspec = pytest.importorskip("fsspec")
    backend = tempkit.FsspecBackend(fsspec.filesystem("memory"), root="/")
    before = sorted(entry.name for entry in backend.scandir(tempkit.gettempdir(backend)))
    with pytest.raises(ValueError, match="delete_on_close=True"):
        UnnamedTempFile.create(backend=backend)
    after = sorted(entry.name for entry in backend.scandir(tempkit.gettempdir(backend)))
    assert after == before


@needs_o_tmpfile
def test_nothing_is_left_when_the_process_is_killed(temp_root: Path) -> None:
    script = f"""
        import sys
        from tempkit import UnnamedTempFile
        file = UnnamedTempFile.create(dir={str(temp_root)!r})
        file.write(b"x" * 100000)
        file.flush()
        print("ready", flush=True)
        sys.stdin.read()
        """
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "ready\n"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.stdin is not None
    child.stdin.close()
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert os.listdir(temp_root) == []


def test_import_tempkit_loads_it_only_when_used() -> None:
    probe = (
        "import sys, tempkit; print('tempkit.unnamed' in sys.modules, "
        "'tempkit.tempfile' in sys.modules); tempkit.UnnamedTempFile; "
        "print('tempkit.unnamed' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "True"]
