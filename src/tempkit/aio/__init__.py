"""tempkit.aio: async temp objects for asyncio and trio (through AnyIO).

Install with ``pip install 'tempkit[async]'``. Each class drives the synchronous
object of the same name without ``Async``, which holds the whole lifecycle
(policies, finalizer, ResourceWarning, crash-safe leases, ``persist``):

- :class:`AsyncTempDirPath`, :class:`AsyncTempFilePath`: temp objects that are
  :class:`AsyncPath` objects, made with ``await X.create(...)`` or
  ``async with X.create(...) as tmp``;
- :class:`AsyncSpooledTempPath`: an async spooled file, in memory until it grows;
- :class:`AsyncPath`: a path whose I/O is awaited; ``open()`` gives an
  :class:`AsyncFile`.

Calls that can block run in a worker thread; calls that cannot (everything on a
backend with ``capabilities.in_process`` such as ``MemoryBackend``, and a spooled
file's reads and writes before it rolls over) run inline, with no thread hop.
Cleanup runs to its end under cancellation. See docs/async.md.

>>> import anyio
>>> from tempkit.aio import AsyncSpooledTempPath
>>> async def main() -> bytes:
...     async with AsyncSpooledTempPath.create(max_size=1024) as f:
...         await f.write(b"hello")
...         await f.seek(0)
...         return await f.read()
>>> anyio.run(main)
b'hello'
"""

from __future__ import annotations

try:
    from tempkit.aio._file import AsyncFile, Pending
    from tempkit.aio._path import AsyncPath
    from tempkit.aio._spooled import AsyncSpooledTempPath
    from tempkit.aio._temp import AsyncTempDirPath, AsyncTempFilePath, AsyncTempPath
    from tempkit.aio._threads import runs_inline
except ModuleNotFoundError as exc:
    if exc.name is None or exc.name.partition(".")[0] != "anyio":
        raise
    raise ModuleNotFoundError(
        "tempkit.aio needs AnyIO: install it with pip install 'tempkit[async]'", name="anyio"
    ) from exc

__all__ = [
    "AsyncFile",
    "AsyncPath",
    "AsyncSpooledTempPath",
    "AsyncTempDirPath",
    "AsyncTempFilePath",
    "AsyncTempPath",
    "Pending",
    "runs_inline",
]
