"""Run a function in a forked child that has dropped root to an unprivileged user.

Sessions and CI run as root, which ignores permission bits, so every
"permission denied" case must run without root to mean anything. The child is
a real process (fork, then setgroups/setgid/setuid), so the kernel enforces
the permission bits exactly as it would for any user.
"""

from __future__ import annotations

import os
import pickle
import traceback
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

NOBODY_UID = 65534
NOBODY_GID = 65534


class ChildFailed(Exception):
    """The child raised something that could not be sent back as itself."""


def run_unprivileged(
    function: Callable[[], T], *, uid: int = NOBODY_UID, gid: int = NOBODY_GID
) -> T:
    """Call ``function()`` as ``uid``/``gid`` in a forked child; return or re-raise its result."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        status = 0
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            try:
                payload = pickle.dumps(("ok", function()))
            except BaseException as exc:
                try:
                    payload = pickle.dumps(("raised", exc))
                except Exception:
                    payload = pickle.dumps(("failed", traceback.format_exc()))
            view = memoryview(payload)
            while view:
                view = view[os.write(write_end, view) :]
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    chunks = []
    with os.fdopen(read_end, "rb") as reader:
        while chunk := reader.read(65536):
            chunks.append(chunk)
    _, wait_status = os.waitpid(pid, 0)
    if not chunks:
        raise ChildFailed(f"unprivileged child sent nothing (wait status {wait_status})")
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "raised":
        raise value
    if kind == "failed":
        raise ChildFailed(value)
    return value  # type: ignore[no-any-return]
