"""The few internals of the temp-object layer that the unnamed file and the stdlib drop-in use.

``tempkit.unnamed`` and ``tempkit.tempfile`` create entries themselves (the
standard library's API hands out descriptors, and an unnamed file has no path
to create), then hand them to a temp object. For that they need what the
public ``create()`` methods do inside: where a new entry goes, the mode of an
exclusive open, and adopting an entry with a chosen implicit cleanup. Every
such reach into ``tempkit.temp`` and ``tempkit._finalizer`` is made here, so a
change there is followed in this one module.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from tempkit import crashsafe
from tempkit import temp as _temp
from tempkit._finalizer import finalize
from tempkit.backends.protocol import Backend
from tempkit.temp import _CLEANED, CleanupPolicy, TempPath, _exclusive_mode, _placement

__all__ = [
    "adopt",
    "current_pid",
    "exclusive_mode",
    "placement",
    "released",
    "run_implicit_cleanup_now",
]

T = TypeVar("T", bound=TempPath)


def placement(
    directory: str | os.PathLike[str] | None, backend: Backend | None
) -> tuple[Backend, str]:
    """The backend and the absolute parent directory for a new entry (as ``create()`` decides)."""
    return _placement(directory, backend)


def current_pid() -> int:
    """``os.getpid()`` without the system call (the temp layer refreshes it after a fork)."""
    return _temp._pid


def exclusive_mode(mode: str) -> str:
    """A NamedTemporaryFile-style mode ("w+b") as its exclusive-create form ("x+b")."""
    return _exclusive_mode(mode)


def adopt(
    cls: type[T],
    raw: str,
    backend: Backend,
    policy: CleanupPolicy,
    implicit_cleanup: Callable[..., object] | None,
    *args: object,
) -> T:
    """Make ``cls`` own the entry just created at ``raw``, as ``create()`` would.

    ``implicit_cleanup(*args)`` is what happens when the object is collected,
    or is still alive at interpreter exit (the contract of ``weakref.finalize``),
    instead of tempkit's remove-and-warn; None means nothing happens. Like
    every temp object's finalizer it is stopped by ``cleanup()``, ``keep()``
    and ``persist()``. It must check for itself that it runs in the process
    that created the entry, and call :func:`released` once it has removed it.
    """
    if crashsafe.recording:
        obj = cls._adopt(raw, backend, policy)  # records it in the lease
        finalizer = obj._finalizer
        if finalizer is not None:
            finalizer.detach()
    else:
        # What _adopt does, but without making a finalizer only to replace it: the
        # one cost the drop-in's NamedTemporaryFile has over the standard library's.
        obj = cls._adopt(raw, backend, "never")
        obj._policy = policy
    obj._finalizer = None if implicit_cleanup is None else finalize(obj, implicit_cleanup, *args)
    return obj


def released(raw: str) -> None:
    """Tell crash-safe mode (when on) that the object at ``raw`` was removed implicitly."""
    if crashsafe.lease is not None:
        crashsafe.released(raw)


def run_implicit_cleanup_now(obj: TempPath) -> bool:
    """Run ``obj``'s implicit cleanup now, as if it had been collected; False if it had none.

    The object counts as cleaned up afterwards, also in a forked child, where
    the cleanup itself does nothing.
    """
    finalizer = obj._finalizer
    if finalizer is None or not finalizer.detach():
        return False
    obj._release(_CLEANED)
    finalizer.func(*finalizer.args)
    return True
