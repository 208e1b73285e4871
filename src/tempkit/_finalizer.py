"""Finalizers: the contract of ``weakref.finalize`` at a fraction of its cost.

Every temp object is attached here when it is created and detached when it is
cleaned up, so both sit on the hot path of ``create()``. Two kinds of thing can
be attached, in one registry keyed by identity:

* any object, through :func:`finalize`, which hangs a weak reference on it (the
  weak reference is the key; its callback runs the record);
* an object that finalizes itself: it files a record under its own ``id()``
  with :func:`attach`, and its ``__del__`` takes the record out with
  :func:`take` and hands it to :func:`run`. No weak reference is made: that is
  what temp objects do, since it halves the cost of being attached and detached
  (``attach`` and ``take`` are the registry's own dict methods, so neither
  runs any Python code).

The contract is the same as ``weakref.finalize`` with ``atexit=True``, except
after a fork:

* when the object is garbage collected, the record's call is made once;
* at interpreter exit, every record still attached is called, newest first
  (including any attached while exiting), with the garbage collector paused; an
  exception from one is reported through ``sys.excepthook`` and the rest still run;
* after that pass nothing runs any more, not even for objects collected during
  the interpreter's own teardown;
* ``detach()`` stops it for good;
* a forked child starts with nothing attached: what its parent attached is the
  parent's to finalize, so the child's copies of those objects never act.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import weakref
from collections.abc import Callable
from typing import Any

__all__ = [
    "Finalizer",
    "Record",
    "attach",
    "finalize",
    "run",
    "run_all_now",
    "run_exit_pass",
    "take",
]

# A call to make: the function, then its arguments.
Record = tuple[Any, ...]


class Finalizer(weakref.ref):  # type: ignore[type-arg]
    """The weak reference :func:`finalize` hangs on an object."""

    __slots__ = ()

    def detach(self) -> bool:
        """Stop this finalizer; True if it was still attached."""
        return take(id(self), None) is not None

    @property
    def alive(self) -> bool:
        """True until the finalizer has run or was detached."""
        return id(self) in _attached


# Attached records by the identity of what triggers them, in creation order (dicts
# keep it), so the exit pass can run them newest first.
_attached: dict[int, Record] = {}
_shut_down = False

if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_attached.clear)


# ``attach(key, record)``: file ``record`` (``func, *args``) to be called when the
# object ``key`` names goes; attaching again under the same key replaces it.
attach = _attached.__setitem__

# ``take(key, None)``: the record filed under ``key``, no longer attached (None if
# there was none). Detaching is this one dict operation: it runs on every cleanup.
take = _attached.pop


def run(record: Record) -> None:
    """Make the call of a record just taken out, unless the exit pass is over."""
    if not _shut_down:
        record[0](*record[1:])


def finalize(obj: object, func: Callable[..., object], *args: Any) -> Finalizer:
    """Call ``func(*args)`` when ``obj`` is collected or, if it is still alive, at exit."""
    finalizer = Finalizer(obj, _weakly_collected)
    # The record holds the weak reference itself: a weak reference must outlive its
    # object for its callback to run, and the record lives exactly as long as needed.
    attach(id(finalizer), (_call, finalizer, func, *args))
    return finalizer


def _call(_finalizer: Finalizer, func: Callable[..., object], *args: Any) -> None:
    func(*args)


def _weakly_collected(finalizer: Finalizer) -> None:
    # The weak reference's callback: its object was just collected.
    record = take(id(finalizer), None)
    if record is not None:
        run(record)


def run_all_now() -> None:
    """Call every attached record now, newest first, as the exit pass would.

    For a process about to end by other means (a signal): unlike the exit pass,
    records attached afterwards still work, since the process may go on.
    """
    while _attached:
        _, record = _attached.popitem()  # the newest, even if attached just now
        try:
            record[0](*record[1:])
        except Exception:
            sys.excepthook(*sys.exc_info())


def run_exit_pass() -> None:
    """Run the exit pass now (it runs once: at interpreter exit it is then a no-op)."""
    global _shut_down
    reenable_gc = False
    try:
        if _attached:
            if gc.isenabled():
                # Collection now would race the pass below for the same objects.
                reenable_gc = True
                gc.disable()
            run_all_now()
    finally:
        _shut_down = True
        if reenable_gc:
            gc.enable()


# Registered once, when tempkit is imported: at exit, the pass runs after the exit
# handlers registered later (they still find their temp objects) and before those
# registered earlier.
atexit.register(run_exit_pass)
