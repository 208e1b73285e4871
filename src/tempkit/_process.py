"""Who a process is, in a way that survives pid reuse: pid, start time and boot.

A pid alone names a process only while it lives: once it exits, the kernel may
give the same number to a new process. The pair (pid, start time) does not
repeat within one boot, and the boot id tells boots apart, so the triple names
one process for good. Linux gives all three through ``/proc``; elsewhere the
start time and boot id are unknown (``None``) and callers must rely on other
evidence (tempkit's leases also hold an ``flock`` for the owner's lifetime).
"""

from __future__ import annotations

import os
import sys
from typing import Final, NamedTuple

# os.kill(pid, 0) probes a process on POSIX; on Windows it would terminate it.
assert sys.platform != "win32", "process identities are read on POSIX only"

__all__ = ["ProcessIdentity", "boot_id", "is_running", "process_identity", "start_time"]

_BOOT_ID_FILE: Final = "/proc/sys/kernel/random/boot_id"


class ProcessIdentity(NamedTuple):
    """A process for good: its pid, when it started (clock ticks after boot), which boot."""

    pid: int
    start: int | None
    boot: str | None


def boot_id() -> str | None:
    """The kernel's id of this boot (Linux), or None where there is none."""
    try:
        with open(_BOOT_ID_FILE, encoding="ascii") as source:
            return source.read().strip() or None
    except OSError:
        return None


def _stat_fields(pid: int) -> list[bytes] | None:
    """Fields 3 onwards of ``/proc/<pid>/stat`` (Linux), or None if unknown or gone.

    The command name (field 2) may hold spaces and parentheses, so the fields
    are counted from its closing parenthesis.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as source:
            line = source.read()
    except OSError:
        return None
    fields = line[line.rfind(b")") + 2 :].split()
    return fields if len(fields) > 19 else None


def start_time(pid: int) -> int | None:
    """When ``pid`` started, in clock ticks after boot (Linux), or None if unknown or gone."""
    fields = _stat_fields(pid)
    # Field 22 of the stat line is index 19 here (the list starts at field 3).
    return None if fields is None else int(fields[19])


def process_identity(pid: int | None = None) -> ProcessIdentity:
    """The identity of ``pid`` (default: this process) as it is now."""
    if pid is None:
        pid = os.getpid()
    return ProcessIdentity(pid, start_time(pid), boot_id())


def is_running(identity: ProcessIdentity) -> bool:
    """True if the very process ``identity`` names is still running (not just its pid).

    A pid that exists now but started at another time, or an identity from
    another boot, is a different process: False. Where start times are unknown
    (not Linux), a live pid counts as running, which errs on the side of
    keeping things.
    """
    current_boot = boot_id()
    if identity.boot is not None and current_boot is not None and identity.boot != current_boot:
        return False
    try:
        os.kill(identity.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, owned by someone else
    fields = _stat_fields(identity.pid)
    if fields is None:
        return True  # no /proc, or it exited a moment ago: keep rather than guess
    if fields[0] in (b"Z", b"X"):
        return False  # a zombie has exited; only its exit status waits to be read
    return identity.start is None or int(fields[19]) == identity.start
