"""Where ``tempkit.aio`` runs a synchronous call: on the event loop, or in a worker thread.

Every async method of ``tempkit.aio`` delegates to the synchronous temp objects,
paths and file objects. A call that can block (anything that reaches a real file,
the network, or may wait on a timer) goes to one of AnyIO's worker threads
(``anyio.to_thread.run_sync``), so the event loop goes on serving other tasks. A
call that cannot block runs inline, as a plain function call, because a thread hop
costs tens of microseconds and the work itself may cost less than one:

- every call on a backend that declares ``capabilities.in_process`` (and has no
  ``local_paths``): the posix ``MemoryBackend``;
- a spooled file's reads and writes while its data is in memory (its roll-over
  goes to a thread).

An inline call is not a checkpoint: like a plain function call it neither lets
other tasks run nor raises a pending cancellation.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from anyio import CancelScope, to_thread
from anyio.lowlevel import checkpoint_if_cancelled

from tempkit.backends.protocol import Backend

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from typing import TypeVarTuple, Unpack
    else:
        from typing_extensions import TypeVarTuple, Unpack

    Args = TypeVarTuple("Args")

__all__ = ["acquire", "runs_inline", "to_the_end"]

T = TypeVar("T")


def runs_inline(backend: Backend) -> bool:
    """True when calls on ``backend`` never block, so the event loop may make them itself.

    The backend says so with ``capabilities.in_process``; a backend whose paths are
    real files (``local_paths``) can always block, whatever else it declares.

    Args:
        backend: any backend.

    Returns:
        True when ``capabilities.in_process`` is true and ``local_paths`` false: its calls run on
        the event loop, with no thread hop.

    """
    capabilities = backend.capabilities
    return capabilities.in_process and not capabilities.local_paths


async def to_the_end(inline: bool, func: Callable[[Unpack[Args]], T], *args: Unpack[Args]) -> T:
    """Call ``func(*args)`` and finish it even if the calling task is cancelled meanwhile.

    For what must not stop halfway or be skipped (cleanup, close, roll-over): in a
    worker thread the call is shielded, so a cancellation already pending (a task
    cancelled inside ``async with`` runs ``__aexit__`` with one) neither prevents
    it nor abandons it; the cancellation is delivered at the next checkpoint.
    """
    if inline:
        return func(*args)
    with CancelScope(shield=True):
        return await to_thread.run_sync(func, *args)
    # A scope that nobody cancels swallows nothing; type checkers cannot know that.
    raise AssertionError("unreachable")


async def acquire(inline: bool, make: Callable[[], T], release: Callable[[T], object]) -> T:
    """Call ``make()`` to create a resource, handing it over only to a task still running.

    In a worker thread a cancellation cannot interrupt ``make``: it lands when the
    thread is done. If it lands after ``make`` succeeded, ``release`` undoes it
    (shielded) before the cancellation goes on, so a cancelled creation leaves
    nothing behind and hands nothing out.
    """
    if inline:
        return make()
    made: list[T] = []

    def run() -> T:
        resource = make()
        made.append(resource)
        return resource

    try:
        resource = await to_thread.run_sync(run)
        await checkpoint_if_cancelled()
    except BaseException:
        if made:
            await to_the_end(False, release, made[0])
        raise
    return resource
