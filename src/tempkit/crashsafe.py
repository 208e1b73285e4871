"""Crash-safe mode: what a dead process left can be reclaimed, and only that.

Off by default, and then free: the temp layer checks one flag. Switched on by
:func:`enable_crash_safety` or by ``TEMPKIT_CRASH_SAFE=1`` in the environment
(so ``tempkit run`` or a CI job can turn it on for programs it does not
control), every temp object this process creates on the local POSIX backend
is recorded in the process's lease (see ``tempkit._leases``) until it is
cleaned up, kept or persisted. After the process dies, however it dies,
:func:`sweep` (or ``tempkit sweep``) removes exactly those objects.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from tempkit._leases import Lease, SweepReport
    from tempkit.backends.protocol import Backend

__all__ = [
    "crash_safety_enabled",
    "disable_crash_safety",
    "enable_crash_safety",
    "sweep",
]

ENVIRONMENT_VARIABLE: Final = "TEMPKIT_CRASH_SAFE"
# How long the start-up reclaim may take before it leaves the rest for later.
DEFAULT_RECLAIM_SECONDS: Final = 0.05

# Read by the temp layer on every create: one global, so the mode costs nothing when off.
recording = os.environ.get(ENVIRONMENT_VARIABLE, "") not in ("", "0")
_reclaim_seconds: float | None = None
# This process's lease once it has recorded something; cleanup then tells it.
lease: Lease | None = None
_lease_pid = 0
_lock = threading.Lock()
_local_backends: set[Backend] = set()


def enable_crash_safety(*, reclaim: bool = False, reclaim_seconds: float | None = None) -> None:
    """Record every temp object this process creates from now on, so a sweep can reclaim it.

    Only objects on the local POSIX backend are recorded (memory objects die
    with the process anyway; remote stores and Windows are not covered, see
    docs/crash-safety.md). Objects with ``cleanup="never"`` are not recorded:
    they are meant to stay.

    Args:
        reclaim: also sweep, once, what dead processes of this user left in the
            temp dir, when this process first records an object.
        reclaim_seconds: the most that start-up sweep may take (default 0.05 s);
            what it does not reach waits for the next sweep.

    Raises:
        ValueError: ``reclaim_seconds`` is negative.

    """
    global recording, _reclaim_seconds
    if reclaim_seconds is not None and reclaim_seconds < 0:
        raise ValueError(f"reclaim_seconds must be >= 0, not {reclaim_seconds!r}")
    if reclaim:
        _reclaim_seconds = DEFAULT_RECLAIM_SECONDS if reclaim_seconds is None else reclaim_seconds
    recording = True


def disable_crash_safety() -> None:
    """Stop recording new temp objects; those already recorded stay covered until they go."""
    global recording
    recording = False


def crash_safety_enabled() -> bool:
    """True while new temp objects are recorded in this process's lease."""
    return recording


def created(backend: Backend, path: str) -> None:
    """The temp layer made a managed object at ``path``: record it if the backend is local."""
    if backend not in _local_backends:
        if not _is_local_posix(backend):
            return
        _local_backends.add(backend)  # asked once per backend: this runs on every create
    current = lease if lease is not None and _lease_pid == os.getpid() else _start_lease()
    current.record(path, os.lstat(path))


def released(path: str) -> None:
    """The object at ``path`` is cleaned up, kept or persisted: the lease forgets it."""
    current = lease
    if current is not None and _lease_pid == os.getpid():
        current.release(path)


def _is_local_posix(backend: Backend) -> bool:
    capabilities = backend.capabilities
    return capabilities.local_paths and capabilities.descriptors and backend.flavour.name == "posix"


def _start_lease() -> Lease:
    """This process's lease, made on its first recorded object (and anew after a fork)."""
    global lease, _lease_pid
    from tempkit import _finalizer  # noqa: PLC0415 - kept off the import path
    from tempkit._leases import Lease  # noqa: PLC0415
    from tempkit.backends.posix import PosixBackend  # noqa: PLC0415
    from tempkit.resolver import gettempdir  # noqa: PLC0415

    with _lock:
        if lease is not None and _lease_pid == os.getpid():
            return lease
        if lease is not None:
            lease.abandon()  # a forked child: that lease is the parent's
        temp_dir = gettempdir(PosixBackend())
        new = Lease(temp_dir)
        lease, _lease_pid = new, os.getpid()
        import atexit  # noqa: PLC0415

        # After the exit pass has cleaned up what is left, the lease has nothing
        # to cover and goes too; atexit runs this before handlers registered
        # earlier, so the pass is run here first (running it twice is harmless).
        atexit.register(_end_lease, new, _finalizer)
    if _reclaim_seconds is not None:
        from tempkit._leases import sweep_directory  # noqa: PLC0415

        sweep_directory(temp_dir, deadline=time.monotonic() + _reclaim_seconds, skip=new.name)
    return new


def _end_lease(ending: Lease, finalizers: object) -> None:
    if lease is ending and _lease_pid == os.getpid():
        run_exit_pass = getattr(finalizers, "_run_at_exit", None)
        if run_exit_pass is not None:
            run_exit_pass()
        ending.close()


def end_lease_now() -> None:
    """End this process's lease at once (it is about to die of a signal): see ``signals``."""
    if lease is not None and _lease_pid == os.getpid():
        lease.close()


def _forget_after_fork() -> None:
    # The child must neither write to nor end its parent's lease; it makes its own.
    global lease, _lease_pid
    inherited = lease
    lease, _lease_pid = None, 0
    if inherited is not None:
        inherited.abandon()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def sweep(
    dirs: Iterable[str | os.PathLike[str]] | None = None,
    *,
    dry_run: bool = False,
    older_than: float | None = None,
) -> SweepReport:
    """Remove what dead processes of this user left, as their leases recorded it.

    Never touches an object of a live process, another user's object, an entry
    tempkit did not record (or one that merely has a recorded name now), and
    never follows a symlink: removal is the same descriptor-relative walk as
    ``cleanup()``, read-only and 0o000 entries included.

    Args:
        dirs: the temp dirs whose leases to read (default: the resolved temp dir).
        dry_run: report what would be removed, remove nothing.
        older_than: leave leases written to less than this many seconds ago.

    Returns:
        A report with one entry per lease and per recorded object: what was done
        and why.

    Raises:
        PermissionError: a lease directory is a symlink, another user's, or open
            to others.
        ValueError: ``older_than`` is negative.

    """
    from tempkit._leases import SweepReport, sweep_directory  # noqa: PLC0415
    from tempkit.backends.posix import PosixBackend  # noqa: PLC0415
    from tempkit.resolver import gettempdir  # noqa: PLC0415

    if older_than is not None and older_than < 0:
        raise ValueError(f"older_than must be >= 0, not {older_than!r}")
    targets = [gettempdir(PosixBackend())] if dirs is None else [os.fspath(d) for d in dirs]
    own = lease.name if lease is not None and _lease_pid == os.getpid() else None
    entries = []
    for temp_dir in targets:
        if not isinstance(temp_dir, str):
            raise TypeError(f"dirs must hold str paths, not {type(temp_dir).__name__}")
        entries.extend(
            sweep_directory(temp_dir, dry_run=dry_run, older_than=older_than, skip=own).entries
        )
    return SweepReport(entries, True)
