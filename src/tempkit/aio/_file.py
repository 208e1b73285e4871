"""AsyncFile: a file object whose methods are awaited, and the awaitable that opens one."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Coroutine, Generator, Iterable
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, AnyStr, Generic, Protocol, TypeVar

from anyio import to_thread

from tempkit.aio._threads import to_the_end

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from typing import Self
    else:
        from typing_extensions import Self

__all__ = ["AsyncFile", "Pending"]


class _AsyncResource(Protocol):
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


R = TypeVar("R", bound=_AsyncResource)


class Pending(Generic[R]):
    """An operation that gives a resource: ``await`` it, or use it in ``async with``.

    ``res = await pending`` hands the resource over (its end is then yours:
    ``await res.cleanup()``, ``await res.aclose()`` or ``async with res``);
    ``async with pending as res`` ends it when the block is left, as the
    resource's own ``async with`` does. A ``Pending`` is used once, like a
    coroutine: awaiting or entering it again raises RuntimeError.

    Args:
        start: the coroutine function that makes the resource; called once, on
            the first ``await`` or ``async with``.

    """

    __slots__ = ("_resource", "_start")

    _resource: R

    def __init__(self, start: Callable[[], Coroutine[Any, Any, R]]) -> None:
        self._start: Callable[[], Coroutine[Any, Any, R]] | None = start

    def _begin(self) -> Coroutine[Any, Any, R]:
        start = self._start
        if start is None:
            raise RuntimeError("this operation was already awaited or entered; start a new one")
        self._start = None
        return start()

    def __await__(self) -> Generator[Any, None, R]:
        return self._begin().__await__()

    async def __aenter__(self) -> R:
        self._resource = await self._begin()
        return self._resource

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._resource.__aexit__(exc_type, exc, tb)


class FileMethods(Generic[AnyStr]):
    """The awaited file methods shared by :class:`AsyncFile` and the async spooled file.

    Each one calls the synchronous file object's method inline when ``_inline``
    is true and in a worker thread otherwise (see ``tempkit.aio._threads``).
    """

    __slots__ = ("_file", "_inline")

    _file: IO[AnyStr]
    _inline: bool

    async def read(self, size: int = -1) -> AnyStr:
        """Read up to ``size`` bytes or characters (all of them by default).

        Args:
            size: the most to read; negative reads to the end.

        Returns:
            What was read: bytes or str, empty at the end.

        """
        if self._inline:
            return self._file.read(size)
        return await to_thread.run_sync(self._file.read, size)

    async def readline(self, size: int = -1) -> AnyStr:
        """Read one line (at most ``size`` bytes or characters).

        Args:
            size: the most to read; negative reads the whole line.

        Returns:
            The line with its line ending; empty at the end.

        """
        if self._inline:
            return self._file.readline(size)
        return await to_thread.run_sync(self._file.readline, size)

    async def readlines(self, hint: int = -1) -> list[AnyStr]:
        """Read lines until their total size reaches ``hint`` (all by default).

        Args:
            hint: stop once this many bytes or characters were read; negative reads every line.

        Returns:
            The lines read, each with its line ending.

        """
        if self._inline:
            return self._file.readlines(hint)
        return await to_thread.run_sync(self._file.readlines, hint)

    async def write(self, data: AnyStr) -> int:
        """Write ``data``; return how much was written.

        Args:
            data: bytes (binary mode) or str (text mode).

        Returns:
            How many bytes or characters were written.

        Raises:
            TypeError: str in binary mode, or bytes in text mode.
            ValueError: the file is closed.

        """
        if self._inline:
            return self._file.write(data)
        return await to_thread.run_sync(self._file.write, data)

    async def writelines(self, lines: Iterable[AnyStr]) -> None:
        """Write each item of ``lines``.

        Args:
            lines: bytes or str items (no newlines are added).

        Raises:
            ValueError: the file is closed.

        """
        if self._inline:
            return self._file.writelines(lines)
        return await to_thread.run_sync(self._file.writelines, lines)

    async def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move the position and return it.

        Args:
            offset: the new position relative to ``whence``.
            whence: ``os.SEEK_SET`` (default), ``SEEK_CUR`` or ``SEEK_END``.

        Returns:
            The new absolute position.

        Raises:
            ValueError: the file is closed.
            OSError: a position before the start (EINVAL).

        """
        if self._inline:
            return self._file.seek(offset, whence)
        return await to_thread.run_sync(self._file.seek, offset, whence)

    async def tell(self) -> int:
        """The position (an opaque cookie in text mode).

        Returns:
            The position (a byte offset in binary mode, an opaque cookie in text mode).

        """
        if self._inline:
            return self._file.tell()
        return await to_thread.run_sync(self._file.tell)

    async def truncate(self, size: int | None = None) -> int:
        """Resize to ``size`` (default: the position); return the new size.

        Args:
            size: the new size in bytes; None for the position.

        Returns:
            The new size.

        """
        if self._inline:
            return self._file.truncate(size)
        return await to_thread.run_sync(self._file.truncate, size)

    async def flush(self) -> None:
        """Flush write buffers."""
        if self._inline:
            return self._file.flush()
        return await to_thread.run_sync(self._file.flush)

    @property
    def closed(self) -> bool:
        """True once the file is closed."""
        return self._file.closed

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> AnyStr:
        # readline, not next(): iterating a text file with next() disables tell().
        line = await self.readline()
        if not line:
            raise StopAsyncIteration
        return line


class AsyncFile(FileMethods[AnyStr]):
    """An open file whose I/O methods are awaited; ``async with`` closes it.

    Made by :meth:`AsyncPath.open`. On a backend whose calls cannot block (see
    :func:`tempkit.aio.runs_inline`) every method runs inline; otherwise each one
    runs in a worker thread. :attr:`wrapped` is the synchronous file object.
    """

    __slots__ = ()

    def __init__(self, file: IO[AnyStr], *, inline: bool = False) -> None:
        """Wrap ``file``; ``inline=True`` promises that its calls never block.

        Args:
            file: the open synchronous file object.
            inline: run every call on the event loop, with no thread hop; only
                for a file whose calls cannot block (see :func:`tempkit.aio.runs_inline`).

        """
        self._file = file
        self._inline = inline

    @property
    def wrapped(self) -> IO[AnyStr]:
        """The synchronous file object (for code that runs in a worker thread)."""
        return self._file

    @property
    def name(self) -> str:
        """The name the file was opened with."""
        name: str = self._file.name
        return name

    @property
    def mode(self) -> str:
        """The mode the file was opened with."""
        return self._file.mode

    async def aclose(self) -> None:
        """Close the file (flushing it); shielded from cancellation, so it always closes."""
        await to_the_end(self._inline, self._file.close)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._file!r}>"
