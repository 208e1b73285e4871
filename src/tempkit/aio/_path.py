"""AsyncPath: a :class:`~tempkit.BackendPath` whose I/O methods are awaited."""

from __future__ import annotations

import os
from typing import IO, TYPE_CHECKING, Any, overload

from anyio import to_thread

from tempkit.aio._file import AsyncFile, Pending
from tempkit.aio._threads import acquire, runs_inline
from tempkit.backends.protocol import Backend
from tempkit.path import BackendPath

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from _typeshed import OpenBinaryMode, OpenTextMode

__all__ = ["AsyncPath", "unwrap"]


def unwrap(path: str | os.PathLike[str]) -> str | os.PathLike[str]:
    """The synchronous path behind an :class:`AsyncPath`; anything else unchanged."""
    return path.sync if isinstance(path, AsyncPath) else path


class AsyncPath:
    """A path on a tempkit backend whose I/O is awaited (as ``anyio.Path`` is to pathlib).

    ``AsyncPath("/srv/x")`` is on the current backend; pass ``backend=`` to choose
    one. The pure path API (``/``, ``name``, ``parent``...) is synchronous and
    returns ``AsyncPath`` objects on the same backend; :attr:`sync` is the
    :class:`~tempkit.BackendPath` behind it, for what this class does not offer.

    I/O runs in a worker thread, except on a backend whose calls cannot block
    (``MemoryBackend``), where it runs inline: see :func:`tempkit.aio.runs_inline`.
    A path derived from a temp object keeps that object alive.
    """

    __slots__ = ("_inline", "_owner", "_path")

    _path: BackendPath
    _inline: bool
    _owner: object  # the temp object this path was derived from (kept alive), or None

    def __init__(self, *segments: str | os.PathLike[str], backend: Backend | None = None) -> None:
        """Join ``segments`` into a path on ``backend`` (default: a segment's, or the current one).

        Args:
            *segments: path segments, joined as ``pathlib`` joins them: text,
                ``os.PathLike`` objects, :class:`~tempkit.BackendPath` or
                ``AsyncPath`` objects.
            backend: the backend; default that of a path among ``segments``,
                else the current one.

        Raises:
            TypeError: a segment is not a str or an ``os.PathLike`` of str.
            ValueError: segments on different backends.

        """
        path = BackendPath(*map(unwrap, segments), backend=backend)
        self._path = path
        self._inline = runs_inline(path.backend)
        self._owner = next(
            (s._owner for s in segments if isinstance(s, AsyncPath) and s._owner is not None),
            None,
        )

    def _derive(self, path: BackendPath) -> AsyncPath:
        """``path`` (on this backend) as an AsyncPath that keeps this one's owner alive."""
        derived = AsyncPath.__new__(AsyncPath)
        derived._path = path
        derived._inline = self._inline
        derived._owner = self._owner
        return derived

    # -- identity ----------------------------------------------------------------------
    @property
    def sync(self) -> BackendPath:
        """The synchronous path (for code that runs in a worker thread)."""
        return self._path

    @property
    def backend(self) -> Backend:
        """The backend this path lives on."""
        return self._path.backend

    def __str__(self) -> str:
        return str(self._path)

    def __fspath__(self) -> str:
        return self._path.__fspath__()

    def __repr__(self) -> str:
        inner = repr(self._path)
        return f"{type(self).__name__}{inner[inner.index('(') :]}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AsyncPath):
            other = other._path
        return self._path.__eq__(other)

    def __hash__(self) -> int:
        return hash(self._path)

    # -- pure path API -------------------------------------------------------------------
    def __truediv__(self, other: str | os.PathLike[str]) -> AsyncPath:
        return self._derive(self._path / unwrap(other))

    def __rtruediv__(self, other: str | os.PathLike[str]) -> AsyncPath:
        return self._derive(BackendPath(unwrap(other), self._path))

    def joinpath(self, *segments: str | os.PathLike[str]) -> AsyncPath:
        """Join ``segments`` onto this path; an absolute segment starts over.

        Args:
            *segments: text, ``os.PathLike`` objects or paths on the same backend.

        Returns:
            The joined path, on this path's backend.

        Raises:
            TypeError: a segment is neither text nor ``os.PathLike``.
            ValueError: a segment is a path on another backend.

        """
        return self._derive(self._path.joinpath(*map(unwrap, segments)))

    @property
    def name(self) -> str:
        """The final component."""
        return self._path.name

    @property
    def stem(self) -> str:
        """The final component without its last suffix."""
        return self._path.stem

    @property
    def suffix(self) -> str:
        """The final component's last suffix."""
        return self._path.suffix

    @property
    def suffixes(self) -> list[str]:
        """The final component's suffixes."""
        return self._path.suffixes

    @property
    def parts(self) -> tuple[str, ...]:
        """The components."""
        return self._path.parts

    @property
    def parent(self) -> AsyncPath:
        """The logical parent."""
        return self._derive(self._path.parent)

    def is_absolute(self) -> bool:
        """True when the path has a root (and a drive, where the flavour has them).

        Returns:
            True for an absolute path.

        """
        return self._path.is_absolute()

    def with_name(self, name: str) -> AsyncPath:
        """This path with the final component replaced.

        Args:
            name: the new final component.

        Returns:
            A new path; nothing is renamed.

        Raises:
            ValueError: ``name`` is empty or holds a separator, or this path has no name.

        """
        return self._derive(self._path.with_name(name))

    def with_suffix(self, suffix: str) -> AsyncPath:
        """This path with the last suffix replaced.

        Args:
            suffix: the new suffix, such as ".txt", or "" to remove it.

        Returns:
            A new path; nothing is renamed.

        Raises:
            ValueError: an invalid suffix, or a path with no name.

        """
        return self._derive(self._path.with_suffix(suffix))

    def relative_to(self, other: str | os.PathLike[str]) -> AsyncPath:
        """This path relative to ``other`` (ValueError if it is not below it).

        Args:
            other: the base: text or a path on the same backend.

        Returns:
            A relative path.

        Raises:
            ValueError: this path is not below ``other``.

        """
        return self._derive(self._path.relative_to(unwrap(other)))

    # -- I/O: inspection -------------------------------------------------------------------
    async def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        """Stat this path through its backend.

        Args:
            follow_symlinks: False to stat a final symlink itself (``lstat``).

        Returns:
            The entry's ``os.stat_result``.

        Raises:
            FileNotFoundError: nothing is there.
            OSError: any other failure.

        """
        if self._inline:
            return self._path.stat(follow_symlinks=follow_symlinks)
        return await to_thread.run_sync(lambda: self._path.stat(follow_symlinks=follow_symlinks))

    async def exists(self, *, follow_symlinks: bool = True) -> bool:
        """True when the path names an entry (following a symlink unless told not to).

        Args:
            follow_symlinks: False to count a dangling symlink as existing.

        Returns:
            True when the entry exists (any error counts as no).

        """
        if self._inline:
            return self._path.exists(follow_symlinks=follow_symlinks)
        return await to_thread.run_sync(lambda: self._path.exists(follow_symlinks=follow_symlinks))

    async def is_file(self) -> bool:
        """True for a regular file (or a symlink to one).

        Returns:
            True for a regular file; False for anything else, or when it cannot be examined.

        """
        if self._inline:
            return self._path.is_file()
        return await to_thread.run_sync(self._path.is_file)

    async def is_dir(self) -> bool:
        """True for a directory (or a symlink to one).

        Returns:
            True for a directory; False for anything else, or when it cannot be examined.

        """
        if self._inline:
            return self._path.is_dir()
        return await to_thread.run_sync(self._path.is_dir)

    async def is_symlink(self) -> bool:
        """True for a symbolic link.

        Returns:
            True for a symbolic link.

        """
        if self._inline:
            return self._path.is_symlink()
        return await to_thread.run_sync(self._path.is_symlink)

    def iterdir(self) -> AsyncIterator[AsyncPath]:
        """The entries of this directory (no ``.`` or ``..``), read in one call.

        The directory is read at the first ``__anext__``: an error such as
        FileNotFoundError is raised there.

        Returns:
            An async iterator over one path per entry (``async for``).

        """
        return _Listing(self._list, self._derive)

    async def _list(self) -> list[BackendPath]:
        path = self._path
        if self._inline:
            return list(path.iterdir())
        return await to_thread.run_sync(lambda: list(path.iterdir()))

    # -- I/O: changes ----------------------------------------------------------------------
    async def mkdir(self, mode: int = 0o777, parents: bool = False, exist_ok: bool = False) -> None:
        """Create a directory here, as ``pathlib.Path.mkdir``.

        Args:
            mode: the permission bits, less the umask (default 0o777).
            parents: create missing ancestors too.
            exist_ok: accept an existing directory.

        Raises:
            FileExistsError: the path exists (and ``exist_ok`` is false, or it is not a directory).
            FileNotFoundError: the parent is missing and ``parents`` is false.

        """
        if self._inline:
            return self._path.mkdir(mode, parents, exist_ok)
        return await to_thread.run_sync(self._path.mkdir, mode, parents, exist_ok)

    async def touch(self, mode: int = 0o666, exist_ok: bool = True) -> None:
        """Create the file if missing, else update its modification time.

        Args:
            mode: the permission bits of a new file, less the umask.
            exist_ok: accept an existing entry (update its times).

        Raises:
            FileExistsError: the entry exists and ``exist_ok`` is false.

        """
        if self._inline:
            return self._path.touch(mode, exist_ok)
        return await to_thread.run_sync(self._path.touch, mode, exist_ok)

    async def unlink(self, missing_ok: bool = False) -> None:
        """Remove this file or symbolic link.

        Args:
            missing_ok: do nothing when the path does not exist.

        Raises:
            FileNotFoundError: nothing is there and ``missing_ok`` is false.

        """
        if self._inline:
            return self._path.unlink(missing_ok)
        return await to_thread.run_sync(self._path.unlink, missing_ok)

    async def rmdir(self) -> None:
        """Remove this empty directory."""
        if self._inline:
            return self._path.rmdir()
        return await to_thread.run_sync(self._path.rmdir)

    async def rename(self, target: str | os.PathLike[str]) -> AsyncPath:
        """Rename to ``target`` with the platform's rules; return the new path.

        Args:
            target: the new path: text, a path on the same backend, or an AsyncPath.

        Returns:
            The new path.

        Raises:
            OSError: the platform refuses (``target`` exists on Windows, another filesystem...).

        """
        if self._inline:
            return self._derive(self._path.rename(unwrap(target)))
        return self._derive(await to_thread.run_sync(self._path.rename, unwrap(target)))

    async def replace(self, target: str | os.PathLike[str]) -> AsyncPath:
        """Rename to ``target``, replacing a file there; return the new path.

        Args:
            target: the new path: text, a path on the same backend, or an AsyncPath.

        Returns:
            The new path.

        Raises:
            OSError: the platform refuses (``target`` a non-empty directory, another
                filesystem...).

        """
        if self._inline:
            return self._derive(self._path.replace(unwrap(target)))
        return self._derive(await to_thread.run_sync(self._path.replace, unwrap(target)))

    # -- I/O: contents ---------------------------------------------------------------------
    async def read_bytes(self) -> bytes:
        """The file's contents as bytes.

        Returns:
            Everything in the file.

        Raises:
            FileNotFoundError: the file does not exist.

        """
        if self._inline:
            return self._path.read_bytes()
        return await to_thread.run_sync(self._path.read_bytes)

    async def read_text(
        self, encoding: str | None = None, errors: str | None = None, newline: str | None = None
    ) -> str:
        """The file's contents decoded as text (``newline`` as in ``open``).

        Args:
            encoding: the text encoding; default the locale's, as for ``open()``.
            errors: the decoding error handler.
            newline: newline translation, as for ``open()``.

        Returns:
            The decoded contents.

        Raises:
            FileNotFoundError: the file does not exist.
            UnicodeDecodeError: the bytes are not valid in ``encoding``.

        """
        if self._inline:
            return self._path.read_text(encoding, errors, newline)
        return await to_thread.run_sync(self._path.read_text, encoding, errors, newline)

    async def write_bytes(self, data: bytes | bytearray | memoryview) -> int:
        """Replace the file's contents with ``data``; return the byte count.

        Args:
            data: the new contents (any bytes-like object).

        Returns:
            How many bytes were written.

        Raises:
            FileNotFoundError: the parent directory is missing.

        """
        if self._inline:
            return self._path.write_bytes(data)
        return await to_thread.run_sync(self._path.write_bytes, data)

    async def write_text(
        self,
        data: str,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> int:
        """Replace the file's contents with ``data`` as text; return the character count.

        Args:
            data: the new contents.
            encoding: the text encoding; default the locale's, as for ``open()``.
            errors: the encoding error handler.
            newline: newline translation, as for ``open()``.

        Returns:
            How many characters were written.

        Raises:
            TypeError: ``data`` is not a str.
            FileNotFoundError: the parent directory is missing.

        """
        if self._inline:
            return self._path.write_text(data, encoding, errors, newline)
        return await to_thread.run_sync(self._path.write_text, data, encoding, errors, newline)

    @overload
    def open(
        self,
        mode: OpenTextMode = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> Pending[AsyncFile[str]]: ...

    @overload
    def open(
        self,
        mode: OpenBinaryMode,
        buffering: int = -1,
        encoding: None = None,
        errors: None = None,
        newline: None = None,
    ) -> Pending[AsyncFile[bytes]]: ...

    @overload
    def open(
        self,
        mode: str,
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> Pending[AsyncFile[Any]]: ...

    def open(
        self,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> Pending[AsyncFile[Any]]:
        """Open the file, like the builtin ``open``, as an :class:`AsyncFile`.

        ``f = await path.open(...)`` or ``async with path.open(...) as f``. A task
        cancelled while the file was being opened gets nothing and leaves no
        file object open.

        Args:
            mode: as for ``open()`` ("r", "wb", "x"...).
            buffering: as for ``open()``.
            encoding: the text encoding (text modes), as for ``open()``.
            errors: the encoding error handler (text modes).
            newline: newline translation (text modes), as for ``open()``.

        Returns:
            A :class:`Pending` that opens the file when awaited or entered, giving an
            :class:`AsyncFile`.

        Raises:
            ValueError: (when awaited) a mode or argument ``open()`` refuses.
            OSError: (when awaited) what the backend raises: FileNotFoundError...

        """
        path = self._path
        inline = self._inline

        def make() -> IO[Any]:
            return path.open(mode, buffering, encoding, errors, newline)

        async def start() -> AsyncFile[Any]:
            return AsyncFile(await acquire(inline, make, _close), inline=inline)

        return Pending(start)


def _close(file: IO[Any]) -> None:
    file.close()


class _Listing:
    """The async iterator ``AsyncPath.iterdir()`` returns: one directory read, then names."""

    __slots__ = ("_derive", "_entries", "_read")

    def __init__(
        self,
        read: Callable[[], Awaitable[list[BackendPath]]],
        derive: Callable[[BackendPath], AsyncPath],
    ) -> None:
        self._read = read
        self._derive = derive
        self._entries: list[BackendPath] | None = None

    def __aiter__(self) -> _Listing:
        return self

    async def __anext__(self) -> AsyncPath:
        entries = self._entries
        if entries is None:
            entries = self._entries = await self._read()
            entries.reverse()  # popped from the end, in listing order
        if not entries:
            raise StopAsyncIteration
        return self._derive(entries.pop())
