"""tempkit.tempfile behaves as documented: names, types, the temp directory, owners, warnings.

CPython's own suite (test_cpython_suite) covers most of the standard library's
behaviour; these tests cover what it leaves out or cannot see: the tempkit
objects behind the results, tempkit's safer choices, and the cases it skips
as root or leaves to private names.
"""

from __future__ import annotations

import gc
import io
import math
import os
import re
import stat
import sys
import tempfile as stdlib_tempfile
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import tempkit
import tempkit.tempfile as tf
from tempkit import PosixBackend, SpooledTempPath, TempDirPath, TempFilePath
from tempkit.backends import posix

RANDOM = "[a-z0-9_]{8}"


def name_parts(path: str, prefix: str, suffix: str) -> re.Match[str] | None:
    return re.fullmatch(re.escape(prefix) + RANDOM + re.escape(suffix), os.path.basename(path))


# -- names and types --------------------------------------------------------------------------


def test_names_are_prefix_eight_random_characters_and_suffix(temp_root: Path) -> None:
    fd, path = tf.mkstemp(prefix="pre-", suffix=".txt")
    os.close(fd)
    assert name_parts(path, "pre-", ".txt")
    assert os.path.dirname(path) == str(temp_root)
    directory = tf.mkdtemp()
    assert name_parts(directory, "tmp", "")
    tf.template = "other"
    try:
        assert name_parts(tf.mkdtemp(), "other", "")
        assert tf.gettempprefix() == "other"
    finally:
        tf.template = "tmp"


def test_a_relative_dir_gives_absolute_results(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(temp_root)
    os.mkdir("sub")
    fd, path = tf.mkstemp(dir="sub")
    os.close(fd)
    assert path.startswith(f"{temp_root}/sub/")
    assert tf.mkdtemp(dir="sub").startswith(f"{temp_root}/sub/")
    assert tf.mktemp(dir="sub").startswith(f"{temp_root}/sub/")
    with tf.TemporaryDirectory(dir=b"sub") as name:
        assert name.startswith(os.fsencode(f"{temp_root}/sub/"))


def test_bytes_in_bytes_out_and_mixing_is_a_type_error(temp_root: Path) -> None:
    fd, path = tf.mkstemp(suffix=b".bin")
    os.close(fd)
    assert isinstance(path, bytes)
    assert isinstance(tf.mkdtemp(dir=os.fsencode(temp_root)), bytes)
    with tf.NamedTemporaryFile(prefix=b"b") as f:
        assert isinstance(f.name, bytes)
        assert str(f.path) == os.fsdecode(f.name)
        assert f.file.raw.name == f.name  # type: ignore[attr-defined]
    before = sorted(os.listdir(temp_root))
    with pytest.raises(TypeError, match="mix bytes and non-bytes"):
        tf.mkstemp(prefix="a", suffix=b"b")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="mix bytes and non-bytes"):
        tf.TemporaryDirectory(prefix=b"a", dir=str(temp_root))  # type: ignore[call-overload]
    assert sorted(os.listdir(temp_root)) == before


def test_tempdir_bytes_makes_default_results_bytes(temp_root: Path) -> None:
    tf.tempdir = os.fsencode(temp_root)
    fd, path = tf.mkstemp()
    os.close(fd)
    assert isinstance(path, bytes)
    assert path.startswith(os.fsencode(temp_root) + b"/")
    assert tf.gettempdir() == str(temp_root)
    assert tf.gettempdirb() == os.fsencode(temp_root)


def test_bad_affixes_are_refused_and_leave_nothing(temp_root: Path) -> None:
    # The standard library would create "a/b..." in a subdirectory, or fail there.
    for bad in ("a/b", "nul\0"):
        with pytest.raises(ValueError, match="path separator or NUL"):
            tf.mkstemp(prefix=bad)
        with pytest.raises(ValueError, match="path separator or NUL"):
            tf.NamedTemporaryFile(suffix=bad)
        with pytest.raises(ValueError, match="path separator or NUL"):
            tf.TemporaryDirectory(prefix=bad)
        with pytest.raises(ValueError, match="path separator or NUL"):
            tf.SpooledTemporaryFile(prefix=bad)
    with pytest.raises(TypeError):
        tf.mkdtemp(prefix=3)  # type: ignore[call-overload]
    assert os.listdir(temp_root) == []


def test_modes_descriptors_and_exclusive_creation(temp_root: Path) -> None:
    fd, path = tf.mkstemp()
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert not os.get_inheritable(fd)
        assert os.fstat(fd).st_ino == os.stat(path).st_ino
    finally:
        os.close(fd)
    assert stat.S_IMODE(os.stat(tf.mkdtemp()).st_mode) == 0o700
    with tf.NamedTemporaryFile() as f:
        assert stat.S_IMODE(os.stat(f.name).st_mode) == 0o600
        assert not os.get_inheritable(f.fileno())
        assert f.file.mode == "rb+"  # FileIO over the descriptor, as the standard library's


@pytest.mark.parametrize("part", ["prefix", "suffix"])
def test_mktemp_refuses_a_none_name_part_as_the_standard_library(
    temp_root: Path, part: str
) -> None:
    # None is not "the default" for mktemp, whose parts are str.
    arguments: dict[str, Any] = {part: None}
    with pytest.raises(TypeError):
        stdlib_tempfile.mktemp(dir=str(temp_root), **arguments)
    with pytest.raises(TypeError, match="not None"):
        tf.mktemp(dir=str(temp_root), **arguments)
    assert os.listdir(temp_root) == []


def test_mktemp_creates_nothing_and_skips_taken_names(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = temp_root / "tmptakenxxx"
    taken.symlink_to("nowhere")  # a dangling symlink counts as taken
    names = iter(["takenxxx", "freename"])
    monkeypatch.setattr("tempkit.naming.random_name", lambda: next(names))
    assert tf.mktemp() == f"{temp_root}/tmpfreename"
    assert os.listdir(temp_root) == ["tmptakenxxx"]


# -- the temp directory ---------------------------------------------------------------------


def test_gettempdir_is_found_once_and_found_again_after_none(
    temp_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert tempkit.gettempdir() == str(temp_root)
    first = tf.gettempdir()
    assert first == str(temp_root)
    assert tf.tempdir is first
    assert tf.gettempdir() is first
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv("TMPDIR", str(elsewhere))
    assert tf.gettempdir() is first  # remembered, as the standard library does
    tf.tempdir = None
    assert tf.gettempdir() == str(elsewhere)
    # tempkit's own cache is not disturbed by the drop-in's search
    assert tempkit.gettempdir() == str(temp_root)


def test_an_unusable_environment_falls_through_and_nothing_is_left(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(temp_root / "missing"))
    monkeypatch.setenv("TEMP", str(temp_root))
    assert tf.gettempdir() == str(temp_root)
    assert os.listdir(temp_root) == []  # the probe file is gone


def test_the_computed_tempdir_follows_the_current_backend(temp_root: Path, tmp_path: Path) -> None:
    other_root = tmp_path / "other-root"
    other_root.mkdir()

    class OtherEnvironment(PosixBackend):
        def environ(self) -> dict[str, str]:
            return {"TMPDIR": str(other_root)}

    assert tf.gettempdir() == str(temp_root)
    with tempkit.use_backend(OtherEnvironment()):
        assert tf.gettempdir() == str(other_root)
        fd, path = tf.mkstemp()
        os.close(fd)
        assert path.startswith(f"{other_root}/")
    assert tf.gettempdir() == str(temp_root)
    tf.tempdir = str(tmp_path)  # set by the user: kept whatever the backend
    with tempkit.use_backend(OtherEnvironment()):
        assert tf.gettempdir() == str(tmp_path)


# -- the tempkit objects behind the results -------------------------------------------------


def test_named_temporary_file_hands_over_its_temp_file_path(temp_root: Path) -> None:
    with tf.NamedTemporaryFile(suffix=".log") as f:
        path = f.path
        assert isinstance(path, TempFilePath)
        assert str(path) == f.name
        assert path.managed and path.policy == "always"
        kept = path.keep()  # moving to paths one call at a time
    assert kept.exists()
    assert not path.managed
    kept.unlink()
    keep_file = tf.NamedTemporaryFile(delete=False)
    assert keep_file.path.policy == "never"
    keep_file.close()
    assert os.path.exists(keep_file.name)
    keep_file.path.cleanup()  # an explicit cleanup always cleans
    assert os.listdir(temp_root) == []


def test_temporary_directory_hands_over_its_temp_dir_path(temp_root: Path) -> None:
    with tf.TemporaryDirectory() as name:
        directory = tf.TemporaryDirectory(dir=name)
        assert isinstance(directory.path, TempDirPath)
        assert str(directory.path) == directory.name
        (directory.path / "a.txt").write_text("x", encoding="utf-8")
        assert repr(directory) == f"<TemporaryDirectory {directory.name!r}>"
        directory.cleanup()
        assert not os.path.exists(directory.name)
        assert not directory.path.managed
        directory.cleanup()  # again: nothing to do
    assert os.listdir(temp_root) == []


def test_spooled_temporary_file_is_a_spooled_temp_path(temp_root: Path) -> None:
    with tf.SpooledTemporaryFile(max_size=4, suffix=".dat") as f:
        assert isinstance(f, SpooledTempPath)
        assert isinstance(f, io.IOBase)
        assert f.name is None and not f.rolled
        f.write(b"12345")
        assert f.rolled
        assert f.name is not None and f.name.endswith(".dat")
        assert f.mode == "rb+"
        assert (f.path.parent, f.path.suffix) == (tempkit.BackendPath(temp_root), ".dat")
    assert os.listdir(temp_root) == []
    text = tf.SpooledTemporaryFile(mode="w+", encoding="utf-8")
    assert text.mode == "w+"
    text.close()


def test_spooled_arguments_are_checked_at_creation(temp_root: Path) -> None:
    with pytest.raises(ValueError, match="read-write"):
        tf.SpooledTemporaryFile(mode="wb")
    with pytest.raises(TypeError, match="max_size"):
        tf.SpooledTemporaryFile(max_size="big")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="mix bytes"):
        tf.SpooledTemporaryFile(prefix=b"x", suffix="y")
    assert os.listdir(temp_root) == []


@pytest.mark.parametrize(
    "max_size", [None, 0, 3, -1, -5, 2.5, -0.5, True, math.nan, math.inf, -math.inf, Fraction(7, 2)]
)
def test_spooled_max_size_rolls_over_where_the_standard_library_does(
    temp_root: Path, max_size: Any
) -> None:
    def roll_points(module: Any) -> list[bool]:
        with module.SpooledTemporaryFile(max_size=max_size) as f:
            points = []
            for _ in range(6):
                f.write(b"x")
                points.append(f._rolled)
            return points

    assert roll_points(tf) == roll_points(stdlib_tempfile)
    assert os.listdir(temp_root) == []


def test_spooled_dir_defaults_to_tempdir_when_set(temp_root: Path, tmp_path: Path) -> None:
    tf.tempdir = str(tmp_path)
    with tf.SpooledTemporaryFile() as f:
        f.rollover()
        assert os.path.dirname(f.name or "") == str(tmp_path)


# -- cleanup and warnings --------------------------------------------------------------------------


def test_a_dropped_named_file_is_closed_and_removed_without_a_warning(temp_root: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = tf.NamedTemporaryFile()
        inner = f.file
        f.write(b"x")
        del f
        gc.collect()
    assert inner.closed
    assert os.listdir(temp_root) == []
    assert caught == []  # as the standard library: a forgotten NamedTemporaryFile is quiet


def test_a_dropped_directory_warns_as_the_standard_library(temp_root: Path) -> None:
    directory = tf.TemporaryDirectory()
    name = directory.name
    with pytest.warns(ResourceWarning, match=re.escape(f"Implicitly cleaning up {directory!r}")):
        del directory
        gc.collect()
    assert not os.path.exists(name)


def test_a_dropped_spooled_file_warns_and_is_removed(temp_root: Path) -> None:
    f = tf.SpooledTemporaryFile(max_size=1)
    f.write(b"rolled")
    with pytest.warns(ResourceWarning, match="spooled temp file"):
        del f
        gc.collect()
    assert os.listdir(temp_root) == []


@pytest.mark.skipif(sys.version_info < (3, 12), reason="delete= is new in Python 3.12")
def test_a_directory_with_delete_false_stays_and_does_not_warn(temp_root: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with tf.TemporaryDirectory(delete=False) as name:  # type: ignore[call-overload,unused-ignore]
            pass
        directory = tf.TemporaryDirectory(delete=False)  # type: ignore[call-overload,unused-ignore]
        second = directory.name
        del directory
        gc.collect()
    assert os.path.isdir(name) and os.path.isdir(second)
    assert caught == []


def test_a_cleanup_error_raises_the_first_underlying_error(temp_root: Path) -> None:
    directory = tf.TemporaryDirectory()
    original = posix.PosixBackend.rmtree

    def refuse(self: PosixBackend, path: str, *, ignore_errors: bool = False) -> None:
        raise tempkit.CleanupError(path, [(path + "/x", PermissionError(13, "denied", "x"))])

    posix.PosixBackend.rmtree = refuse  # type: ignore[method-assign]
    try:
        with pytest.raises(PermissionError) as caught:
            directory.cleanup()
    finally:
        posix.PosixBackend.rmtree = original  # type: ignore[method-assign]
    assert isinstance(caught.value.__cause__, tempkit.CleanupError)
    assert directory.path.managed  # still owned: the next cleanup tries again
    directory.cleanup()
    assert not os.path.exists(directory.name)


# -- TemporaryFile --------------------------------------------------------------------------------


def test_temporary_file_never_has_a_name(temp_root: Path) -> None:
    with tf.TemporaryFile() as f:
        assert os.listdir(temp_root) == []
        assert os.fstat(f.fileno()).st_nlink == 0
        assert f.name == f.fileno()
        f.write(b"data")
        f.seek(0)
        assert f.read() == b"data"


def test_temporary_file_falls_back_to_a_name_removed_at_once(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a kernel without O_TMPFILE (not available here: simulated).
    monkeypatch.setattr(posix, "_tmpfile_works", False)
    with tf.TemporaryFile("w+", encoding="utf-8", prefix="fallback-") as f:
        assert os.listdir(temp_root) == []
        assert os.fstat(f.fileno()).st_nlink == 0
        f.write("text")
        f.seek(0)
        assert f.read() == "text"
    with pytest.raises(LookupError):
        tf.TemporaryFile("w", encoding="no-such-codec")
    assert os.listdir(temp_root) == []


def test_a_relative_tempdir_follows_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("one", "two"):
        (tmp_path / name / "tmp").mkdir(parents=True)
    tf.tempdir = "tmp"
    monkeypatch.chdir(tmp_path / "one")
    assert tf.mkdtemp().startswith(f"{tmp_path}/one/tmp/")
    monkeypatch.chdir(tmp_path / "two")
    assert tf.mkdtemp().startswith(f"{tmp_path}/two/tmp/")
    tf.tempdir = str(tmp_path / "one")  # absolute: the same from anywhere
    assert tf.mkdtemp().startswith(f"{tmp_path}/one/tmp")
    assert tf.mkdtemp().startswith(f"{tmp_path}/one/tmp")
