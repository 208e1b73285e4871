"""Every test here runs on asyncio and on trio (AnyIO's pytest plugin)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest

from tempkit import MemoryBackend
from tests.support.aio import Hops


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run each ``anyio``-marked test once on asyncio and once on trio."""
    backend: str = request.param
    return backend


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Hops:
    """Count thread hops by wrapping ``anyio.to_thread.run_sync``.

    The wrapper still runs the function in a worker thread (it calls the real
    ``run_sync``): only the count is added. tempkit.aio looks ``run_sync`` up on
    the module at each call, so the patch sees every hop it makes.
    """
    real = anyio.to_thread.run_sync
    seen = Hops()

    async def counting(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        seen.calls.append(getattr(func, "__qualname__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    return seen


@pytest.fixture
def memory() -> MemoryBackend:
    """A fresh in-memory filesystem (its temp dir is /tmp)."""
    return MemoryBackend()


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """An empty real directory to create temp objects in and to check for leftovers."""
    path = tmp_path / "scratch"
    path.mkdir()
    return path
