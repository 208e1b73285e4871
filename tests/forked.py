"""Run a function in a forked child of the same user and hand back its result.

For tests that need a real separate process: one whose limits may be lowered
without touching the test runner, or one whose random state must be its own.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def run_forked(function: Callable[[], T]) -> T:
    """Call ``function()`` in a forked child; return its result or re-raise its exception."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        status = 1
        try:
            os.close(read_end)
            try:
                payload = pickle.dumps(("ok", function()))
            except Exception as exc:
                payload = pickle.dumps(("raised", exc))
            with os.fdopen(write_end, "wb") as writer:
                writer.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        data = reader.read()
    _, wait_status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(wait_status) != 0 or not data:
        raise RuntimeError(f"forked child failed (wait status {wait_status})")
    kind, value = pickle.loads(data)
    if kind == "raised":
        raise value
    return value  # type: ignore[no-any-return]
