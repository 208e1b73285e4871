"""Run test code in real child processes: forked as the same user, or as an unprivileged one.

Sessions and CI run as root, which ignores permission bits, so every
"permission denied" case must run without root to mean anything; other tests
need a real separate process (limits lowered without touching the runner,
random state of its own, objects dropped in a forked child). Both are the same
mechanism: fork, optionally drop to ``nobody`` (setgroups/setgid/setuid), run
a function, send back its result or exception pickled over a pipe.

``run_forked`` and ``run_unprivileged`` run one function per fork;
``DiskWorker`` forks once and serves many calls, for property-based tests
that compare thousands of operations against the real disk while Hypothesis
keeps running in the test process.

A child that has dropped root must not import anything new (the
interpreter's own files may be unreadable to the unprivileged user), so the
functions sent to it should only use modules already imported in the parent.
"""

from __future__ import annotations

import gc
import os
import pickle
import struct
import traceback
import warnings
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

__all__ = [
    "NOBODY_GID",
    "NOBODY_UID",
    "ChildFailed",
    "DiskWorker",
    "drop_in_child",
    "run_forked",
    "run_unprivileged",
]

T = TypeVar("T")

NOBODY_UID = 65534
NOBODY_GID = 65534
_HEADER = struct.Struct("!Q")


class ChildFailed(Exception):
    """The child died, or raised something that could not be sent back as itself."""


def _drop_privileges(uid: int, gid: int) -> None:  # pragma: no cover - runs in the child
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)


def _outcome(function: Callable[..., Any], *args: Any) -> bytes:  # pragma: no cover - child
    """``function(*args)`` pickled as ("ok", result), ("raised", exc) or ("failed", text)."""
    try:
        return pickle.dumps(("ok", function(*args)))
    except BaseException as exc:
        try:
            return pickle.dumps(("raised", exc))
        except Exception:
            return pickle.dumps(("failed", traceback.format_exc()))


def _unpack(message: bytes | None, what: str) -> Any:
    if message is None:
        raise ChildFailed(f"{what} sent nothing")
    kind, value = pickle.loads(message)
    if kind == "raised":
        raise value
    if kind == "failed":
        raise ChildFailed(value)
    return value


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


def _run_in_child(function: Callable[[], T], drop_to: tuple[int, int] | None) -> T:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        status = 1
        try:
            os.close(read_end)
            if drop_to is not None:
                _drop_privileges(*drop_to)
            _write_message(write_end, _outcome(function))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        message = _read_message(read_end)
    finally:
        os.close(read_end)
    _, wait_status = os.waitpid(pid, 0)
    if message is None:
        raise ChildFailed(f"child sent nothing (wait status {wait_status})")
    return _unpack(message, "child")  # type: ignore[no-any-return]


def run_forked(function: Callable[[], T]) -> T:
    """Call ``function()`` in a forked child; return its result or re-raise its exception."""
    return _run_in_child(function, None)


def run_unprivileged(
    function: Callable[[], T], *, uid: int = NOBODY_UID, gid: int = NOBODY_GID
) -> T:
    """Call ``function()`` as ``uid``/``gid`` in a forked child; return or re-raise its result."""
    return _run_in_child(function, (uid, gid))


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


def _serve(requests: int, replies: int) -> None:  # pragma: no cover - runs in the child
    while (message := _read_message(requests)) is not None:
        function, args = pickle.loads(message)
        _write_message(replies, _outcome(function, *args))


class DiskWorker:
    """An unprivileged child serving ``call(function, *args)`` until closed.

    Use it as a context manager; ``umask`` is set in the child so created
    modes are predictable. Functions travel by name (the child is a fork and
    has every module the parent had).
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
                _drop_privileges(self._uid, self._gid)
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
            raise ChildFailed("the worker is not running")
        _write_message(self._requests, pickle.dumps((function, args)))

    def result(self) -> Any:
        """What the submitted call returned (or re-raise what it raised)."""
        return _unpack(_read_message(self._replies), "the worker")

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
