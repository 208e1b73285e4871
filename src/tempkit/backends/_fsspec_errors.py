"""Turning whatever an fsspec filesystem raises into tempkit's builtin OSErrors.

fsspec implementations disagree on errors: ``FileNotFoundError(path)`` without an
errno, ``FileExistsError`` carrying S3's precondition message, ``ValueError`` from
LocalFileSystem for a directory removed without ``recursive``, ``NotImplementedError``
for a mode a store lacks, and library exceptions (botocore, aiohttp) that are not
OSErrors at all. The layers above expect one thing: a builtin OSError subclass with
``errno`` and ``filename`` set. :func:`translated` guarantees that around every call.

Builtin programming errors (TypeError, AttributeError, KeyError...) pass through
untouched: they are bugs to see, not filesystem conditions.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from tempkit.errors import os_error

__all__ = ["normalised", "translated"]

# The errno each builtin OSError subclass stands for when a library raised it bare.
_ERRNO_OF_TYPE: Final[tuple[tuple[type[OSError], int], ...]] = (
    (FileNotFoundError, errno.ENOENT),
    (FileExistsError, errno.EEXIST),
    (IsADirectoryError, errno.EISDIR),
    (NotADirectoryError, errno.ENOTDIR),
    (PermissionError, errno.EACCES),
    (TimeoutError, errno.ETIMEDOUT),
    (ConnectionRefusedError, errno.ECONNREFUSED),
    (ConnectionResetError, errno.ECONNRESET),
    (ConnectionAbortedError, errno.ECONNABORTED),
    (BrokenPipeError, errno.EPIPE),
    (InterruptedError, errno.EINTR),
    (ConnectionError, errno.ECONNABORTED),
)


def _is_builtin(exc: BaseException) -> bool:
    return type(exc).__module__ == "builtins" and getattr(builtins, type(exc).__name__, None) is (
        type(exc)
    )


def _errno_for(exc: OSError) -> int:
    if isinstance(exc.errno, int):
        return exc.errno
    for kind, code in _ERRNO_OF_TYPE:
        if isinstance(exc, kind):
            return code
    return errno.EIO


def normalised(exc: BaseException, path: str, path2: str | None = None) -> BaseException:
    """The builtin OSError that ``exc`` stands for, or ``exc`` itself if it is a bug.

    An OSError that is already a builtin type with errno and filename set is
    returned unchanged, so native errors (LocalFileSystem) keep their exact text.
    """
    if isinstance(exc, io.UnsupportedOperation):
        return exc  # the builtin answer to "this file object cannot do that"
    if isinstance(exc, OSError):
        if _is_builtin(exc) and exc.errno is not None and exc.filename is not None:
            return exc
        code = _errno_for(exc)
        detail = exc.strerror if exc.errno is not None and exc.strerror else None
        if detail is None:
            text = str(exc.args[0]) if len(exc.args) == 1 and exc.args[0] != path else ""
            detail = _describe(code, text)
        return os_error(code, path, detail, path2)
    if _is_builtin(exc):
        if isinstance(exc, NotImplementedError):
            return os_error(errno.EOPNOTSUPP, path, _describe(errno.EOPNOTSUPP, str(exc)), path2)
        if type(exc) is ValueError:
            # fsspec's way of refusing an operation on this kind of entry (for
            # example LocalFileSystem.rm on a directory without recursive=True).
            return os_error(errno.EINVAL, path, _describe(errno.EINVAL, str(exc)), path2)
        return exc
    # A library's own exception (botocore, aiohttp, google-api...): an I/O failure.
    return os_error(errno.EIO, path, f"{type(exc).__name__}: {exc}", path2)


def _describe(code: int, text: str) -> str:
    base = os.strerror(code)
    return f"{base} ({text})" if text and text != base else base


@contextmanager
def translated(path: str, path2: str | None = None) -> Iterator[None]:
    """Re-raise anything but a builtin programming error as a builtin OSError for ``path``."""
    try:
        yield
    except Exception as exc:
        new = normalised(exc, path, path2)
        if new is exc:
            raise
        raise new from exc
