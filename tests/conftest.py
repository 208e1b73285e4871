"""Shared fixtures: every test gets its own real temp root and a fresh resolver."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import tempkit
from tests.support.processes import NOBODY_GID, NOBODY_UID


@pytest.fixture(autouse=True)
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point TMPDIR at a per-test directory so nothing is created in the real /tmp."""
    root = tmp_path / "temp-root"
    root.mkdir()
    monkeypatch.setenv("TMPDIR", str(root))
    tempkit.reset_tempdir_cache()
    yield root
    tempkit.reset_tempdir_cache()


@pytest.fixture
def unprivileged_dir() -> Iterator[Path]:
    """A directory owned by the unprivileged user that ``run_unprivileged`` switches to.

    pytest's own tmp_path lives under a 0o700 root-owned tree that the
    unprivileged user cannot reach, so this one is made directly in the
    system temp dir and removed by root afterwards.
    """
    if os.geteuid() != 0:
        pytest.skip("dropping privileges needs root")
    path = Path(tempfile.mkdtemp(prefix="tempkit-unpriv-", dir="/tmp"))
    os.chown(path, NOBODY_UID, NOBODY_GID)
    try:
        yield path
    finally:
        shutil.rmtree(path)
