"""Opt-in cleanup on SIGTERM and SIGHUP that chains to the application's own handlers.

A process ended by SIGTERM or SIGHUP with the default action runs no Python
code: no ``with`` block exits, no finalizer, no ``atexit``. ``SIGINT`` is
different: Python turns it into KeyboardInterrupt, which unwinds ``with``
blocks, so it needs nothing here.

:func:`cleanup_on_signals` installs a handler that first cleans up this
process's temp objects (what the exit pass would clean: every temp object
still managed and not ``cleanup="never"``), then hands the signal on exactly
as if tempkit were not there: to the handler the application had installed
before, or, where that was the default action, by re-delivering the signal
with the default action, so the process dies of it (exit status 128+N in a
shell, ``-N`` from ``subprocess``). A signal the application ignores stays
ignored. Nothing is installed unless asked for.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterable
from types import FrameType
from typing import Any, Final

from tempkit import _finalizer, crashsafe

__all__ = ["DEFAULT_SIGNALS", "SignalCleanup", "cleanup_on_signals"]

# SIGHUP does not exist on Windows.
DEFAULT_SIGNALS: Final = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""What :func:`cleanup_on_signals` handles by default: SIGTERM, and SIGHUP where it exists."""

_Handler = Callable[[int, FrameType | None], Any] | int | None


class SignalCleanup:
    """The handlers installed by :func:`cleanup_on_signals`; :meth:`remove` takes them out.

    There is one per process, made by this module: :func:`cleanup_on_signals`
    returns it every time.
    """

    def __init__(self) -> None:
        self.previous: dict[int, _Handler] = {}
        """Signal number -> the handler that was installed before tempkit's (what it chains to)."""

    @property
    def signals(self) -> list[signal.Signals]:
        """The signals that currently clean up before being handed on."""
        return [signal.Signals(signum) for signum in self.previous]

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        _clean_up_now()
        previous = self.previous.get(signum, signal.SIG_DFL)
        if callable(previous):
            previous(signum, frame)
        elif previous == signal.SIG_DFL:
            # Die of the signal as without tempkit: the default action, re-delivered.
            # No atexit runs then, so the lease (all its objects just removed) ends here.
            if crashsafe.leased and sys.platform != "win32":
                from tempkit import _leases  # noqa: PLC0415 - loaded already, once leased

                _leases.end_lease_now()
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

    def remove(self) -> None:
        """Put back the handlers that were there before; harmless when called twice.

        A signal whose handler was replaced since (by the application) keeps
        the new handler.

        Raises:
            ValueError: called from a thread other than the main thread.

        """
        _require_main_thread()
        for signum, previous in list(self.previous.items()):
            if signal.getsignal(signum) == self._handle:
                signal.signal(signum, signal.SIG_DFL if previous is None else previous)
            del self.previous[signum]


_installed = SignalCleanup()


def cleanup_on_signals(signals: Iterable[int] = DEFAULT_SIGNALS) -> SignalCleanup:
    """Clean up this process's temp objects on ``signals``, then hand each signal on.

    The handler chains: it calls the handler installed before it, or, where
    that was the default action, re-delivers the signal with the default action
    so the process exits with the same status as without tempkit. A signal that
    is ignored when this is called stays ignored. Calling it again is harmless
    (a signal is never chained to tempkit's own handler); ``remove()`` on the
    returned object puts the previous handlers back.

    Args:
        signals: the signals to handle (default SIGTERM and SIGHUP; SIGINT
            already becomes KeyboardInterrupt, which runs ``with`` blocks).

    Returns:
        The installed handlers, with ``remove()``.

    Raises:
        ValueError: not called from the main thread (Python runs signal handlers
            only there), or a signal whose current handler was not installed
            from Python and so cannot be chained to, or not a signal number.

    Examples:
        >>> import signal
        >>> from tempkit import cleanup_on_signals
        >>> handlers = cleanup_on_signals()  # SIGTERM and SIGHUP clean up first
        >>> signal.SIGTERM in handlers.signals
        True
        >>> handlers.remove()  # the previous handlers are back
        >>> handlers.signals
        []

    """
    _require_main_thread()
    wanted = [signal.Signals(signum) for signum in signals]
    for signum in wanted:
        current = signal.getsignal(signum)
        if current is None:
            raise ValueError(
                f"{signum.name} has a handler that was not installed from Python; "
                "tempkit cannot chain to it"
            )
    for signum in wanted:
        current = signal.getsignal(signum)
        if current in (_installed._handle, signal.SIG_IGN):
            continue  # already ours, or ignored on purpose
        _installed.previous[signum] = current
        signal.signal(signum, _installed._handle)
    return _installed


def _require_main_thread() -> None:
    if threading.current_thread() is not threading.main_thread():
        raise ValueError(
            "signal handlers can only be changed from the main thread (Python runs them only there)"
        )


def _clean_up_now() -> None:
    # Implicit cleanup warns with ResourceWarning; in a signal handler the warning
    # could raise (-W error) into whatever code the signal interrupted.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        _finalizer.run_all_now()
