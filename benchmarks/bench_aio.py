"""Issue 20: tempkit.aio against AnyIO's and aiofiles' async temp files, on an event loop.

Three races, every contestant awaited inside one running event loop (the loop is
started once per round, so its start-up is not what is timed):

- ``aio spooled``: one operation is one async spooled file: create it, 10,000
  writes of 16 bytes, seek to the start, read everything back, close. ``max_size``
  is far above what is written, so every file stays in memory (a roll-over would
  be a benchmark bug, and it raises). None of the three makes a thread hop here:
  AnyIO's ``SpooledTemporaryFile`` also checks for cancellation on every call, and
  aiofiles' awaits a second coroutine (its size check) on every write. Target
  (issue 20): tempkit at least 5x faster than both; docs/performance.md says why
  that cannot hold against aiofiles.
- ``aio disk cycle``: one operation is one cycle on the disk: create a temp
  directory, write a 5-byte file in it, read it back, clean up. Every contestant
  makes the same four thread hops. Target: no slower than AnyIO's
  ``TemporaryDirectory`` with ``anyio.Path``.
- ``aio memory cycle``: the same cycle through the same tempkit.aio calls on a
  ``MemoryBackend`` (no thread hop at all) against the disk. Target: at least 20x
  faster than tempkit.aio on the disk.

Each runs on asyncio (aiofiles supports nothing else); the spooled and memory cases
also run on trio, against AnyIO on trio. A fourth, measured case (``aio hops``) says
what one thread hop costs on each loop next to an inline await, and counts the hops
each case's work makes (none allowed in memory: it raises if there is one).
"""

from __future__ import annotations

import asyncio
import atexit
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, cast

from benchmarks._harness import (
    Case,
    ComparisonCase,
    Config,
    Contestant,
    MeasuredCase,
    Measurement,
    Skip,
    Target,
)
from tempkit import MemoryBackend, use_backend

WRITES = 10_000
MAX_SIZE = 1 << 20
CHUNK = b"0123456789abcde\n"
TEXT = "hello"  # 5 bytes in UTF-8


def cases(config: Config) -> list[Case]:
    """The spooled file, the disk cycle and the memory cycle (see the module docstring)."""
    try:
        import aiofiles  # noqa: F401
        import anyio
        import trio  # noqa: F401
    except ImportError as exc:
        raise Skip(f"needs anyio, trio and aiofiles: pip install -e '.[test]' ({exc})") from None
    if not hasattr(anyio, "SpooledTemporaryFile"):
        raise Skip(f"needs AnyIO 4.9 or newer for its async temp files (have {anyio!r})")
    files = config.pick(full=5, quick=1)
    cycles = config.pick(full=300, quick=5)
    tempdir = config.tempdir
    return [
        _spooled_case("asyncio", files),
        _spooled_case("trio", files),
        _disk_case(cycles, tempdir),
        _memory_case("asyncio", cycles, tempdir),
        _memory_case("trio", cycles, tempdir),
        MeasuredCase(
            name="aio hops",
            title="thread hops: what one costs, and how many each case makes",
            measure=lambda config: _hops(config, tempdir),
            notes=[
                "hop = await anyio.to_thread.run_sync(f) of a function that does nothing; "
                "inline = await of a coroutine that does nothing (mean of 2,000 in a row each)",
                "counted by wrapping anyio.to_thread.run_sync for one run of the case's work; "
                "a hop where none is allowed is a bug, and the benchmark raises",
            ],
        ),
    ]


# -- running a coroutine function on one loop per round ------------------------------------------

_asyncio_loop: asyncio.AbstractEventLoop | None = None


def _on_asyncio(work: Callable[[], Awaitable[None]]) -> Callable[[], None]:
    def run() -> None:
        global _asyncio_loop
        if _asyncio_loop is None:
            # One loop for the whole run: starting a loop is not what is measured.
            _asyncio_loop = asyncio.new_event_loop()
            atexit.register(_asyncio_loop.close)

        async def main() -> None:
            await work()

        _asyncio_loop.run_until_complete(main())

    return run


def _on_trio(work: Callable[[], Awaitable[None]]) -> Callable[[], None]:
    import trio

    def run() -> None:
        trio.run(work)

    return run


def _runner(loop: str) -> Callable[[Callable[[], Awaitable[None]]], Callable[[], None]]:
    return _on_asyncio if loop == "asyncio" else _on_trio


# -- the spooled file ----------------------------------------------------------------------------


def _spooled_case(loop: str, files: int) -> Case:
    import anyio

    from tempkit.aio import AsyncSpooledTempPath

    expected = CHUNK * WRITES
    on_loop = _runner(loop)

    def check(data: bytes, rolled: bool, who: str) -> None:
        if data != expected or rolled:
            raise RuntimeError(f"aio spooled: {who} read wrong data or rolled over")

    async def tempkit_files() -> None:
        for _ in range(files):
            async with AsyncSpooledTempPath.create(MAX_SIZE) as f:
                for _ in range(WRITES):
                    await f.write(CHUNK)
                await f.seek(0)
                check(await f.read(), f.rolled, "tempkit")

    async def anyio_files() -> None:
        for _ in range(files):
            async with anyio.SpooledTemporaryFile[bytes](MAX_SIZE) as f:
                for _ in range(WRITES):
                    await f.write(CHUNK)
                await f.seek(0)
                check(await f.read(), f._rolled, "anyio")

    async def aiofiles_files() -> None:
        import aiofiles.tempfile

        for _ in range(files):
            async with aiofiles.tempfile.SpooledTemporaryFile(MAX_SIZE) as f:
                for _ in range(WRITES):
                    await f.write(CHUNK)
                await f.seek(0)
                check(await f.read(), cast(Any, f)._file._rolled, "aiofiles")

    contestants = [
        Contestant("tempkit.aio", on_loop(tempkit_files)),
        Contestant("anyio", on_loop(anyio_files)),
    ]
    targets = [Target("anyio", 1 / 5)]
    notes = [
        f"on {loop}; anyio = anyio.SpooledTemporaryFile({MAX_SIZE}) (AnyIO on {loop})",
    ]
    if loop == "asyncio":
        contestants.append(Contestant("aiofiles", on_loop(aiofiles_files)))
        targets.append(Target("aiofiles", 1 / 5))
        notes.append(f"aiofiles = aiofiles.tempfile.SpooledTemporaryFile({MAX_SIZE})")
    return ComparisonCase(
        name=f"aio spooled {loop}",
        title=f"async spooled file: create, {WRITES:,} writes of {len(CHUNK)} bytes, "
        f"read all, close (in memory, {loop})",
        ops=files,
        unit="file",
        contestants=contestants,
        targets=targets,
        notes=notes,
    )


# -- the temp directory cycle --------------------------------------------------------------------


def _tempkit_cycles(cycles: int) -> Callable[[], Awaitable[None]]:
    from tempkit.aio import AsyncTempDirPath

    async def run() -> None:
        for _ in range(cycles):
            async with AsyncTempDirPath.create() as tmp:
                path = tmp / "data.txt"
                await path.write_text(TEXT, encoding="utf-8")
                if await path.read_text(encoding="utf-8") != TEXT:
                    raise RuntimeError("aio cycle: tempkit.aio read the wrong text")

    return run


def _anyio_cycles(cycles: int) -> Callable[[], Awaitable[None]]:
    import anyio

    async def run() -> None:
        for _ in range(cycles):
            async with anyio.TemporaryDirectory() as name:
                path = anyio.Path(name) / "data.txt"
                await path.write_text(TEXT, encoding="utf-8")
                if await path.read_text(encoding="utf-8") != TEXT:
                    raise RuntimeError("aio cycle: anyio read the wrong text")

    return run


def _on_disk(
    loop: str, name: str, work: Callable[[], Awaitable[None]], tempdir: Path
) -> Contestant:
    """A contestant that runs ``work`` on ``loop`` and checks that TMPDIR is empty after it."""
    run = _runner(loop)(work)

    def checked() -> None:
        run()
        left = os.listdir(tempdir)
        if left:
            raise RuntimeError(f"aio cycle: {name} left behind {left}")

    return Contestant(name, checked)


def _disk_case(cycles: int, tempdir: Path) -> Case:
    import aiofiles
    import aiofiles.tempfile

    async def aiofiles_cycles() -> None:
        for _ in range(cycles):
            async with aiofiles.tempfile.TemporaryDirectory() as name:
                path = os.path.join(name, "data.txt")
                async with aiofiles.open(path, "w", encoding="utf-8") as out:
                    await out.write(TEXT)
                async with aiofiles.open(path, encoding="utf-8") as back:
                    if await back.read() != TEXT:
                        raise RuntimeError("aio cycle: aiofiles read the wrong text")

    return ComparisonCase(
        name="aio disk cycle",
        title="async temp dir on disk: create, write 5-byte text file, read it back, "
        "cleanup (asyncio)",
        ops=cycles,
        unit="cycle",
        contestants=[
            _on_disk("asyncio", "tempkit.aio", _tempkit_cycles(cycles), tempdir),
            _on_disk("asyncio", "anyio", _anyio_cycles(cycles), tempdir),
            _on_disk("asyncio", "aiofiles", aiofiles_cycles, tempdir),
        ],
        targets=[Target("anyio", 1.0)],
        notes=[
            f"all on the local disk in TMPDIR={tempdir}, four thread hops per cycle each",
            "anyio = anyio.TemporaryDirectory() with anyio.Path write_text/read_text",
            "aiofiles = aiofiles.tempfile.TemporaryDirectory() with aiofiles.open write/read "
            "(two opens and two closes more: for reference, no target)",
        ],
    )


def _memory_case(loop: str, cycles: int, tempdir: Path) -> Case:
    tempkit = _tempkit_cycles(cycles)

    async def on_memory() -> None:
        memory = MemoryBackend()
        with use_backend(memory):  # as the pytest plugin's memory_backend fixture does
            await tempkit()
        left = [entry.name for entry in memory.scandir("/tmp")]
        if left:
            raise RuntimeError(f"aio memory cycle: left behind {left}")

    return ComparisonCase(
        name=f"aio memory cycle {loop}",
        title=f"the same cycle through tempkit.aio on a MemoryBackend ({loop})",
        ops=cycles,
        unit="cycle",
        contestants=[
            Contestant("tempkit.aio memory", _runner(loop)(on_memory)),
            _on_disk(loop, "tempkit.aio disk", tempkit, tempdir),
            _on_disk(loop, "anyio disk", _anyio_cycles(cycles), tempdir),
        ],
        targets=[Target("tempkit.aio disk", 1 / 20)],
        notes=[
            "tempkit.aio memory = MemoryBackend() made current with use_backend: no thread hop",
            f"tempkit.aio disk = the same calls on the local disk (TMPDIR={tempdir})",
            "anyio disk = anyio.TemporaryDirectory() with anyio.Path (for reference, no target)",
        ],
    )


# -- thread hops ---------------------------------------------------------------------------------


def _hops(config: Config, tempdir: Path) -> list[Measurement]:
    import time

    import anyio
    import anyio.to_thread

    from tempkit.aio import AsyncSpooledTempPath

    calls = config.pick(full=2000, quick=20)
    results: list[Measurement] = []

    def nothing() -> None:
        return None

    async def inline() -> None:
        return None

    async def measure() -> tuple[float, float]:
        start = time.perf_counter()
        for _ in range(calls):
            await anyio.to_thread.run_sync(nothing)
        middle = time.perf_counter()
        for _ in range(calls):
            await inline()
        return (middle - start) / calls, (time.perf_counter() - middle) / calls

    for loop in ("asyncio", "trio"):
        hop, plain = anyio.run(measure, backend=loop)
        results.append(Measurement(f"one thread hop ({loop})", hop * 1e6, "us"))
        results.append(Measurement(f"one inline await ({loop})", plain * 1e6, "us"))

    real = anyio.to_thread.run_sync
    counted: list[str] = []

    async def counting(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        counted.append(getattr(func, "__qualname__", repr(func)))
        return await real(func, *args, **kwargs)

    async def spooled() -> None:
        async with AsyncSpooledTempPath.create(MAX_SIZE) as f:
            for _ in range(WRITES):
                await f.write(CHUNK)
            await f.seek(0)
            await f.read()

    async def memory_cycle() -> None:
        with use_backend(MemoryBackend()):
            await _tempkit_cycles(1)()

    work: list[tuple[str, Callable[[], Awaitable[None]], int | None]] = [
        ("spooled file, in memory", spooled, 0),
        ("temp dir cycle, memory", memory_cycle, 0),
        ("temp dir cycle, disk", _tempkit_cycles(1), None),
        ("temp dir cycle, disk, anyio", _anyio_cycles(1), None),
    ]
    anyio.to_thread.run_sync = counting  # type: ignore[assignment]
    try:
        for label, job, allowed in work:
            counted.clear()
            anyio.run(job)
            if allowed is not None and len(counted) > allowed:
                raise RuntimeError(f"aio hops: {label} made thread hops: {counted}")
            results.append(Measurement(f"hops per {label}", len(counted), "hops"))
    finally:
        anyio.to_thread.run_sync = real
    if os.listdir(tempdir):
        raise RuntimeError(f"aio hops: left behind {os.listdir(tempdir)}")
    return results
