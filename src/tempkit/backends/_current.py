"""Which backend ``create()`` uses when none is given.

The current backend is a ``contextvars`` value, so ``use_backend`` holds for
one block and is seen by that thread or asyncio task only; the process-wide
default is the fallback when no block has chosen one.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from tempkit.backends.protocol import Backend

__all__ = ["get_backend", "local_backend", "set_default_backend", "use_backend"]

_current: ContextVar[Backend | None] = ContextVar("tempkit_backend", default=None)
_default: Backend | None = None
_local: Backend | None = None


def local_backend() -> Backend:
    """The backend for this machine's own disk."""
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
    """The backend in effect here: the innermost ``use_backend``, else the default."""
    backend = _current.get()
    if backend is not None:
        return backend
    return _default if _default is not None else local_backend()


def set_default_backend(backend: Backend | None) -> None:
    """Set the process-wide default backend; ``None`` restores the local disk."""
    global _default
    if backend is not None and not isinstance(backend, Backend):
        raise TypeError(f"expected a tempkit Backend, got {type(backend).__name__}")
    _default = backend


@contextmanager
def use_backend(backend: Backend) -> Iterator[Backend]:
    """Make ``backend`` current for the ``with`` block (this thread or task only)."""
    if not isinstance(backend, Backend):
        raise TypeError(f"expected a tempkit Backend, got {type(backend).__name__}")
    token = _current.set(backend)
    try:
        yield backend
    finally:
        _current.reset(token)
