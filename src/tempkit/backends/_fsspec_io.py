"""File objects for FsspecBackend where fsspec's own do not behave like ``open()``.

- :class:`RangeReader` reads by ranged ``cat_file`` calls and fetches the first
  chunk when it is opened: a missing file fails at ``open()`` as it does locally,
  and a small file costs one request in all (fsspec's buffered file asks for the
  size first, which doubles the requests for small objects).
- :class:`WholeFile` serves the modes an object store cannot stream (``+`` and
  append) and MemoryFileSystem writes (whose file objects never close): the whole
  content lives in memory and is stored on ``flush()`` and ``close()``.
- :class:`GuardedFile` wraps a streaming fsspec writer so that errors raised when
  data is finally uploaded (often at ``close()``) are builtin OSErrors too.
"""

from __future__ import annotations

import errno
import io
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Final

from tempkit.backends._fsspec_errors import translated

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem
    from typing_extensions import Buffer

__all__ = ["FIRST_CHUNK", "GuardedFile", "RangeReader", "WholeFile"]

# Read at open: small files arrive in one request, large ones start streaming.
FIRST_CHUNK: Final = 4 * 1024 * 1024


class RangeReader(io.RawIOBase):
    """A seekable raw reader over ranged ``cat_file`` calls (wrap in BufferedReader)."""

    def __init__(
        self, fs: AbstractFileSystem, fs_path: str, path: str, size_of: Callable[[], int]
    ) -> None:
        super().__init__()
        self.name = path
        self._fs = fs
        self._fs_path = fs_path
        self._size_of = size_of
        self._pos = 0
        self._size: int | None = None
        self._head = self._fetch(0, FIRST_CHUNK)
        if len(self._head) < FIRST_CHUNK:
            self._size = len(self._head)

    def _fetch(self, start: int, end: int | None) -> bytes:
        with translated(self.name):
            try:
                return self._fs.cat_file(self._fs_path, start=start, end=end)
            except OSError as exc:
                if exc.errno != errno.EINVAL:
                    raise
        # S3 answers a range that starts at the end with "not satisfiable" (416):
        # that is EOF, or an empty object when it happens on the first read.
        if start == 0:
            self._size_of()  # raises FileNotFoundError when there is no object at all
        return b""

    def readable(self) -> bool:
        """Always readable."""
        return True

    def seekable(self) -> bool:
        """Seeking is a matter of which range to ask for next."""
        return True

    def _known_size(self) -> int:
        if self._size is None:
            self._size = self._size_of()
        return self._size

    def readinto(self, buffer: Buffer) -> int:
        """Fill ``buffer`` from the current position; 0 at EOF."""
        view = memoryview(buffer).cast("B")
        if self._size is not None and self._pos >= self._size:
            return 0
        head = self._head
        if self._pos < len(head):
            data = head[self._pos : self._pos + len(view)]
        else:
            data = self._fetch(self._pos, self._pos + len(view))
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def readall(self) -> bytes:
        """Everything from the current position to the end."""
        parts: list[bytes] = []
        head = self._head
        if self._pos < len(head):
            parts.append(head[self._pos :])
        if self._size is None:
            start = max(self._pos, len(head))
            rest = self._fetch(start, None)
            parts.append(rest)
            self._size = start + len(rest)
        self._pos = max(self._pos, self._size)
        return b"".join(parts)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move the position; ``SEEK_END`` asks the store for the size once."""
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._pos + offset
        elif whence == io.SEEK_END:
            position = self._known_size() + offset
        else:
            raise ValueError(f"invalid whence ({whence}, should be 0, 1 or 2)")
        if position < 0:
            raise ValueError(f"negative seek position {position}")
        self._pos = position
        return position

    def tell(self) -> int:
        """The current position."""
        return self._pos

    def close(self) -> None:
        """Drop the prefetched data."""
        self._head = b""
        super().close()


class WholeFile(io.BytesIO):
    """A file held in memory and stored whole by ``commit(data)`` on flush and close."""

    def __init__(
        self,
        initial: bytes,
        commit: Callable[[bytes], None],
        *,
        name: str,
        readable: bool,
        append: bool,
    ) -> None:
        super().__init__(initial)
        self.name = name
        self._commit = commit
        self._readable = readable
        self._append = append
        self._dirty = False
        if append:
            self.seek(0, io.SEEK_END)

    def readable(self) -> bool:
        """True for ``+`` modes."""
        return self._readable

    def _check_readable(self) -> None:
        if not self._readable:
            raise io.UnsupportedOperation("not readable")

    def read(self, size: int | None = -1) -> bytes:
        """Read like a regular file (refused unless the mode has ``+``)."""
        self._check_readable()
        return super().read(size)

    def read1(self, size: int | None = -1) -> bytes:
        """Read like a regular file (refused unless the mode has ``+``)."""
        self._check_readable()
        return super().read1(size)

    def readline(self, size: int | None = -1) -> bytes:
        """Read a line (refused unless the mode has ``+``)."""
        self._check_readable()
        return super().readline(size)

    def readinto(self, buffer: Buffer) -> int:
        """Read into ``buffer`` (refused unless the mode has ``+``)."""
        self._check_readable()
        return super().readinto(buffer)

    def write(self, data: Buffer) -> int:
        """Write at the position (at the end in append modes)."""
        if self._append:
            self.seek(0, io.SEEK_END)
        written = super().write(data)
        self._dirty = True
        return written

    def truncate(self, size: int | None = None) -> int:
        """Truncate like a regular file."""
        self._dirty = True
        return super().truncate(size)

    def flush(self) -> None:
        """Store the content if it changed since the last store."""
        if not self.closed and self._dirty:
            self._commit(self.getvalue())
            self._dirty = False

    def close(self) -> None:
        """Store the content, then close."""
        if self.closed:
            return
        try:
            self.flush()
        finally:
            super().close()


class GuardedFile(io.BufferedIOBase):
    """A streaming fsspec file whose failures are raised as builtin OSErrors."""

    def __init__(self, inner: IO[bytes], path: str) -> None:
        super().__init__()
        self._inner = inner
        self.name = path

    def readable(self) -> bool:
        """As the wrapped file."""
        return self._inner.readable()

    def writable(self) -> bool:
        """As the wrapped file."""
        return self._inner.writable()

    def seekable(self) -> bool:
        """As the wrapped file."""
        return self._inner.seekable()

    def write(self, data: Buffer) -> int:
        """Write through to the wrapped file."""
        with translated(self.name):
            return self._inner.write(bytes(data))

    def read(self, size: int | None = -1) -> bytes:
        """Read through the wrapped file."""
        with translated(self.name):
            return self._inner.read(-1 if size is None else size)

    def read1(self, size: int = -1) -> bytes:
        """Read through the wrapped file."""
        return self.read(size)

    def tell(self) -> int:
        """As the wrapped file."""
        return self._inner.tell()

    def flush(self) -> None:
        """Flush the wrapped file (it may upload a part)."""
        if self.closed or self._inner.closed:
            return
        with translated(self.name):
            self._inner.flush()

    def close(self) -> None:
        """Close the wrapped file; for a writer this is when the data is stored."""
        if self.closed:
            return
        try:
            with translated(self.name):
                self._inner.close()
        finally:
            super().close()
