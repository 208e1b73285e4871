"""Crash-safe mode: what a dead process left can be reclaimed, and only that.

Off by default, and then free: the temp layer checks one flag. Switched on by
:func:`enable_crash_safety` or by ``TEMPKIT_CRASH_SAFE=1`` in the environment
(so ``tempkit run`` or a CI job can turn it on for programs it does not
control), every temp object this process creates on the local POSIX backend
is recorded in the process's lease (see ``tempkit._leases``, which holds the
lease and the sweep) until it is cleaned up, kept or persisted. After the
process dies, however it dies, :func:`sweep` (or ``tempkit sweep``) removes
exactly those objects.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Final

from tempkit._lazy import lazy_attributes

if TYPE_CHECKING:
    # The report types live below the lease engine, which builds them: neither
    # module then imports the other's way back.
    from tempkit._sweep_report import SweepEntry, SweepReport
    from tempkit.backends.protocol import Backend

# Served on first use: the temp layer imports this module for its flag on every
# ``import tempkit.temp``, and building the two NamedTuple classes cost about as
# much as the rest of this module (``python -X importtime``).
_LAZY: Final = {"SweepEntry": "tempkit._sweep_report", "SweepReport": "tempkit._sweep_report"}
__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals())

__all__ = [
    "SweepEntry",
    "SweepReport",
    "crash_safety_enabled",
    "disable_crash_safety",
    "enable_crash_safety",
    "sweep",
]

ENVIRONMENT_VARIABLE: Final = "TEMPKIT_CRASH_SAFE"
"""Set to anything but "" or "0" at start-up, it switches crash-safe mode on."""
DEFAULT_RECLAIM_SECONDS: Final = 0.05
"""How long the start-up reclaim may take before it leaves the rest for later."""

# Read by the temp layer on every create: one global, so the mode costs nothing when off.
recording = os.environ.get(ENVIRONMENT_VARIABLE, "") not in ("", "0")
"""True while new temp objects are recorded (read it through :func:`crash_safety_enabled`)."""
leased = False
"""True once this process has a lease: from then on, cleanup tells the lease."""
reclaim_seconds: float | None = None
"""The start-up sweep's time budget, when ``enable_crash_safety(reclaim=True)`` asked for one."""
_local_backends: set[Backend] = set()
# The lease engine's two calls, bound on first use (the engine is POSIX-only).
_record: Callable[[str, float | None], None] | None = None
_release: Callable[[str], None] | None = None


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

    Examples:
        >>> from tempkit import crash_safety_enabled, disable_crash_safety, enable_crash_safety
        >>> enable_crash_safety()
        >>> crash_safety_enabled()
        True
        >>> disable_crash_safety()

    """
    global recording
    _set_reclaim(reclaim, reclaim_seconds)
    recording = True


def _set_reclaim(reclaim: bool, seconds: float | None) -> None:
    global reclaim_seconds
    if seconds is not None and seconds < 0:
        raise ValueError(f"reclaim_seconds must be >= 0, not {seconds!r}")
    if reclaim:
        reclaim_seconds = DEFAULT_RECLAIM_SECONDS if seconds is None else seconds


def disable_crash_safety() -> None:
    """Stop recording new temp objects; those already recorded stay covered until they go."""
    global recording
    recording = False


def crash_safety_enabled() -> bool:
    """Whether crash-safe mode is on.

    Returns:
        True while new temp objects are recorded in this process's lease.

    """
    return recording


def created(backend: Backend, path: str) -> None:
    """The temp layer made a managed object at ``path``: record it if the backend is local.

    Called by the temp layer while ``recording`` is true, not by users.

    Args:
        backend: the backend the object is on; only the local POSIX disk is recorded.
        path: the object's absolute path.

    Raises:
        OSError: the lease could not be written (the caller then removes the object).

    """
    if backend not in _local_backends:
        if not _is_local_posix(backend):
            return
        _local_backends.add(backend)  # asked once per backend: this runs on every create
    global leased, _record, _release
    if _record is None and sys.platform != "win32":  # _is_local_posix said so already
        from tempkit import _leases  # noqa: PLC0415 - loaded once something is recorded

        _record, _release = _leases.record_created, _leases.record_released
    if _record is not None:
        _record(path, reclaim_seconds)
        leased = True


def released(path: str) -> None:
    """The object at ``path`` is cleaned up, kept or persisted: the lease forgets it.

    Called by the temp layer while ``leased`` is true, not by users.

    Args:
        path: the object's absolute path, as given to :func:`created`.

    """
    if _release is not None:
        _release(path)


def _is_local_posix(backend: Backend) -> bool:
    capabilities = backend.capabilities
    return (
        sys.platform != "win32"
        and capabilities.local_paths
        and capabilities.descriptors
        and backend.flavour.name == "posix"
    )


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
            to others, and there is no spare one of this user's (with a spare,
            the refused one is reported as "left" and never read).
        ValueError: ``older_than`` is negative.
        TypeError: ``dirs`` holds something that is not a str path.
        NotImplementedError: on Windows, where crash-safe mode records nothing.

    Examples:
        >>> from tempkit import sweep
        >>> report = sweep(dry_run=True)  # what would go; nothing is removed
        >>> report.complete
        True
        >>> for entry in report.removed:
        ...     print(entry.action, entry.path, entry.reason)

    """
    if sys.platform == "win32":
        raise NotImplementedError(
            "crash-safe leases need POSIX; on Windows use delete_on_close=True files, "
            "which the OS removes even when the process is killed"
        )
    from tempkit import _leases  # noqa: PLC0415
    from tempkit._sweep_report import SweepReport  # noqa: PLC0415
    from tempkit.backends.posix import PosixBackend  # noqa: PLC0415
    from tempkit.resolver import gettempdir  # noqa: PLC0415

    if older_than is not None and older_than < 0:
        raise ValueError(f"older_than must be >= 0, not {older_than!r}")
    targets = [gettempdir(PosixBackend())] if dirs is None else [os.fspath(d) for d in dirs]
    entries: list[SweepEntry] = []
    for temp_dir in targets:
        if not isinstance(temp_dir, str):
            raise TypeError(f"dirs must hold str paths, not {type(temp_dir).__name__}")
        entries.extend(
            _leases.sweep_directory(
                temp_dir, dry_run=dry_run, older_than=older_than, skip=_leases.own_lease_name()
            ).entries
        )
    return SweepReport(entries, True)
