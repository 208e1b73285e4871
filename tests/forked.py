"""Run a function in a forked child of the same user and hand back its result.

For tests that need a real separate process: one whose limits may be lowered
without touching the test runner, or one whose random state must be its own.
"""

from __future__ import annotations

import gc
import os
import pickle
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

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


def drop_in_child(holder: list[Any], still_there: Callable[[], bool]) -> tuple[bool, list[str]]:
    """In a forked child, drop the objects in ``holder`` and collect the garbage.

    Returns whether ``still_there()`` holds in the child afterwards, and the
    messages of the warnings given meanwhile (a finalizer's ResourceWarning).
    """

    def drop() -> tuple[bool, list[str]]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            holder.clear()
            gc.collect()
        return still_there(), [str(w.message) for w in caught]

    return run_forked(drop)
