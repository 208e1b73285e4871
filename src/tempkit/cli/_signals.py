"""Passing SIGINT, SIGTERM and SIGHUP from ``tempkit run`` on to its child.

``tempkit run`` has to outlive its child to remove the temp dir, so these
signals do not stop it: they are relayed to the child, which decides what to
do, and ``run`` cleans up once the child has exited.

A signal the terminal generates (Ctrl-C, a hangup) goes to the whole
foreground process group, so the child -- in tempkit's group -- already has
it; relaying it too would deliver it twice (a Python child would get a second
KeyboardInterrupt in the middle of its own cleanup). On Linux the relay waits
with ``sigwaitinfo``, which says where a signal came from, and does not relay
the ones the kernel generated while the child is still in tempkit's process
group. Elsewhere every signal is relayed.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterable
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import subprocess

__all__ = ["RELAYED", "SignalRelay"]

# SIGHUP does not exist on Windows; the CLI must still import there.
RELAYED: Final = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)

# si_code of a signal the kernel generated itself, such as the terminal's SIGINT
# on Ctrl-C (SI_KERNEL in Linux's <asm-generic/siginfo.h>); kill() gives SI_USER (0).
_SI_KERNEL: Final = 0x80
_HAVE_SIGINFO: Final = sys.platform.startswith("linux") and hasattr(signal, "sigwaitinfo")

_Handler = Callable[[int, FrameType | None], Any] | int | None


class SignalRelay:
    """Relays signals to a child process from ``__enter__`` until ``__exit__``.

    Signals that arrive before the child exists are replayed to it as soon as
    :meth:`wait` is given the child. A signal that was ignored when the relay
    started stays ignored, so the child inherits the ignoring as it would
    without tempkit in between (``nohup``, a background job of a script).
    """

    def __init__(self, signals: Iterable[signal.Signals] = RELAYED) -> None:
        self._wanted = tuple(signals)
        self._previous: dict[signal.Signals, _Handler] = {}
        self._child: subprocess.Popen[Any] | None = None
        self._early: list[int] = []

    def __enter__(self) -> SignalRelay:
        for signum in self._wanted:
            previous = signal.getsignal(signum)
            if previous == signal.SIG_IGN:
                continue
            self._previous[signum] = previous
            signal.signal(signum, self._on_signal)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, signal.SIG_DFL if previous is None else previous)
        self._previous.clear()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        child = self._child
        if child is None:
            self._early.append(signum)
        else:
            child.send_signal(signum)  # a no-op once the child has been reaped

    def wait(self, child: subprocess.Popen[Any]) -> int:
        """Relay signals to ``child`` until it exits; return its ``returncode``."""
        self._child = child
        early, self._early = self._early, []
        for signum in early:
            child.send_signal(signum)
        if _HAVE_SIGINFO and self._previous:
            return self._wait_with_siginfo(child)
        return child.wait()

    def _wait_with_siginfo(self, child: subprocess.Popen[Any]) -> int:
        if sys.platform == "win32":  # never: _HAVE_SIGINFO is Linux only (this tells mypy)
            raise NotImplementedError
        else:
            # The relayed signals and SIGCHLD are blocked and taken with sigwaitinfo;
            # a SIGCHLD that comes between poll() and sigwaitinfo() stays pending, so
            # the wait cannot miss the child's exit. Signals that arrived before the
            # block went through _on_signal and were relayed unconditionally.
            watched = {*self._previous, signal.SIGCHLD}
            previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, watched)
            try:
                while child.poll() is None:
                    info = signal.sigwaitinfo(watched)
                    if info.si_signo != signal.SIGCHLD and not _child_has_it(info, child):
                        child.send_signal(info.si_signo)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
            return child.returncode


if sys.platform != "win32":  # siginfo and process groups are POSIX only

    def _child_has_it(info: signal.struct_siginfo, child: subprocess.Popen[Any]) -> bool:
        """True for a terminal-generated signal that reached the child's process group too."""
        if info.si_code != _SI_KERNEL:
            return False
        try:
            return os.getpgid(child.pid) == os.getpgrp()
        except OSError:  # already gone
            return False
