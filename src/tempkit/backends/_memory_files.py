"""The raw open file of the in-memory filesystem: what ``io.FileIO`` is over a descriptor.

``open()`` stacks a ``TextIOWrapper`` on a ``Buffered*`` object on a raw
``FileIO``. Here the raw layer is :class:`MemoryFileIO`, an ``io.RawIOBase``
over an inode's bytes with the semantics of a file descriptor (position,
O_APPEND, truncate, EINVAL on a negative seek); the upper layers are the very
same ``io`` classes, stacked by ``BaseBackend.open``, so buffering, newline
translation, ``tell()`` cookies and error messages cannot differ from a real file.
"""

from __future__ import annotations

import errno
import io
import operator
import os
import threading
import warnings
from typing import TYPE_CHECKING, Final

from tempkit.backends._memory_nodes import BLOCK_SIZE, FileNode, now_ns
from tempkit.backends.modes import OpenRequest

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, WriteableBuffer

__all__ = ["MemoryFileIO", "UnnamedMemoryFileIO"]

_SEEK_DATA: Final = getattr(os, "SEEK_DATA", 3)
_SEEK_HOLE: Final = getattr(os, "SEEK_HOLE", 4)


# What the io layers ask of every new raw file (buffered and text layers ask it
# again and again), answered while the file is open by C callables stored on the
# instance: no Python frame. ``close`` takes them away, so a closed file answers
# with the methods below, which raise as FileIO does.
_TRUE: Final = True.__bool__
_FALSE: Final = False.__bool__
_CLOSED: Final = "I/O operation on closed file"


class MemoryFileIO(io.RawIOBase):
    """A raw file over an in-memory inode, behaving as ``io.FileIO`` does over a descriptor.

    It has no descriptor: ``fileno()`` raises ``io.UnsupportedOperation``.
    Every access takes the filesystem's lock, so handles on one inode can be
    used from several threads as descriptors can.
    """

    _blksize = BLOCK_SIZE  # what open() sizes its buffer by, as st_blksize for FileIO

    def __init__(
        self,
        node: FileNode,
        name: str,
        request: OpenRequest,
        lock: threading.RLock,
    ) -> None:
        # io.RawIOBase has no __init__ of its own (it is object's): nothing to call.
        self.name = name
        self._request = request
        self._node = node
        self._lock = lock
        self._readable = readable = request.readable
        self._writable = writable = request.writable
        self._append = append = request.append
        # FileIO seeks to the end when opened for appending.
        self._position = len(node.data) if append else 0
        node.handles += 1
        self.readable = _TRUE if readable else _FALSE  # type: ignore[method-assign]
        self.writable = _TRUE if writable else _FALSE  # type: ignore[method-assign]
        self.seekable = _TRUE  # type: ignore[method-assign]
        self.isatty = _FALSE  # type: ignore[method-assign]

    def __repr__(self) -> str:
        if self.closed:
            return "<tempkit MemoryFileIO [closed]>"
        return f"<tempkit MemoryFileIO name={self.name!r} mode={self.mode!r}>"

    @property
    def mode(self) -> str:
        """What ``io.FileIO`` reports as its mode ("rb", "wb", "xb+"...)."""
        return self._request.raw_mode

    # -- capabilities (after close: while open the instance answers, see _TRUE) -------------
    def _check_open(self) -> None:
        if self.closed:
            raise ValueError(_CLOSED)

    def readable(self) -> bool:
        """True when opened for reading."""
        self._check_open()
        return self._readable

    def writable(self) -> bool:
        """True when opened for writing."""
        self._check_open()
        return self._writable

    def seekable(self) -> bool:
        """Always: a regular file."""
        self._check_open()
        return True

    def isatty(self) -> bool:
        """Never a terminal."""
        self._check_open()
        return False

    def fileno(self) -> int:
        """There is no OS descriptor behind an in-memory file."""
        self._check_open()
        raise io.UnsupportedOperation(
            "in-memory file has no file descriptor; use the file object itself, "
            "or tempkit.use_backend(tempkit.PosixBackend()) for real files"
        )

    # -- reading -------------------------------------------------------------
    def _check_readable(self) -> None:
        self._check_open()
        if not self._readable:
            raise io.UnsupportedOperation("File not open for reading")

    def readinto(self, buffer: WriteableBuffer) -> int:
        """Copy bytes from the current position into ``buffer``."""
        if self.closed or not self._readable:
            self._check_readable()
        with memoryview(buffer) as view, view.cast("B") as target, self._lock:
            node = self._node
            start = self._position
            count = max(0, min(len(target), len(node.data) - start))
            if count:
                with memoryview(node.data) as source:
                    target[:count] = source[start : start + count]
            self._position = start + count
            node.atime_ns = now_ns()
        return count

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes; all the rest when ``size`` is negative or None."""
        if self.closed or not self._readable:
            self._check_readable()
        if size is None or size < 0:
            return self.readall()
        with self._lock:
            node = self._node
            start = self._position
            data = bytes(node.data[start : start + size]) if start < len(node.data) else b""
            self._position = start + len(data)
            node.atime_ns = now_ns()
        return data

    def readall(self) -> bytes:
        """Everything from the position to the end."""
        if self.closed:
            raise ValueError(_CLOSED)
        if not self._readable:
            # FileIO.readall does not check the mode: read(2) fails on the descriptor.
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        with self._lock:
            node = self._node
            start = self._position
            data = bytes(node.data[start:]) if start < len(node.data) else b""
            self._position = start + len(data)
            node.atime_ns = now_ns()
        return data

    # -- writing -------------------------------------------------------------
    def _check_writable(self) -> None:
        self._check_open()
        if not self._writable:
            raise io.UnsupportedOperation("File not open for writing")

    def write(self, data: ReadableBuffer) -> int:
        """Write all of ``data`` at the position (at the end with O_APPEND)."""
        if self.closed or not self._writable:
            self._check_writable()
        try:
            view = memoryview(data)
        except TypeError:
            raise TypeError(
                f"a bytes-like object is required, not '{type(data).__name__}'"
            ) from None
        with view, view.cast("B") as source, self._lock:
            node = self._node
            content = node.data
            start = len(content) if self._append else self._position
            count = len(source)
            if start > len(content) and count:
                # A hole reads as zeros; writing nothing past the end makes none (as write(2)).
                content.extend(bytes(start - len(content)))
            content[start : start + count] = source
            self._position = start + count
            if count:
                node.drop_privileges_on_write()
                node.touch_modified(now_ns())
        return count

    def truncate(self, size: int | None = None) -> int:
        """Cut or zero-extend the file to ``size`` (default: the position); the position stays."""
        self._check_writable()
        with self._lock:
            size = self._position if size is None else operator.index(size)
            if size < 0:
                raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
            node = self._node
            content = node.data
            if size < len(content):
                del content[size:]
            else:
                content.extend(bytes(size - len(content)))
            node.drop_privileges_on_write()
            node.touch_modified(now_ns())
        return size

    # -- positioning ---------------------------------------------------------
    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """lseek(2): SEEK_SET, SEEK_CUR, SEEK_END, and SEEK_DATA/SEEK_HOLE (no holes here)."""
        self._check_open()
        offset = operator.index(offset)
        with self._lock:
            size = len(self._node.data)
            if whence == os.SEEK_SET:
                position = offset
            elif whence == os.SEEK_CUR:
                position = self._position + offset
            elif whence == os.SEEK_END:
                position = size + offset
            elif whence in (_SEEK_DATA, _SEEK_HOLE):
                if offset < 0:
                    raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
                if offset >= size:
                    raise OSError(errno.ENXIO, os.strerror(errno.ENXIO))
                position = offset if whence == _SEEK_DATA else size
            else:
                raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
            if position < 0:
                raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
            self._position = position
        return position

    def tell(self) -> int:
        """The position (the end after an appending write)."""
        if self.closed:
            raise ValueError(_CLOSED)
        return self._position

    # -- closing -------------------------------------------------------------
    def close(self) -> None:
        """Release the inode; an unlinked file's data goes with its last handle."""
        if self.closed:
            return
        if getattr(self, "_finalizing", False):
            self._dealloc_warn(self)
        try:
            super().close()
        finally:
            answers = self.__dict__  # the C answers go: see _TRUE
            del answers["readable"], answers["writable"], answers["seekable"], answers["isatty"]
            with self._lock:
                self._node.handles -= 1

    def _dealloc_warn(self, source: object) -> None:
        """Warn about a file object collected while open, as FileIO does."""
        if not self.closed:
            warnings.warn(f"unclosed file {source!r}", ResourceWarning, stacklevel=2, source=source)


class UnnamedMemoryFileIO(MemoryFileIO):
    """A raw file over an inode that no directory names (``O_TMPFILE``).

    It has no ``name`` at all: a path-like name could be mistaken for a real
    one, and there is no descriptor to stand in for it as on the disk.
    ``linkable`` is the inode's permission to be given a name later.
    """

    def __init__(
        self, node: FileNode, request: OpenRequest, lock: threading.RLock, *, linkable: bool
    ) -> None:
        super().__init__(node, "", request, lock)
        del self.name
        self.linkable = linkable

    def __repr__(self) -> str:
        if self.closed:
            return "<tempkit UnnamedMemoryFileIO [closed]>"
        return f"<tempkit UnnamedMemoryFileIO mode={self.mode!r}>"

    @property
    def node(self) -> FileNode:
        """The inode this file reads and writes."""
        return self._node

    @property
    def lock(self) -> threading.RLock:
        """The lock of the filesystem the inode belongs to."""
        return self._lock
