"""What only a real Windows interpreter can show (run under wine by scripts/windows-python).

Process death, the OS's own delete-on-close, CPython's own tempfile order, and
junctions have no stand-in on Linux, so these tests skip there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tempkit import TempDirPath, TempFilePath, gettempdir, reset_tempdir_cache, resolver_for
from tempkit.backends.windows import WindowsBackend
from tests.windows.conftest import ON_WINDOWS, SHARING_TIMEOUT

pytestmark = pytest.mark.skipif(
    not ON_WINDOWS, reason="needs a Windows interpreter: scripts/windows-python test runs it"
)


def _backend() -> WindowsBackend:
    return WindowsBackend(sharing_timeout=SHARING_TIMEOUT)


def test_windows_is_the_default_backend_there() -> None:
    from tempkit import get_backend

    assert isinstance(get_backend(), WindowsBackend)


def test_delete_on_close_survives_no_process_death(tmp_path: Path) -> None:
    child = (
        "import sys, time\n"
        "from tempkit import TempFilePath\n"
        "tmp = TempFilePath.create(dir=sys.argv[1], delete_on_close=True)\n"
        "print(tmp, flush=True)\n"
        "time.sleep(120)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", child, str(tmp_path)], stdout=subprocess.PIPE, text=True
    ) as proc:
        name = proc.stdout.readline().strip() if proc.stdout else ""
        try:
            assert name and os.path.exists(name)
        finally:
            proc.kill()  # TerminateProcess: no Python cleanup runs in the child
            proc.wait()
    assert proc.returncode != 0
    assert not os.path.exists(name)
    assert list(tmp_path.iterdir()) == []


def test_builtin_open_is_refused_and_reopen_is_not(tmp_path: Path) -> None:
    with TempFilePath.create_open(dir=tmp_path, delete_on_close=True) as f:
        f.write(b"abc")
        f.flush()
        with pytest.raises(PermissionError):
            open(f.name, "rb")  # noqa: SIM115 - it never opens
        with f.path.reopen() as again:
            assert again.read() == b"abc"
    assert list(tmp_path.iterdir()) == []


def test_delete_on_close_false_can_be_handed_to_another_program(tmp_path: Path) -> None:
    with TempFilePath.create_open(dir=tmp_path, delete_on_close=False) as f:
        f.write(b"from the parent")
        f.close()
        out = subprocess.run(
            [sys.executable, "-c", "import sys; print(open(sys.argv[1]).read())", f.name],
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == "from the parent"
    assert list(tmp_path.iterdir()) == []


def test_files_are_created_non_inheritable(tmp_path: Path) -> None:
    with TempFilePath.create_open(dir=tmp_path) as f:
        assert not os.get_inheritable(f.fileno())
    with TempFilePath.create_open(dir=tmp_path, delete_on_close=True) as f:
        assert not os.get_inheritable(f.fileno())
        with f.path.reopen() as again:
            assert not os.get_inheritable(again.fileno())


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.delenv(name, raising=False)
    reset_tempdir_cache()
    return monkeypatch


def test_resolver_uses_temp_then_tmp_like_cpython(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    by_temp, by_tmp = tmp_path / "by-temp", tmp_path / "by-tmp"
    by_temp.mkdir()
    by_tmp.mkdir()
    clean_env.setenv("TMP", str(by_tmp))
    backend = _backend()
    assert gettempdir(backend) == str(by_tmp)
    reset_tempdir_cache()
    clean_env.setenv("TEMP", str(by_temp))
    assert gettempdir(backend) == str(by_temp)
    tempfile.tempdir = None
    try:
        assert tempfile.gettempdir() == str(by_temp)
    finally:
        tempfile.tempdir = None
    with TempFilePath.create(backend=backend) as tmp:
        assert str(tmp.parent) == str(by_temp)


def test_resolver_candidates_are_cpythons_own_list(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TEMP", "C:\\from-temp")
    clean_env.setenv("TMP", "C:\\from-tmp")
    ours = [path for path, _ in resolver_for(_backend()).candidates() if path]
    assert ours == tempfile._candidate_tempdir_list()  # type: ignore[attr-defined]


def test_directories_are_made_with_mkdir_0o700(tmp_path: Path) -> None:
    # Wine has no ACLs to look at; what can be checked is that the directory
    # exists, is private to tempkit's naming and is removed.
    with TempDirPath.create(dir=tmp_path, backend=_backend()) as tmp:
        assert os.path.isdir(tmp)
    assert list(tmp_path.iterdir()) == []


def test_junction_is_removed_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "outside"
    target.mkdir()
    (target / "precious.txt").write_text("keep me", encoding="utf-8")
    tmp = TempDirPath.create(dir=tmp_path, backend=_backend())
    link = tmp / "junction"
    if sys.platform == "win32":  # always, here; the guard tells mypy where _winapi exists
        import _winapi

        try:
            _winapi.CreateJunction(str(target), str(link))
        except OSError as exc:
            tmp.cleanup()
            pytest.skip(f"this Windows cannot create junctions (wine 8 cannot): {exc}")
    assert (Path(link) / "precious.txt").exists()
    tmp.cleanup()
    assert not os.path.lexists(link)
    assert (target / "precious.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("kind", ["file", "directory"])
def test_read_only_attribute_changes_on_the_entry_itself(tmp_path: Path, kind: str) -> None:
    # Removal clears the read-only attribute through a handle opened on the entry
    # itself (FILE_FLAG_OPEN_REPARSE_POINT), never by a call that follows a link:
    # CPython 3.13's chmod(follow_symlinks=False), or tempkit's own Win32 call
    # before 3.13, exercised here directly on 3.13 too.
    import stat

    from tempkit.backends import windows

    entry = tmp_path / "entry"
    if kind == "file":
        entry.write_bytes(b"x")
    else:
        entry.mkdir()
        os.chmod(entry, stat.S_IREAD)
        if not getattr(os.lstat(entry), "st_file_attributes", 0) & 0x1:
            pytest.skip("this Windows keeps no read-only attribute on directories (wine 8)")
        os.chmod(entry, stat.S_IREAD | stat.S_IWRITE)
    readonly = 0x1
    windows._set_readonly_no_follow(str(entry), readonly=True)
    assert getattr(os.lstat(entry), "st_file_attributes", 0) & readonly
    windows._set_readonly_no_follow(str(entry), readonly=False)
    assert not getattr(os.lstat(entry), "st_file_attributes", 0) & readonly
    os.chmod(entry, stat.S_IREAD)
    _backend().rmtree(str(tmp_path / "entry"))
    assert not entry.exists()
