"""A per-user root that someone else could have made or reached is refused, never used.

The cases of pytest's CVE-2025-71176 and pytest-dev/pytest#13669, played for
real in a shared, sticky, world-writable temp dir like /tmp: the "attacker" is
a child process running as ``nobody``; the victim is the test run (as root, as
these sessions run), or, where ownership must be checked for an ordinary user,
an unprivileged child. Every refusal leaves the directory as it found it.
"""

from __future__ import annotations

import os
import pwd  # noqa: F401 - loaded before a child drops root (getpass may want it)
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import tempkit
from tempkit import PosixBackend
from tempkit._pytest_bases import TempDirFactory, root_name
from tests.support.plugin_suites import suite, without_basetemp
from tests.support.processes import NOBODY_UID, run_unprivileged

pytest_plugins = ["pytester"]

TWO_TESTS = """
def test_uses_temp_dir(temp_dir):
    pass

def test_does_not():
    pass
"""


@pytest.fixture
def shared_tmp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh sticky world-writable directory, like /tmp, as every run's TMPDIR."""
    if os.geteuid() != 0:
        pytest.skip("playing another user needs root")
    path = Path(tempfile.mkdtemp(prefix="tempkit-shared-", dir="/tmp"))
    path.chmod(0o1777)
    monkeypatch.setenv("TMPDIR", str(path))
    tempkit.reset_tempdir_cache()
    try:
        yield path
    finally:
        shutil.rmtree(path)
        tempkit.reset_tempdir_cache()


def _refused(pytester: pytest.Pytester, *lines: str) -> None:
    without_basetemp(pytester)
    suite(pytester, TWO_TESTS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(list(lines))


def test_a_symlink_planted_by_another_user_is_refused_not_followed(
    pytester: pytest.Pytester, shared_tmp: Path
) -> None:
    # The victim's own directory, with what looks like an old run in it.
    victim = Path(tempfile.mkdtemp(prefix="tempkit-victim-"))
    try:
        (victim / "run-0").mkdir()
        (victim / "run-0" / "precious.txt").write_text("keep me", encoding="utf-8")
        victim.chmod(0o755)
        planted = shared_tmp / root_name()
        run_unprivileged(lambda: os.symlink(victim, planted))
        assert planted.lstat().st_uid == NOBODY_UID

        _refused(
            pytester,
            f"*PermissionError: * per-user temp root is a symbolic link; it is never followed:"
            f"*: '{planted}'",
        )
        assert (victim / "run-0" / "precious.txt").read_text(encoding="utf-8") == "keep me"
        assert sorted(p.name for p in victim.iterdir()) == ["run-0"]
        assert stat.S_IMODE(victim.stat().st_mode) == 0o755  # not "repaired" either
    finally:
        shutil.rmtree(victim)


def test_a_directory_made_by_another_user_is_refused(
    pytester: pytest.Pytester, shared_tmp: Path
) -> None:
    planted = shared_tmp / root_name()
    run_unprivileged(lambda: os.mkdir(planted, 0o700))
    _refused(
        pytester,
        f"*PermissionError: * per-user temp root belongs to uid {NOBODY_UID}, not to this user "
        f"(uid 0)*",
    )
    assert os.listdir(planted) == []


def test_a_root_that_others_could_reach_is_refused_not_repaired(
    pytester: pytest.Pytester, shared_tmp: Path
) -> None:
    root = shared_tmp / root_name()
    root.mkdir()
    root.chmod(0o755)
    _refused(pytester, "*PermissionError: * per-user temp root has mode 0o755, not 0o700*")
    assert stat.S_IMODE(root.stat().st_mode) == 0o755
    assert os.listdir(root) == []


def test_a_file_in_place_of_the_root_is_refused(
    pytester: pytest.Pytester, shared_tmp: Path
) -> None:
    planted = shared_tmp / root_name()
    run_unprivileged(lambda: planted.write_text("in the way", encoding="utf-8"))
    _refused(pytester, "*NotADirectoryError: * per-user temp root is not a directory*")
    assert planted.read_text(encoding="utf-8") == "in the way"


def test_an_ordinary_user_refuses_a_root_made_by_root(
    shared_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The other way round: the run is an ordinary user's, the directory root's.
    monkeypatch.setenv("LOGNAME", "nobody")  # getpass.getuser() reads it first
    planted = shared_tmp / "tempkit-of-nobody"
    planted.mkdir(mode=0o700)

    def make_base() -> str:
        root_name.cache_clear()  # this child is another user than the process it forked from
        return str(TempDirFactory(PosixBackend()).getbasetemp())

    with pytest.raises(PermissionError, match=r"belongs to uid 0, not to this user \(uid 65534\)"):
        run_unprivileged(make_base)
    assert os.listdir(planted) == []

    # Without it in the way, the same user makes the root, private to itself.
    planted.rmdir()
    base = Path(run_unprivileged(make_base))
    assert base == planted / "run-0"
    info = planted.lstat()
    assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (NOBODY_UID, 0o700)
