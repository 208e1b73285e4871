"""Which backend ``create()`` uses when none is given.

The current backend is a ``contextvars`` value, so ``use_backend`` holds for
one block and is seen by that thread or asyncio task only; the process-wide
default is the fallback when no block has chosen one.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from tempkit.backends.protocol import Backend

__all__ = ["check_backend", "get_backend", "local_backend", "set_default_backend", "use_backend"]

_current: ContextVar[Backend | None] = ContextVar("tempkit_backend", default=None)
_default: Backend | None = None
_local: Backend | None = None


# Classes whose instances were found to be backends. The check is a runtime
# Protocol's isinstance, which looks up every member with inspect.getattr_static:
# about 45 us on 3.13 (more than a whole temp dir cycle in memory), and a test
# suite calls use_backend once per test. Weak: a class made in a test may go.
_backend_classes: weakref.WeakSet[type] = weakref.WeakSet()


def check_backend(backend: object) -> None:
    """TypeError unless ``backend`` is a tempkit Backend (checked once per class)."""
    kind = type(backend)
    if kind in _backend_classes:
        return
    if not isinstance(backend, Backend):
        raise TypeError(f"expected a tempkit Backend, got {kind.__name__}")
    _backend_classes.add(kind)


def local_backend() -> Backend:
    """The backend for this machine's own disk.

    Returns:
        A ``PosixBackend``, or a ``WindowsBackend`` on Windows; the same object
        on every call.

    """
    global _local
    if _local is None:
        if sys.platform == "win32":
            from tempkit.backends.windows import WindowsBackend  # noqa: PLC0415

            _local = WindowsBackend()
        else:
            from tempkit.backends.posix import PosixBackend  # noqa: PLC0415

            _local = PosixBackend()
    return _local


def get_backend() -> Backend:
    """The backend ``create()`` uses here when it is given none.

    Returns:
        The backend of the innermost ``use_backend`` block of this thread or
        task, else the one ``set_default_backend`` set, else the local disk.

    Examples:
        >>> from tempkit import MemoryBackend, get_backend, use_backend
        >>> memory = MemoryBackend()
        >>> with use_backend(memory):
        ...     get_backend() is memory
        True
        >>> get_backend() is memory
        False

    """
    backend = _current.get()
    if backend is not None:
        return backend
    return _default if _default is not None else local_backend()


def set_default_backend(backend: Backend | None) -> None:
    """Set the process-wide default backend; ``None`` restores the local disk.

    It applies wherever no ``use_backend`` block is in effect, in every thread
    and task; prefer ``use_backend``, which holds for one block only.

    Args:
        backend: the new default, or None for the local disk.

    Raises:
        TypeError: ``backend`` is not a tempkit Backend.

    """
    global _default
    if backend is not None:
        check_backend(backend)
    _default = backend


@contextmanager
def use_backend(backend: Backend) -> Iterator[Backend]:
    """Make ``backend`` current for the ``with`` block (this thread or task only).

    Every ``create()`` and ``BackendPath(...)`` without ``backend=`` inside the
    block uses it. Blocks nest; leaving one restores what was current before.
    The value is a ``contextvars`` variable, so other threads and asyncio tasks
    are not affected.

    Args:
        backend: the backend to use inside the block.

    Yields:
        ``backend`` itself.

    Raises:
        TypeError: ``backend`` is not a tempkit Backend.

    Examples:
        >>> from tempkit import MemoryBackend, TempDirPath, use_backend
        >>> with use_backend(MemoryBackend()) as memory:
        ...     with TempDirPath.create() as tmp:
        ...         tmp.backend is memory
        True

    """
    check_backend(backend)
    token = _current.set(backend)
    try:
        yield backend
    finally:
        _current.reset(token)
