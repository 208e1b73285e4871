"""The unnamed temp file on a real Windows interpreter (run under wine by scripts/windows-python).

Windows cannot take a name from an open file, so ``UnnamedTempFile`` there is a
file created ``O_TEMPORARY``: it has a name while open, no one else can open it,
and the OS removes it when its last handle closes, even if the process is
killed. It cannot be given a lasting name (no ``linkat``), and says so.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tempkit import UnnamedTempFile
from tempkit.backends.windows import WindowsBackend
from tests.windows.conftest import ON_WINDOWS

pytestmark = pytest.mark.skipif(
    not ON_WINDOWS, reason="needs a Windows interpreter: scripts/windows-python test runs it"
)


def test_it_is_a_file_the_os_removes_when_closed(tmp_path: Path) -> None:
    with UnnamedTempFile.create(dir=str(tmp_path), backend=WindowsBackend()) as file:
        file.write(b"private")
        file.flush()
        assert not file.linkable
        (name,) = os.listdir(tmp_path)  # named while open: Windows has no other way
        assert name.startswith("tmp")
        with pytest.raises(PermissionError):
            open(tmp_path / name, "rb").close()  # it never opens
        file.seek(0)
        assert file.read() == b"private"
    assert os.listdir(tmp_path) == []


def test_link_refuses_and_leaves_nothing(tmp_path: Path) -> None:
    with UnnamedTempFile.create(dir=str(tmp_path), backend=WindowsBackend()) as file:
        with pytest.raises(io.UnsupportedOperation, match="fallback"):
            file.link(tmp_path / "kept.bin")
        assert not (tmp_path / "kept.bin").exists()
    assert os.listdir(tmp_path) == []


def test_nothing_is_left_when_the_process_is_killed(tmp_path: Path) -> None:
    child = (
        "import sys, time\n"
        "from tempkit import UnnamedTempFile\n"
        "file = UnnamedTempFile.create(dir=sys.argv[1])\n"
        "file.write(b'x' * 100000)\n"
        "file.flush()\n"
        "print('ready', flush=True)\n"
        "time.sleep(120)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", child, str(tmp_path)], stdout=subprocess.PIPE, text=True
    ) as proc:
        ready = proc.stdout.readline().strip() if proc.stdout else ""
        try:
            assert ready == "ready"
            assert len(os.listdir(tmp_path)) == 1
        finally:
            proc.kill()  # TerminateProcess: no Python cleanup runs in the child
            proc.wait()
    assert proc.returncode != 0
    assert os.listdir(tmp_path) == []


def test_the_drop_ins_temporary_file_is_gone_when_closed(tmp_path: Path) -> None:
    import tempkit.tempfile

    file = tempkit.tempfile.TemporaryFile(dir=str(tmp_path))
    try:
        file.write(b"x")
        assert len(os.listdir(tmp_path)) == 1
    finally:
        file.close()
    assert os.listdir(tmp_path) == []
