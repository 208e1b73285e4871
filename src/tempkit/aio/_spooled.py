"""AsyncSpooledTempPath: a spooled temp file whose in-memory reads and writes cost no thread hop.

It drives one synchronous :class:`~tempkit.SpooledTempPath`, which holds the data,
the roll-over and the whole lifecycle. The one thing this layer takes over is the
size check: the synchronous file is made with ``max_size=0`` (it never rolls over
by itself), and after each in-memory write this object compares the position with
``max_size`` and runs the roll-over in a worker thread. So reads and writes are
plain calls until the roll-over, and only the roll-over and what follows it (real
file I/O) leave the event loop.
"""

from __future__ import annotations

import functools
import operator
import os
import sys
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, AnyStr, cast, overload

from anyio import to_thread

from tempkit.aio._file import FileMethods, Pending
from tempkit.aio._path import AsyncPath, unwrap
from tempkit.aio._threads import runs_inline, to_the_end
from tempkit.backends.protocol import Backend
from tempkit.spooled import (
    SpooledTempPath,
    _check_max_size,  # pyright: ignore[reportPrivateUsage]
)
from tempkit.temp import CleanupPolicy

if TYPE_CHECKING:
    from _typeshed import OpenBinaryModeUpdating, OpenTextModeUpdating

    if sys.version_info >= (3, 11):
        from typing import Self
    else:
        from typing_extensions import Self

__all__ = ["AsyncSpooledTempPath"]


class AsyncSpooledTempPath(FileMethods[AnyStr]):
    """An async temp file object that stays in memory until it grows past ``max_size``.

    The async face of :class:`~tempkit.SpooledTempPath`: the same roll-over rules
    (a write that leaves the position beyond ``max_size``, ``truncate`` beyond
    it, :meth:`rollover`, :meth:`path`, :meth:`keep`, :meth:`persist`), the same
    policies, finalizer and ResourceWarning. Before the roll-over every read and
    write runs inline; the roll-over runs in a worker thread (inline on a backend
    whose calls cannot block), and so does every call after it.

    Unlike the synchronous object it is not a path (a path would have to roll
    over when asked for, which an attribute cannot await): ``await f.path()``
    rolls over and returns it. Use it from one task at a time, as any file.
    """

    __slots__ = (
        "_backend_inline",
        "_buffer_tell",
        "_buffer_write",
        "_max_size",
        "_sync",
        "_sync_write",
    )

    _sync: SpooledTempPath[AnyStr]
    _sync_write: Callable[[AnyStr], int]  # bound once: this is the hot path
    # The in-memory buffer's own write and tell, valid until the roll-over.
    _buffer_write: Callable[[AnyStr], int]
    _buffer_tell: Callable[[], int]
    _backend_inline: bool
    _max_size: int

    def __init__(self, *args: object, **kwargs: object) -> None:
        """Refused: a spooled temp file is made by :meth:`create`.

        Args:
            *args: not used.
            **kwargs: not used.

        Raises:
            TypeError: always.

        """
        raise TypeError(f"use {type(self).__name__}.create() to make a spooled temp file")

    # -- creation ------------------------------------------------------------------------
    @overload
    @classmethod
    def create(
        cls,
        max_size: int = 0,
        mode: OpenBinaryModeUpdating = "w+b",
        buffering: int = -1,
        encoding: None = None,
        newline: None = None,
        errors: None = None,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
    ) -> Pending[AsyncSpooledTempPath[bytes]]: ...

    @overload
    @classmethod
    def create(
        cls,
        max_size: int,
        mode: OpenTextModeUpdating,
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        errors: str | None = None,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
    ) -> Pending[AsyncSpooledTempPath[str]]: ...

    @overload
    @classmethod
    def create(
        cls,
        max_size: int = 0,
        *,
        mode: OpenTextModeUpdating,
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        errors: str | None = None,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
    ) -> Pending[AsyncSpooledTempPath[str]]: ...

    @overload
    @classmethod
    def create(
        cls,
        max_size: int = 0,
        mode: str = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        errors: str | None = None,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
    ) -> Pending[AsyncSpooledTempPath[Any]]: ...

    @classmethod
    def create(
        cls,
        max_size: int = 0,
        mode: str = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        errors: str | None = None,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
    ) -> Pending[AsyncSpooledTempPath[Any]]:
        """Make an empty spooled temp file; nothing touches the backend until it rolls over.

        ``f = await AsyncSpooledTempPath.create(...)``, or ``async with
        AsyncSpooledTempPath.create(...) as f`` to apply the policy when the
        block is left. Arguments as for :meth:`tempkit.SpooledTempPath.create`.

        Args:
            max_size: roll over when a write leaves the position beyond this
                many bytes (0: never by size).
            mode: "w+b" (bytes) or "w+" (text).
            buffering: as for ``open()``, for the file made at roll-over.
            encoding: text mode: as for ``open()``.
            newline: text mode: as for ``open()``.
            errors: text mode: as for ``open()``.
            prefix: name prefix of the file made at roll-over.
            suffix: name suffix of that file.
            dir: its directory (default: the backend's resolved temp dir).
            backend: the backend (default: ``dir``'s, else the current one).
            cleanup: the policy: "always", "on_success" or "never".
            template: an mktemp template instead of prefix and length.
            length: how many random characters in the name.

        Returns:
            A :class:`Pending` of the new file; every argument is checked when
            it is awaited (or entered), without a thread hop.

        Raises:
            TypeError: an argument of the wrong type.
            ValueError: a bad value (a negative ``max_size``, a mode that is not
                read-write, a bad name part or policy).

        """
        parent = unwrap(dir) if dir is not None else None

        async def start() -> AsyncSpooledTempPath[Any]:
            limit = _check_max_size(max_size)
            sync: SpooledTempPath[Any] = SpooledTempPath.create(
                0,
                mode,
                buffering,
                encoding,
                newline,
                errors,
                prefix=prefix,
                suffix=suffix,
                dir=parent,
                backend=backend,
                cleanup=cleanup,
                template=template,
                length=length,
            )
            self: AsyncSpooledTempPath[Any] = cls.__new__(cls)
            self._sync = sync
            self._sync_write = sync.write
            # The package's own spooled file: its buffer calls are shared on purpose.
            self._buffer_write = sync._write  # pyright: ignore[reportPrivateUsage]
            self._buffer_tell = sync._position  # pyright: ignore[reportPrivateUsage]
            self._file = cast("IO[Any]", sync)
            self._inline = True
            self._backend_inline = runs_inline(sync.backend)
            self._max_size = limit
            return self

        return Pending(start)

    # -- state ---------------------------------------------------------------------------
    @property
    def sync(self) -> SpooledTempPath[AnyStr]:
        """The synchronous spooled file this object drives.

        Its ``max_size`` is 0: this object checks the size itself, so that the
        roll-over runs in a worker thread. Data written through it directly
        stays in memory until a roll-over.
        """
        return self._sync

    @property
    def rolled(self) -> bool:
        """True once the data lives in a file on the backend rather than in memory."""
        return self._sync.rolled

    @property
    def max_size(self) -> int:
        """The size beyond which a write rolls the file over (0: never by size)."""
        return self._max_size

    @property
    def name(self) -> str | None:
        """The file's path as a string after roll-over, ``None`` before (never rolls over)."""
        return self._sync.name

    @property
    def mode(self) -> str:
        """The mode given to ``create()``."""
        return self._sync.mode

    @property
    def policy(self) -> CleanupPolicy:
        """What happens implicitly: "always", "on_success" or "never" (see ``TempPath.policy``).

        Setting it switches the implicit cleanup off ("never") or on again; an
        explicit :meth:`cleanup` always cleans.

        Raises:
            ValueError: (when set) not one of the three policies.

        """
        return self._sync.policy

    @policy.setter
    def policy(self, policy: CleanupPolicy) -> None:
        self._sync.policy = policy

    @property
    def managed(self) -> bool:
        """True until the file is cleaned up, kept or persisted."""
        return self._sync.managed

    def _note_rollover(self) -> None:
        """After a call that may have rolled over: from now on, I/O follows the backend."""
        if self._sync.rolled:
            self._inline = self._backend_inline

    async def rollover(self) -> None:
        """Move the data into a file on the backend now (nothing happens if it already has).

        Runs to its end even if the task is cancelled meanwhile; all or nothing:
        on failure (OSError) the data stays in memory.
        """
        await self._roll_over()

    async def _roll_over(self, cookie: int | None = None) -> None:
        """Roll over if still in memory; ``cookie``: a text position known to the caller.

        The write path passes the byte position it fell back to when iteration
        has disabled ``tell()``, as the synchronous file's write does.
        """
        sync = self._sync
        if not sync.rolled:
            roll = (
                sync.rollover if cookie is None else functools.partial(sync._roll, cookie=cookie)  # pyright: ignore[reportPrivateUsage]
            )
            try:
                await to_the_end(self._backend_inline, roll)
            finally:
                self._note_rollover()

    async def path(self) -> AsyncPath:
        """Roll over (if still in memory), flush, and return the file's path.

        The path neither owns the file nor keeps this object alive (as the
        synchronous ``path``): clean up after you are done with the path.

        Returns:
            The file's path, as a plain :class:`AsyncPath`.

        Raises:
            OSError: the roll-over failed (the data stays in memory).

        """
        sync = self._sync
        if self._backend_inline:
            path = sync.path
        else:
            path = await to_thread.run_sync(lambda: sync.path)
        self._note_rollover()
        return AsyncPath(path)

    # -- the file object -----------------------------------------------------------------
    async def write(self, data: AnyStr) -> int:
        """Write ``data`` at the position; roll over if that leaves it beyond ``max_size``.

        Args:
            data: bytes (binary mode) or str (text mode).

        Returns:
            How many bytes or characters were written.

        Raises:
            TypeError: str in binary mode, or bytes in text mode.
            ValueError: the file is closed.

        """
        if not self._sync._rolled:  # pyright: ignore[reportPrivateUsage]
            # In memory: the buffer's own write and tell, both C calls, with no frame
            # of the synchronous object between (its max_size is 0, so its write adds
            # nothing but the call). Asked of the synchronous object on every write,
            # since code may roll it over directly.
            written = self._buffer_write(data)
            limit = self._max_size
            if limit:
                cookie = None
                try:
                    position = self._buffer_tell()
                except OSError:  # text mode: iteration has disabled tell()
                    position = cookie = self._sync._byte_position()  # pyright: ignore[reportPrivateUsage]
                if position > limit:
                    await self._roll_over(cookie)
            return written
        if self._inline:
            return self._sync_write(data)
        return await to_thread.run_sync(self._sync_write, data)

    async def writelines(self, lines: Iterable[AnyStr]) -> None:
        """Write each item of ``lines``, checking ``max_size`` after every one.

        Args:
            lines: bytes or str items (no newlines are added).

        Raises:
            ValueError: the file is closed.

        """
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        for line in lines:
            await self.write(line)

    async def truncate(self, size: int | None = None) -> int:
        """Resize to ``size`` (default: the position); beyond ``max_size``, roll over first.

        Args:
            size: the new size in bytes; None for the position.

        Returns:
            The new size.

        """
        sync = self._sync
        if self._max_size and not sync.rolled:
            # As the synchronous truncate: without a size both BytesIO and
            # TextIOWrapper cut at the byte position of the buffer, not at tell().
            target = sync._byte_position() if size is None else operator.index(size)  # pyright: ignore[reportPrivateUsage]
            if target > self._max_size:
                await self.rollover()
        return await super().truncate(size)

    # -- lifecycle -----------------------------------------------------------------------
    async def cleanup(self, *, ignore_errors: bool = False) -> None:
        """Close the file and, while it is managed, remove it; calling it again does nothing.

        Runs to its end even if the task is cancelled meanwhile.

        Args:
            ignore_errors: remove what can be removed and raise nothing.

        Raises:
            tempkit.CleanupError: the rolled-over file could not be removed
                (unless ``ignore_errors``).

        """
        sync = self._sync
        inline = self._backend_inline or not sync.rolled
        await to_the_end(inline, lambda: sync.cleanup(ignore_errors=ignore_errors))

    async def keep(self) -> AsyncPath:
        """Roll over, stop managing the file and return its path (the file object stays open).

        Returns:
            The file's path as a plain :class:`AsyncPath` that owns nothing.

        Raises:
            OSError: the roll-over failed (the data stays in memory, still managed).

        """
        sync = self._sync
        kept = sync.keep() if self._backend_inline else await to_thread.run_sync(sync.keep)
        self._note_rollover()
        return AsyncPath(kept)

    async def persist(
        self, target: str | os.PathLike[str], *, overwrite: bool = False, perm: int | None = None
    ) -> AsyncPath:
        """Atomically move the file to ``target`` (data still in memory is written out first).

        As :meth:`tempkit.SpooledTempPath.persist`: an in-memory file rolls over
        into ``target``'s directory; the file object stays open on the moved file.

        Args:
            target: the new path: text, a path on the same backend, or an AsyncPath.
            overwrite: replace an existing file at ``target``.
            perm: the mode bits of the persisted file (default: it stays 0o600).

        Returns:
            The new location as a plain :class:`AsyncPath` (nothing owns it).

        Raises:
            tempkit.PersistError: the move failed; the object is intact and
                still managed (``error.temp`` is :attr:`sync`).
            ValueError: the file is no longer managed.

        """
        sync = self._sync
        destination = unwrap(target)
        try:
            if self._backend_inline:
                moved = sync.persist(destination, overwrite=overwrite, perm=perm)
            else:
                moved = await to_thread.run_sync(
                    lambda: sync.persist(destination, overwrite=overwrite, perm=perm)
                )
        finally:
            self._note_rollover()
        return AsyncPath(moved)

    async def aclose(self) -> None:
        """Close the file and end its life as an ``async with`` block that succeeded would."""
        await self.__aexit__(None, None, None)

    async def __aenter__(self) -> Self:
        self._sync.__enter__()  # refuses a closed file
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Apply the cleanup policy as the synchronous ``with`` block does (shielded)."""
        sync = self._sync
        # Leaving the block only discards memory unless the data is in a file or
        # the policy keeps it (which rolls it over): then it is file I/O.
        keeps = sync._keeps_on_exit(exc_type)  # pyright: ignore[reportPrivateUsage]
        inline = self._backend_inline or not (sync.rolled or keeps)
        try:
            await to_the_end(inline, sync.__exit__, exc_type, exc, tb)
        finally:
            self._note_rollover()

    def __repr__(self) -> str:
        where = repr(self._sync.name) if self._sync.rolled else "<in memory>"
        return f"{type(self).__name__}({where}, max_size={self._max_size}, mode={self.mode!r})"
