"""delete_on_close on backends that cannot do it natively (POSIX): emulated or refused."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tempkit import TempFilePath
from tempkit.backends.posix import PosixBackend

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the POSIX backend")


@pytest.fixture
def place(tmp_path: Path) -> Path:
    """An empty directory of its own (the shared conftest puts its temp root in tmp_path)."""
    place = tmp_path / "place"
    place.mkdir()
    return place


def _names(directory: Path) -> list[str]:
    return sorted(os.listdir(directory))


def test_create_open_emulates_it_by_removing_on_close(place: Path) -> None:
    f = TempFilePath.create_open(dir=place, backend=PosixBackend(), delete_on_close=True)
    f.write(b"x")
    assert _names(place) == [f.path.name]
    with open(f.name, "rb") as other:  # POSIX has no share modes: a plain open works
        assert other.read() == b""  # not flushed yet
    f.close()
    assert _names(place) == []
    assert not f.path.managed


def test_leaving_the_with_block_removes_it_too(place: Path) -> None:
    with TempFilePath.create_open(dir=place, delete_on_close=True) as f:
        f.write(b"x")
    assert _names(place) == []


def test_delete_on_close_false_is_the_default_and_outlives_close(place: Path) -> None:
    with TempFilePath.create_open(dir=place) as f:
        assert not f.path.delete_on_close
        f.close()
        assert _names(place) == [f.path.name]
    assert _names(place) == []


def test_create_refuses_it_before_anything_exists(place: Path) -> None:
    with pytest.raises(ValueError, match="create_open"):
        TempFilePath.create(dir=place, delete_on_close=True)
    assert _names(place) == []


@pytest.mark.parametrize("policy", ["never", "on_success"])
def test_it_cannot_be_combined_with_keeping_policies(place: Path, policy: str) -> None:
    with pytest.raises(ValueError, match="cannot be combined"):
        TempFilePath.create_open(dir=place, delete_on_close=True, cleanup=policy)  # type: ignore[call-overload]
    assert _names(place) == []


def test_it_must_be_a_bool(place: Path) -> None:
    with pytest.raises(TypeError, match="delete_on_close"):
        TempFilePath.create_open(dir=place, delete_on_close="yes")  # type: ignore[call-overload]
    assert _names(place) == []


def test_keep_and_persist_are_refused_while_it_is_open(place: Path) -> None:
    with TempFilePath.create_open(dir=place, delete_on_close=True) as f:
        with pytest.raises(ValueError, match="delete_on_close=False"):
            f.path.keep()
        with pytest.raises(ValueError, match="delete_on_close=False"):
            f.path.persist(place / "target")
        assert f.path.managed
    assert _names(place) == []


def test_reopen_is_a_plain_open_here(place: Path) -> None:
    with TempFilePath.create_open(dir=place, delete_on_close=True) as f:
        f.write(b"data")
        f.flush()
        with f.path.reopen() as again:
            assert again.read() == b"data"
        with pytest.raises(ValueError, match="existing-file mode"):
            f.path.reopen("x")
