"""Helpers for the tests of tempkit.aio: a gated disk backend, hop counts, warnings, waiting.

Cancellation and event-loop tests need a call that is provably *in progress* in a
worker thread while the test acts (cancels the task, runs another one):
:class:`GatedBackend` holds back the start of one real operation on the real disk.
"""

from __future__ import annotations

import gc
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import anyio

from tempkit import PosixBackend

__all__ = ["GatedBackend", "Hops", "no_resource_warning", "wait_for"]


class GatedBackend(PosixBackend):
    """:class:`PosixBackend` whose ``mkdir`` or ``rmtree`` first waits for :attr:`release`.

    ``entered`` is set when the gated call has started (in whatever thread runs
    it); the call then waits up to ``timeout`` seconds for ``release`` and raises
    TimeoutError if the test never sets it (for instance because the event loop
    it runs on was stalled by the very call it waits for).
    """

    def __init__(self, gated: str, timeout: float = 10.0) -> None:
        if gated not in ("mkdir", "rmtree"):
            raise ValueError(f"can gate mkdir or rmtree, not {gated!r}")
        self.gated = gated
        self.timeout = timeout
        self.entered = threading.Event()
        self.release = threading.Event()
        self.threads: list[int] = []

    def _gate(self, call: str) -> None:
        if call != self.gated:
            return
        self.threads.append(threading.get_ident())
        self.entered.set()
        if not self.release.wait(self.timeout):
            raise TimeoutError(f"the test never released the gated {call}")

    def mkdir(self, path: str, perm: int = 0o700) -> None:
        """Wait at the gate (if gated), then ``os.mkdir``."""
        self._gate("mkdir")
        super().mkdir(path, perm)

    def rmtree(self, path: str, *, ignore_errors: bool = False) -> None:
        """Wait at the gate (if gated), then remove the tree as PosixBackend does."""
        self._gate("rmtree")
        super().rmtree(path, ignore_errors=ignore_errors)


@dataclass
class Hops:
    """The calls that went to a worker thread, by name of the function run there."""

    calls: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.calls)


@contextmanager
def no_resource_warning() -> Iterator[None]:
    """Fail if a ResourceWarning (a finalizer cleaning up a forgotten object) is seen."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        yield
        gc.collect()
    forgotten = [w for w in seen if issubclass(w.category, ResourceWarning)]
    assert not forgotten, [str(w.message) for w in forgotten]


async def wait_for(flag: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the event loop run until ``flag()`` is true (TimeoutError after ``timeout``)."""
    with anyio.fail_after(timeout):
        while not flag():
            await anyio.sleep(0.001)
