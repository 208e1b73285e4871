"""The few internals of the temp-object layer that the unnamed file and the stdlib drop-in use.

``tempkit.unnamed`` and ``tempkit.tempfile`` create entries themselves (the
standard library's API hands out descriptors, and an unnamed file has no path
to create), then hand them to a temp object. For that they need what the
public ``create()`` methods do inside: where a new entry goes, the mode of an
exclusive open, and adopting an entry with an implicit cleanup of their own.
Every such reach into ``tempkit.lifecycle``, ``tempkit.options`` and
``tempkit._finalizer`` is made here, so a change there is followed in this one
module.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from tempkit import _finalizer, crashsafe
from tempkit.backends.protocol import Backend
from tempkit.lifecycle import CleanupPolicy, TempPath, finalize_forgotten
from tempkit.options import create_options, exclusive_mode, open_args
from tempkit.temp import TempFilePath
from tempkit.temp import _delete_on_close_opener as delete_on_close_opener

__all__ = [
    "adopt",
    "delete_on_close_opener",
    "exclusive_mode",
    "finalize_forgotten",
    "open_args",
    "placement",
    "released",
]

T = TypeVar("T", bound=TempPath)

# What an implicit cleanup is called with: a payload of its own, the backend, the path.
ImplicitCleanup = Callable[[object, Backend, str], object]


def placement(
    directory: str | os.PathLike[str] | None, backend: Backend | None
) -> tuple[Backend, str]:
    """The backend and the absolute parent directory for a new entry (as ``create()`` decides)."""
    return create_options(directory, backend).place()


def adopt(
    cls: type[T],
    raw: str,
    backend: Backend,
    policy: CleanupPolicy,
    implicit_cleanup: ImplicitCleanup | None,
    payload: object = None,
) -> T:
    """Make ``cls`` own the entry just created at ``raw``, as its ``create()`` would.

    ``implicit_cleanup(payload, backend, raw)`` is what happens when the object
    is collected, or is still alive at interpreter exit, instead of tempkit's
    remove-and-warn; None means nothing happens. Like every temp object's
    finalizer it is stopped by ``cleanup()``, ``keep()`` and ``persist()``,
    and a forked child's copy never runs it. It must call :func:`released`
    once it has removed the entry.
    """
    if issubclass(cls, TempFilePath):
        obj: T = cls._adopt_file(raw, backend, policy)
    else:
        obj = cls._adopt(raw, backend, policy)  # records it where crash-safe mode is on
    record = None if implicit_cleanup is None else (implicit_cleanup, payload, backend, raw)
    if obj._idle is not None:
        # The policy "never": the record waits, in case the policy is changed later.
        obj._idle = record
    elif record is None:
        _finalizer.take(id(obj), None)
    else:
        # Filed under the object's identity, as the lifecycle files its own record
        # (which this replaces); the lifecycle reads the path at index 3.
        _finalizer.attach(id(obj), record)
    return obj


def released(raw: str) -> None:
    """Tell crash-safe mode (when on) that the object at ``raw`` was removed implicitly."""
    if crashsafe.leased:
        crashsafe.released(raw)
