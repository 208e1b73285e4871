"""Inner test suites for the pytest plugin's tests, and what they leave on disk.

A plugin test writes a small suite with ``suite()``, runs pytest on it through
``pytester`` and reads back what the inner tests saw (``seen()``: the inner
tests call ``note(key, value)``). The inner runs get the outer test's
``temp_root`` as TMPDIR, so the per-user root of their runs is
``user_root(temp_root)`` and ``runs()`` lists what is in it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tempkit._pytest_bases import root_name

__all__ = [
    "HEADER",
    "PYFAKEFS_NEIGHBOURS",
    "runs",
    "seen",
    "suite",
    "user_root",
    "without_basetemp",
]

# What every inner suite imports: the backends to compare with, and a file to
# report paths through (the inner tests run in pytester's directory).
HEADER = """
import json, os, pathlib
import pytest
import tempkit
from tempkit import MemoryBackend, PosixBackend, TempDirPath, get_backend
from tempkit.backends import local_backend

def note(key, value):
    seen = pathlib.Path(os.environ.get("SEEN_FILE", "seen.json"))
    data = json.loads(seen.read_text()) if seen.exists() else {}
    data[key] = value
    seen.write_text(json.dumps(data))
"""

# temp_dir in tests with and without pyfakefs's ``fs``, in both fixture orders, next to
# pytest's tmp_path: each test asserts what it sees through the (faked or real) ``os``.
PYFAKEFS_NEIGHBOURS = """
def test_1_fake_first(fs, temp_dir):
    (temp_dir / "a.txt").write_text("fake")
    assert os.listdir(str(temp_dir)) == ["a.txt"]  # the faked os sees it

def test_2_real(temp_dir, tmp_path):
    (temp_dir / "a.txt").write_text("real")
    (tmp_path / "b.txt").write_text("pytest's")
    assert os.listdir(str(temp_dir)) == ["a.txt"]
    assert os.listdir(tmp_path) == ["b.txt"]

def test_3_temp_dir_asked_before_fs(temp_dir, fs):
    (temp_dir / "a.txt").write_text("fake")
    assert os.listdir(str(temp_dir)) == ["a.txt"]

def test_4_real_again(temp_dir):
    assert os.listdir(str(temp_dir)) == []
"""


def suite(pytester: pytest.Pytester, body: str, name: str = "test_inner") -> Path:
    """Write ``body`` (after HEADER) as the test module ``name`` in pytester's directory."""
    path: Path = pytester.makepyfile(**{name: HEADER + body})
    return path


def without_basetemp(pytester: pytest.Pytester) -> None:
    """Make the inner runs forget the ``--basetemp`` that pytester gives each of them.

    Such runs use the default layout, a numbered run under the per-user root,
    as a plain ``pytest`` does.
    """
    pytester.makeconftest(
        """
import pytest

@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    config.option.basetemp = None
"""
    )


def seen(pytester: pytest.Pytester) -> dict[str, str]:
    """What the inner tests noted, and forget it (the next run starts afresh)."""
    path = pytester.path / "seen.json"
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    path.unlink()
    return data


def user_root(temp_root: Path) -> Path:
    """The per-user root the inner runs use under ``temp_root``."""
    return temp_root / root_name()


def runs(temp_root: Path) -> dict[str, list[str]]:
    """Each entry of the per-user root, with the sorted names inside it."""
    root = user_root(temp_root)
    return {
        entry.name: sorted(child.name for child in entry.iterdir()) if entry.is_dir() else []
        for entry in sorted(root.iterdir())
    }
