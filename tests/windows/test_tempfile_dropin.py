"""tempkit.tempfile on a real Windows interpreter (run under wine by scripts/windows-python).

The embeddable Windows CPython ships no ``Lib/test``, so CPython's own suite
runs on Linux only; these tests check what differs on Windows: the standard
library's signatures there, text-mode descriptors, the OS's delete-on-close
for NamedTemporaryFile, TemporaryFile being NamedTemporaryFile, and removal
refused by a file still open.
"""

from __future__ import annotations

import inspect
import os
import tempfile
from pathlib import Path

import pytest

from tempkit import reset_tempdir_cache
from tests.windows.conftest import ON_WINDOWS

pytestmark = pytest.mark.skipif(
    not ON_WINDOWS, reason="needs a Windows interpreter: scripts/windows-python test runs it"
)


@pytest.fixture
def tf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    import tempkit.tempfile

    monkeypatch.setenv("TMP", str(tmp_path))
    monkeypatch.setenv("TEMP", str(tmp_path))
    monkeypatch.delenv("TMPDIR", raising=False)
    reset_tempdir_cache()
    monkeypatch.setattr(tempkit.tempfile, "tempdir", None)
    return tempkit.tempfile


def test_signatures_are_this_interpreters(tf: object) -> None:
    for name in tempfile.__all__:
        theirs = getattr(tempfile, name)
        if callable(theirs):
            ours = inspect.signature(getattr(tf, name)).parameters.values()
            assert [(p.name, p.kind, p.default) for p in ours] == [
                (p.name, p.kind, p.default) for p in inspect.signature(theirs).parameters.values()
            ], name
    assert tf.TemporaryFile is tf.NamedTemporaryFile  # type: ignore[attr-defined]


def test_mkstemp_text_mode_is_the_crts(tf: object, tmp_path: Path) -> None:
    fd, path = tf.mkstemp(text=True)  # type: ignore[attr-defined]
    try:
        os.write(fd, b"blat\x1a")
        os.write(fd, b"extra\n")
        os.lseek(fd, 0, os.SEEK_SET)
        assert os.read(fd, 20) == b"blat"  # a text-mode read stops at Ctrl+Z
    finally:
        os.close(fd)
        os.unlink(path)
    assert os.listdir(tmp_path) == []


def test_named_file_is_removed_by_the_os_and_refuses_a_plain_open(
    tf: object, tmp_path: Path
) -> None:
    with tf.NamedTemporaryFile() as f:  # type: ignore[attr-defined]
        f.write(b"x")
        assert os.path.exists(f.name)
        with pytest.raises(PermissionError):
            open(f.name, "rb").close()
    assert os.listdir(tmp_path) == []


def test_delete_on_close_false_lets_it_be_reopened_by_name(tf: object, tmp_path: Path) -> None:
    with tf.NamedTemporaryFile(delete_on_close=False) as f:  # type: ignore[attr-defined]
        f.write(b"handed over")
        f.close()
        with open(f.name, "rb") as again:
            assert again.read() == b"handed over"
    assert os.listdir(tmp_path) == []


def test_cleanup_refused_by_an_open_file_raises_permission_error(
    tf: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tf.TemporaryDirectory()  # type: ignore[attr-defined]
    monkeypatch.setattr(directory.path.backend, "sharing_timeout", 0.3)  # not the default 2 s
    held = open(os.path.join(directory.name, "open.txt"), "wb")  # noqa: SIM115
    try:
        with pytest.raises(PermissionError):
            directory.cleanup()
    finally:
        held.close()
    directory.cleanup()  # still owned: tried again, and done
    assert os.listdir(tmp_path) == []
