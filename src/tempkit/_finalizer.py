"""Finalizers for temp objects: the contract of ``weakref.finalize`` at a third of its cost.

Every temp object registers a finalizer when it is created and detaches it when it
is cleaned up, so the registration sits on the hot path of ``create()``.
``weakref.finalize`` builds a registry record, draws an index from a counter and
hashes itself into a dictionary each time; here the weak reference *is* the
record, keyed by its identity.

The contract is the same as ``weakref.finalize`` with ``atexit=True``:

* when the object is garbage collected, ``func(*args)`` is called once;
* at interpreter exit, every finalizer still attached is called, newest first
  (including any created while exiting), with the garbage collector paused; an
  exception from one is reported through ``sys.excepthook`` and the rest still run;
* after that pass nothing runs any more, not even for objects collected during
  the interpreter's own teardown;
* ``detach()`` stops it for good.
"""

from __future__ import annotations

import gc
import sys
import weakref
from collections.abc import Callable
from typing import Any

__all__ = ["Finalizer", "finalize", "run_all_now", "run_exit_pass"]


class Finalizer(weakref.ref):  # type: ignore[type-arg]
    """The weak reference to a temp object, carrying what to call when it goes."""

    __slots__ = ("args", "func")

    func: Callable[..., object]
    args: tuple[Any, ...]

    def detach(self) -> bool:
        """Stop this finalizer; True if it was still attached."""
        return _attached.pop(id(self), None) is not None

    @property
    def alive(self) -> bool:
        """True until the finalizer has run or was detached."""
        return id(self) in _attached


# Attached finalizers by identity, in creation order (dicts keep it), so the exit
# pass can run them newest first. Holding them here also keeps each weak
# reference, and so its callback, alive as long as its object.
_attached: dict[int, Finalizer] = {}
_exiting_registered = False
_shut_down = False


def finalize(obj: object, func: Callable[..., object], *args: Any) -> Finalizer:
    """Call ``func(*args)`` when ``obj`` is collected or, if it is still alive, at exit."""
    global _exiting_registered
    if not _exiting_registered:
        import atexit  # noqa: PLC0415 - only needed once something is registered

        atexit.register(_run_at_exit)
        _exiting_registered = True
    finalizer = Finalizer(obj, _collected)
    finalizer.func = func
    finalizer.args = args
    _attached[id(finalizer)] = finalizer
    return finalizer


def _collected(finalizer: Finalizer) -> None:
    # The weak reference's callback: its object was just collected.
    if _attached.pop(id(finalizer), None) is not None and not _shut_down:
        finalizer.func(*finalizer.args)


def _run_at_exit() -> None:
    global _shut_down
    reenable_gc = False
    try:
        if _attached:
            if gc.isenabled():
                # Collection now would race the pass below for the same objects.
                reenable_gc = True
                gc.disable()
            while _attached:
                _, finalizer = _attached.popitem()  # the newest, even if made just now
                try:
                    finalizer.func(*finalizer.args)
                except Exception:
                    sys.excepthook(*sys.exc_info())
    finally:
        _shut_down = True
        if reenable_gc:
            gc.enable()


def run_all_now() -> None:
    """Call every attached finalizer now, newest first, as the exit pass would.

    For a process about to end by other means (a signal): unlike the exit pass,
    finalizers registered afterwards still work, since the process may go on.
    """
    while _attached:
        _, finalizer = _attached.popitem()
        try:
            finalizer.func(*finalizer.args)
        except Exception:
            sys.excepthook(*sys.exc_info())


def run_exit_pass() -> None:
    """Run the exit pass now (it runs once: at interpreter exit it is then a no-op)."""
    _run_at_exit()
