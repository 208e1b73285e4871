"""Every test here runs on asyncio and on trio (AnyIO's pytest plugin)."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest

from tempkit import MemoryBackend
from tests.support.aio import Hops


@pytest.fixture(scope="package", autouse=True)
def worker_threads_end_with_these_tests() -> Iterator[None]:
    """Leave no worker thread behind, so later tests that fork do so single-threaded.

    AnyIO's asyncio workers end with their event loop; trio keeps idle worker
    threads for ``IDLE_TIMEOUT`` (10 s), which is shortened here (a test-suite
    setting, read each time a worker goes idle) and waited out at the end.
    """
    before = set(threading.enumerate())
    cache = importlib.import_module("trio._core._thread_cache")
    idle = getattr(cache, "IDLE_TIMEOUT", None)
    if idle is not None:
        setattr(cache, "IDLE_TIMEOUT", 0.05)  # noqa: B010 - a private setting, typed nowhere
    try:
        yield
        deadline = time.monotonic() + 15
        for thread in set(threading.enumerate()) - before:
            thread.join(max(0.0, deadline - time.monotonic()))
        left = [t.name for t in set(threading.enumerate()) - before]
        assert left == [], f"worker threads outlived the async tests: {left}"
    finally:
        if idle is not None:
            setattr(cache, "IDLE_TIMEOUT", idle)  # noqa: B010


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
