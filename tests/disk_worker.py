"""A long-lived unprivileged child process that runs functions for the test process.

``run_unprivileged`` runs one function per fork; a property-based test that
compares thousands of operations against the real disk needs the disk side to
stay unprivileged for the whole run (root ignores permission bits) while
Hypothesis keeps running in the test process. So the child is forked once,
drops root, and then serves calls: the parent sends ``(function, args)``
pickled (functions travel by name: the child is a fork and has every module
the parent had), the child sends back what the function returned.

The child must not import anything after dropping root (the interpreter's
own files may be unreadable to the unprivileged user), so functions sent to
it should only use modules already imported in the parent.
"""

from __future__ import annotations

import os
import pickle
import struct
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from tests.privdrop import NOBODY_GID, NOBODY_UID

__all__ = ["DiskWorker", "WorkerFailed"]

_HEADER = struct.Struct("!Q")


class WorkerFailed(Exception):
    """The worker raised, died, or sent something that could not be read."""


def _write_message(fd: int, payload: bytes) -> None:
    view = memoryview(_HEADER.pack(len(payload)) + payload)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks: list[bytes] = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_message(fd: int) -> bytes | None:
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    return _read_exactly(fd, _HEADER.unpack(header)[0])


def _serve(requests: int, replies: int) -> None:  # pragma: no cover - runs in the child
    while (message := _read_message(requests)) is not None:
        try:
            function, args = pickle.loads(message)
            reply = pickle.dumps(("ok", function(*args)))
        except BaseException as exc:
            try:
                reply = pickle.dumps(("raised", exc))
            except Exception:
                reply = pickle.dumps(("failed", traceback.format_exc()))
        _write_message(replies, reply)


class DiskWorker:
    """An unprivileged child serving ``call(function, *args)`` until closed.

    Use it as a context manager; ``umask`` is set in the child so created
    modes are predictable.
    """

    def __init__(self, *, uid: int = NOBODY_UID, gid: int = NOBODY_GID, umask: int = 0o022) -> None:
        self._uid = uid
        self._gid = gid
        self._umask = umask
        self._pid: int | None = None
        self._requests = -1
        self._replies = -1

    def __enter__(self) -> DiskWorker:
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            status = 0
            try:
                os.close(request_write)
                os.close(reply_read)
                os.setgroups([])
                os.setgid(self._gid)
                os.setuid(self._uid)
                os.umask(self._umask)
                _serve(request_read, reply_write)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        os.close(request_read)
        os.close(reply_write)
        self._pid = pid
        self._requests = request_write
        self._replies = reply_read
        return self

    def submit(self, function: Callable[..., Any], *args: Any) -> None:
        """Start ``function(*args)`` in the child; collect it with ``result()``.

        The parent can do its own work meanwhile (one call in flight at a time).
        """
        if self._pid is None:
            raise WorkerFailed("the worker is not running")
        _write_message(self._requests, pickle.dumps((function, args)))

    def result(self) -> Any:
        """What the submitted call returned (or re-raise what it raised)."""
        message = _read_message(self._replies)
        if message is None:
            raise WorkerFailed("the worker died")
        kind, value = pickle.loads(message)
        if kind == "raised":
            raise value
        if kind == "failed":
            raise WorkerFailed(value)
        return value

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run ``function(*args)`` in the child and return its result (or re-raise)."""
        self.submit(function, *args)
        return self.result()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pid is None:
            return
        os.close(self._requests)  # EOF: the child's loop ends
        os.close(self._replies)
        os.waitpid(self._pid, 0)
        self._pid = None
