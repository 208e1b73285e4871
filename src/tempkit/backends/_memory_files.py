"""Open files of the in-memory filesystem, built exactly as the builtin ``open`` builds them.

``open()`` stacks a ``TextIOWrapper`` on a ``Buffered*`` object on a raw
``FileIO``. Here the raw layer is :class:`MemoryFileIO`, an ``io.RawIOBase``
over an inode's bytes with the semantics of a file descriptor (position,
O_APPEND, truncate, EINVAL on a negative seek); the upper layers are the very
same ``io`` classes, so buffering, newline translation, ``tell()`` cookies and
error messages cannot differ from a real file.
"""

from __future__ import annotations

import errno
import functools
import io
import operator
import os
import sys
import threading
import warnings
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, Final

from tempkit.backends._memory_nodes import BLOCK_SIZE, FileNode, now_ns
from tempkit.backends._memory_tree import OpenRequest

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, WriteableBuffer

__all__ = ["MemoryFileIO", "ParsedMode", "open_stack", "parse_mode", "refuse_kindless"]

_SEEK_DATA: Final = getattr(os, "SEEK_DATA", 3)
_SEEK_HOLE: Final = getattr(os, "SEEK_HOLE", 4)
_UNIVERSAL_MODE: Final = sys.version_info < (3, 11)  # "U" was removed in 3.11


class ParsedMode:
    """The arguments of ``open`` checked and decoded in the order ``io.open`` uses.

    Everything here happens before the file is touched, so a bad argument
    never creates or truncates anything.
    """

    __slots__ = ("binary", "buffering", "kindless", "raw_mode", "request", "text", "updating")

    def __init__(
        self,
        mode: str,
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> None:
        # Argument types first, as the builtin's argument parsing does.
        if not isinstance(mode, str):
            raise TypeError(f"open() argument 'mode' must be str, not {type(mode).__name__}")
        self.buffering = operator.index(buffering)
        arguments = (("encoding", encoding), ("errors", errors), ("newline", newline))
        for name, value in arguments:
            if value is not None and not isinstance(value, str):
                kind = type(value).__name__
                raise TypeError(f"open() argument '{name}' must be str or None, not {kind}")
        allowed = "axrwb+tU" if _UNIVERSAL_MODE else "axrwb+t"
        if set(mode) - set(allowed) or len(set(mode)) != len(mode):
            raise ValueError(f"invalid mode: '{mode}'")
        creating, reading, writing, appending = ("x" in mode, "r" in mode, "w" in mode, "a" in mode)
        self.updating = "+" in mode
        self.text = "t" in mode
        self.binary = "b" in mode
        if "U" in mode:
            if creating or writing or appending or self.updating:
                raise ValueError("mode U cannot be combined with 'x', 'w', 'a', or '+'")
            warnings.warn("'U' mode is deprecated", DeprecationWarning, 3)
            reading = True
        if self.text and self.binary:
            raise ValueError("can't have text and binary mode at once")
        if creating + reading + writing + appending > 1:
            raise ValueError("must have exactly one of create/read/write/append mode")
        for name, value in arguments:
            if self.binary and value is not None:
                article = "a" if name == "newline" else "an"
                raise ValueError(f"binary mode doesn't take {article} {name} argument")
        if self.binary and self.buffering == 1:
            warnings.warn(
                "line buffering (buffering=1) isn't supported in binary mode, "
                "the default buffer size will be used",
                RuntimeWarning,
                3,
            )
        # io.open leaves this complaint to FileIO, which words it so and makes it
        # only after turning the path into bytes: the opener raises it, after
        # checking the path (see ``refuse_kindless``).
        self.kindless = not (creating or reading or writing or appending)
        # What FileIO reports as its mode, and the flags it passes to open(2).
        plus = "+" if self.updating else ""
        if creating:
            self.raw_mode = "xb" + plus
        elif appending:
            self.raw_mode = "ab" + plus
        elif reading:
            self.raw_mode = "rb+" if self.updating else "rb"
        else:
            self.raw_mode = "rb+" if self.updating else "wb"
        self.request = OpenRequest(
            readable=reading or self.updating,
            writable=not reading or self.updating,
            create=not reading,
            exclusive=creating,
            truncate=writing,
        )

    @property
    def appending(self) -> bool:
        """O_APPEND: every write goes to the end."""
        return self.raw_mode[0] == "a"


def refuse_kindless(parsed: ParsedMode, check_path: Callable[[], object]) -> None:
    """Raise FileIO's error for a mode with none of r/w/x/a, once ``check_path`` passed."""
    if parsed.kindless:
        check_path()
        raise ValueError(
            "Must have exactly one of create/read/write/append mode and at most one plus"
        )


def parse_mode(
    mode: str,
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
) -> ParsedMode:
    """``ParsedMode(...)``, shared by every open with the same arguments.

    A ParsedMode is never changed once made, and parsing costs as much as the
    rest of an open. Arguments of unusual types, and those that warn
    (``buffering=1``, mode "U"), are parsed afresh every time, so errors and
    warnings are exactly those of ``ParsedMode``.
    """
    if (
        type(mode) is str
        and type(buffering) is int
        and buffering != 1
        and "U" not in mode
        and (encoding is None or type(encoding) is str)
        and (errors is None or type(errors) is str)
        and (newline is None or type(newline) is str)
    ):
        return _shared_mode(mode, buffering, encoding, errors, newline)
    return ParsedMode(mode, buffering, encoding, errors, newline)


@functools.lru_cache(maxsize=64)
def _shared_mode(
    mode: str, buffering: int, encoding: str | None, errors: str | None, newline: str | None
) -> ParsedMode:
    return ParsedMode(mode, buffering, encoding, errors, newline)


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
        parsed: ParsedMode,
        lock: threading.RLock,
    ) -> None:
        super().__init__()
        self.name = name
        self.mode = parsed.raw_mode
        self._node = node
        self._lock = lock
        self._readable = parsed.request.readable
        self._writable = parsed.request.writable
        self._append = parsed.appending
        # FileIO seeks to the end when opened for appending.
        self._position = len(node.data) if self._append else 0
        node.handles += 1

    def __repr__(self) -> str:
        if self.closed:
            return "<tempkit MemoryFileIO [closed]>"
        return f"<tempkit MemoryFileIO name={self.name!r} mode={self.mode!r}>"

    # -- capabilities --------------------------------------------------------
    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file")

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
        self._check_open()
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
            if start > len(content):
                content.extend(bytes(start - len(content)))  # a hole reads as zeros
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
        self._check_open()
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
            with self._lock:
                self._node.handles -= 1

    def _dealloc_warn(self, source: object) -> None:
        """Warn about a file object collected while open, as FileIO does."""
        if not self.closed:
            warnings.warn(f"unclosed file {source!r}", ResourceWarning, stacklevel=2, source=source)


def open_stack(
    raw: MemoryFileIO,
    parsed: ParsedMode,
    mode: str,
    encoding: str | None,
    errors: str | None,
    newline: str | None,
) -> IO[Any]:
    """Stack the buffered and text layers on a raw file, as ``io.open`` does.

    ``raw`` is already open (the file may have been created); as with the
    builtin, errors found from here on (unbuffered text, unknown encoding, bad
    newline) close it again but leave a created file in place.
    """
    result: IO[Any] = raw  # type: ignore[assignment]
    buffering = parsed.buffering
    try:
        line_buffering = False
        if buffering == 1 or (buffering < 0 and raw.isatty()):
            buffering = -1
            line_buffering = True
        if buffering < 0:
            buffering = raw._blksize
        if buffering == 0:
            if parsed.binary:
                return result
            raise ValueError("can't have unbuffered text I/O")
        buffer: io.BufferedIOBase
        if parsed.updating:
            buffer = io.BufferedRandom(raw, buffering)
        elif parsed.request.writable:
            buffer = io.BufferedWriter(raw, buffering)
        else:
            buffer = io.BufferedReader(raw, buffering)
        result = buffer
        if parsed.binary:
            return result
        text = io.TextIOWrapper(buffer, encoding, errors, newline, line_buffering)
        result = text
        text.mode = mode  # type: ignore[misc]  # as io.open sets it
        return result
    except BaseException:
        result.close()
        raise
