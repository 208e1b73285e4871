"""Temp names: alphabet, length, templates, affixes, uniformity, retries, fork safety."""

from __future__ import annotations

import collections
import errno
import os
import re
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from tempkit import TempDirPath, TempFilePath, naming
from tests.support.processes import run_forked, run_unprivileged

NAME_CHARS = re.compile(r"[a-z0-9_]+")


class NameSource:
    """A replacement for ``naming.random_name`` that hands out a fixed sequence."""

    def __init__(self, names: Iterable[str]) -> None:
        self._names = iter(names)
        self.draws = 0

    def __call__(self, length: int = naming.DEFAULT_LENGTH, *args: object) -> str:
        self.draws += 1
        return next(self._names)


def forced_names(monkeypatch: pytest.MonkeyPatch, names: Iterable[str]) -> NameSource:
    source = NameSource(names)
    monkeypatch.setattr(naming, "random_name", source)
    return source


def counting_real_names(monkeypatch: pytest.MonkeyPatch) -> NameSource:
    real: Callable[..., str] = naming.random_name

    def generate() -> Iterable[str]:
        while True:
            yield real()

    return forced_names(monkeypatch, generate())


# -- alphabet and length -------------------------------------------------------------------
def test_random_names_use_only_the_alphabet_and_default_length() -> None:
    assert set(naming.ALPHABET) == set("abcdefghijklmnopqrstuvwxyz0123456789_")
    assert naming.DEFAULT_LENGTH >= 8
    names = [naming.random_name() for _ in range(2000)]
    assert all(len(n) == naming.DEFAULT_LENGTH for n in names)
    assert all(NAME_CHARS.fullmatch(n) for n in names)
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("length", [1, 3, 8, 13, 64, 300])
def test_random_name_length_is_configurable(length: int) -> None:
    name = naming.random_name(length)
    assert len(name) == length
    assert NAME_CHARS.fullmatch(name)


def test_created_names_are_prefix_random_suffix(temp_root: Path) -> None:
    with TempFilePath.create(prefix="pre.", suffix=".txt") as file:
        match = re.fullmatch(r"pre\.([a-z0-9_]+)\.txt", file.name)
        assert match is not None
        assert len(match.group(1)) == naming.DEFAULT_LENGTH
    with TempDirPath.create() as directory:
        assert directory.name.startswith("tmp")
        assert len(directory.name) == len("tmp") + naming.DEFAULT_LENGTH
        assert NAME_CHARS.fullmatch(directory.name)


def test_length_is_configurable_on_create(temp_root: Path) -> None:
    with TempDirPath.create(prefix="", length=20) as directory:
        assert re.fullmatch(r"[a-z0-9_]{20}", directory.name)


@pytest.mark.parametrize("length", [0, 2, -5])
def test_too_short_length_is_a_value_error(temp_root: Path, length: int) -> None:
    with pytest.raises(ValueError, match="length"):
        TempFilePath.create(length=length)
    assert os.listdir(temp_root) == []


@pytest.mark.parametrize("length", [8.0, "8", True])
def test_non_int_length_is_a_type_error(temp_root: Path, length: object) -> None:
    with pytest.raises(TypeError, match="length"):
        TempFilePath.create(length=length)  # type: ignore[arg-type]
    assert os.listdir(temp_root) == []


# -- templates -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("template", "stem", "count"),
    [("buildXXXXXX", "build", 6), ("XXX", "", 3), ("a.XXXXXXXXXX", "a.", 10), ("xXXX", "x", 3)],
)
def test_template_trailing_xs_become_the_random_part(
    temp_root: Path, template: str, stem: str, count: int
) -> None:
    with TempDirPath.create(template=template, suffix=".d") as directory:
        name = directory.name
        assert name.startswith(stem)
        assert name.endswith(".d")
        random_part = name[len(stem) : -len(".d")]
        assert len(random_part) == count
        assert NAME_CHARS.fullmatch(random_part)


@pytest.mark.parametrize("template", ["build", "buildXX", "XXbuild", "X", ""])
def test_template_needs_three_trailing_xs(temp_root: Path, template: str) -> None:
    with pytest.raises(ValueError, match="'X'"):
        TempFilePath.create(template=template)
    assert os.listdir(temp_root) == []


def test_template_with_separator_or_nul_is_rejected(temp_root: Path) -> None:
    for template in ("a/bXXXXXX", "a\0XXXXXX"):
        with pytest.raises(ValueError, match="separator or NUL"):
            TempDirPath.create(template=template)
    assert os.listdir(temp_root) == []


def test_template_excludes_prefix_and_length(temp_root: Path) -> None:
    with pytest.raises(ValueError, match="template"):
        TempFilePath.create(template="aXXXX", prefix="b")
    with pytest.raises(ValueError, match="template"):
        TempFilePath.create(template="aXXXX", length=12)
    with pytest.raises(TypeError, match="template"):
        TempFilePath.create(template=b"aXXXX")  # type: ignore[arg-type]
    assert os.listdir(temp_root) == []


# -- affixes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("what", ["prefix", "suffix"])
@pytest.mark.parametrize("value", ["a/b", "/", "x\0y", "\0"])
def test_affix_with_separator_or_nul_is_a_value_error(
    temp_root: Path, what: str, value: str
) -> None:
    for make in (TempFilePath.create, TempDirPath.create):
        with pytest.raises(ValueError, match=what):
            make(**{what: value})  # type: ignore[arg-type]
    assert os.listdir(temp_root) == []


@pytest.mark.parametrize("what", ["prefix", "suffix"])
@pytest.mark.parametrize("value", [b"pre", 3, Path("p")])
def test_non_str_affix_is_a_type_error(temp_root: Path, what: str, value: object) -> None:
    with pytest.raises(TypeError, match=what):
        TempFilePath.create(**{what: value})  # type: ignore[arg-type]
    assert os.listdir(temp_root) == []


def test_affixes_may_hold_dots_spaces_and_unicode(temp_root: Path) -> None:
    with TempFilePath.create(prefix=".hidden é ", suffix=" (1).tar.gz") as file:
        assert file.name.startswith(".hidden é ")
        assert file.name.endswith(" (1).tar.gz")
        assert os.path.isfile(file)


# -- uniformity --------------------------------------------------------------------------
def chi_square(counts: collections.Counter[str], symbols: str) -> float:
    total = sum(counts.values())
    expected = total / len(symbols)
    return sum((counts[s] - expected) ** 2 / expected for s in symbols)


def test_characters_are_uniform_overall_and_per_position() -> None:
    # 36 degrees of freedom: the statistic is about 36 +- 8.5 when uniform, and
    # a modulo bias (256 % 37 != 0) would push the overall one to about 280 at
    # this sample size. The bound fails by chance far less than once in 10**9
    # runs. The per-position checks catch a stuck or skewed position.
    names = [naming.random_name() for _ in range(18_500)]
    overall = collections.Counter("".join(names))
    assert set(overall) <= set(naming.ALPHABET)
    assert chi_square(overall, naming.ALPHABET) < 120
    for position in (0, naming.DEFAULT_LENGTH - 1):
        column = collections.Counter(name[position] for name in names)
        assert chi_square(column, naming.ALPHABET) < 120


# -- collisions and retries ---------------------------------------------------------------------
def test_collisions_are_retried_until_a_free_name(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (temp_root / "tmpaaaaaaaa").mkdir()
    (temp_root / "tmpbbbbbbbb").write_bytes(b"keep me")
    source = forced_names(monkeypatch, ["aaaaaaaa", "bbbbbbbb", "aaaaaaaa", "cccccccc"])
    with TempFilePath.create() as file:
        assert file.name == "tmpcccccccc"
        assert source.draws == 4
    assert (temp_root / "tmpbbbbbbbb").read_bytes() == b"keep me"
    assert sorted(os.listdir(temp_root)) == ["tmpaaaaaaaa", "tmpbbbbbbbb"]


def test_exhausted_retries_raise_file_exists_naming_the_directory(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (temp_root / "tmpaaaaaaaa").mkdir()
    source = forced_names(monkeypatch, ["aaaaaaaa"] * (naming.MAX_TRIES + 10))
    with pytest.raises(FileExistsError) as caught:
        TempDirPath.create()
    assert caught.value.errno == errno.EEXIST
    assert caught.value.filename == str(temp_root)
    assert str(naming.MAX_TRIES) in str(caught.value)
    assert source.draws == naming.MAX_TRIES
    assert os.listdir(temp_root) == ["tmpaaaaaaaa"]


def test_a_symlink_squatting_the_name_is_skipped_not_followed(
    temp_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim"
    (temp_root / "tmpaaaaaaaa").symlink_to(victim)
    forced_names(monkeypatch, ["aaaaaaaa", "bbbbbbbb"])
    with TempFilePath.create() as file:
        assert file.name == "tmpbbbbbbbb"
    assert not victim.exists()
    assert os.readlink(temp_root / "tmpaaaaaaaa") == str(victim)


def test_write_refusing_directory_fails_at_once(
    unprivileged_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = unprivileged_dir / "locked"
    locked.mkdir()
    os.chown(locked, *_owner_of(unprivileged_dir))
    locked.chmod(0o500)
    assert stat.S_IMODE(locked.stat().st_mode) == 0o500
    source = counting_real_names(monkeypatch)

    def attempt() -> tuple[str, int]:
        outcomes = []
        for make in (TempFilePath.create, TempDirPath.create):
            try:
                make(dir=str(locked))
            except PermissionError as exc:
                assert exc.errno == errno.EACCES
                outcomes.append(type(exc).__name__)
        return ",".join(outcomes), source.draws

    assert run_unprivileged(attempt) == ("PermissionError,PermissionError", 2)
    assert os.listdir(locked) == []


def _owner_of(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_uid, info.st_gid


# -- fork ----------------------------------------------------------------------------------
def test_names_differ_after_fork(temp_root: Path) -> None:
    count = 200
    before = {naming.random_name() for _ in range(count)}

    def draw_in_child() -> list[str]:
        names = [naming.random_name() for _ in range(count)]
        with TempFilePath.create(prefix="child-", cleanup="never") as file:
            names.append(file.name.removeprefix("child-"))
        return names

    child_names = run_forked(draw_in_child)
    parent_names = [naming.random_name() for _ in range(count)]
    with TempFilePath.create(prefix="parent-") as file:
        parent_names.append(file.name.removeprefix("parent-"))
    assert len(child_names) == count + 1
    assert all(NAME_CHARS.fullmatch(n) for n in child_names)
    assert not set(child_names) & set(parent_names)
    assert not set(child_names) & before
    assert len(set(child_names)) == len(child_names)
