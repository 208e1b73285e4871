"""Fixtures for the Windows scenario tests.

Every scenario runs in a ``world``: the real ``WindowsBackend`` on a Windows
interpreter (on Linux, ``scripts/windows-python test`` runs these tests on the
official Windows CPython under wine), and ``MemoryBackend(flavour="windows")``
anywhere. Both must give the same outcomes, so Windows behaviour can be tested
on Linux. This conftest is self-contained: under wine the Linux one above is
not loaded (``--confcutdir``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

from tempkit import BackendPath, MemoryBackend, reset_tempdir_cache
from tempkit.backends.protocol import Backend

# Short, so the scenarios that let cleanup give up do not wait the default 2 s.
SHARING_TIMEOUT = 0.3

ON_WINDOWS = sys.platform == "win32"


@dataclass
class World:
    """One place to run a scenario: a backend and a fresh empty directory on it."""

    kind: str
    backend: Backend
    root: BackendPath
    monkeypatch: pytest.MonkeyPatch

    @property
    def real(self) -> bool:
        """True on a real Windows filesystem."""
        return self.kind == "windows"

    def plain_open(self, path: BackendPath, mode: str = "rb") -> IO[Any]:
        """Open ``path`` the way another program would: without FILE_SHARE_DELETE.

        On real Windows that is the builtin ``open`` on the OS path; on the
        memory flavour it is the backend's own ``open``.
        """
        if self.real:
            return open(os.fspath(path), mode)
        return self.backend.open(str(path), mode)

    def set_env(self, name: str, value: str | None) -> None:
        """Set (or with None remove) an environment variable of this world."""
        if self.real:
            if value is None:
                self.monkeypatch.delenv(name, raising=False)
            else:
                self.monkeypatch.setenv(name, value)
            return
        environ = self.backend.environ()
        assert isinstance(environ, MutableMapping)
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value

    def names(self) -> set[str]:
        """The names directly inside ``root``."""
        return {p.name for p in self.root.iterdir()}


@pytest.fixture(params=["windows", "memory-windows"])
def world(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[World]:
    """The real Windows disk (on Windows only) and the memory Windows flavour."""
    if request.param == "windows":
        if not ON_WINDOWS:
            pytest.skip("needs a Windows interpreter: scripts/windows-python test runs it")
        from tempkit.backends.windows import WindowsBackend

        backend: Backend = WindowsBackend(sharing_timeout=SHARING_TIMEOUT)
        root = BackendPath(str(tmp_path), backend=backend)
    else:
        backend = MemoryBackend(flavour="windows", sharing_timeout=SHARING_TIMEOUT)
        root = BackendPath("C:\\work", backend=backend)
        root.mkdir()
    reset_tempdir_cache()
    yield World(request.param, backend, root, monkeypatch)
    reset_tempdir_cache()
