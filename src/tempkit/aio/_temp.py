"""Async temp directories and files: the synchronous temp objects, driven from an event loop.

An :class:`AsyncTempPath` wraps one :class:`~tempkit.TempPath` and delegates its
whole lifecycle to it (policies, finalizer, ResourceWarning, crash-safe leases,
``persist`` that never loses the object): this module only decides where each
call runs (see ``tempkit.aio._threads``) and makes cleanup run to its end under
cancellation.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, cast

from anyio import to_thread

from tempkit.aio._file import Pending
from tempkit.aio._path import AsyncPath, unwrap
from tempkit.aio._threads import acquire, runs_inline, to_the_end
from tempkit.backends import get_backend
from tempkit.backends.protocol import Backend, Capabilities
from tempkit.path import BackendPath
from tempkit.temp import CleanupPolicy, TempDirPath, TempFilePath, TempPath

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from typing import Self
    else:
        from typing_extensions import Self

__all__ = ["AsyncTempDirPath", "AsyncTempFilePath", "AsyncTempPath", "backend_for"]


def backend_for(dir: str | os.PathLike[str] | None, backend: Backend | None) -> Backend:
    """The backend a new temp object will be on, as ``create()`` chooses it.

    Decided before the call so that it can be made inline or in a thread; the
    synchronous ``create()`` still checks that ``dir`` and ``backend`` agree.
    """
    if backend is not None:
        if not isinstance(getattr(backend, "capabilities", None), Capabilities):
            raise TypeError(f"expected a tempkit Backend, got {type(backend).__name__}")
        return backend
    if isinstance(dir, (BackendPath, AsyncPath)):
        return dir.backend
    return get_backend()


def _discard(temp: TempPath) -> None:
    temp.cleanup()


class AsyncTempPath(AsyncPath):
    """An :class:`AsyncPath` that owns the file or directory it names.

    Create one with :meth:`AsyncTempDirPath.create` or :meth:`AsyncTempFilePath.create`.
    :attr:`sync` is the synchronous temp object that holds the lifecycle; this
    object and every path derived from it keep it alive.
    """

    __slots__ = ()

    def __init__(self, *args: object, **kwargs: object) -> None:
        """Refused: a temp object is made by its class's ``create()``.

        Args:
            *args: not used.
            **kwargs: not used.

        Raises:
            TypeError: always.

        """
        raise TypeError(f"use {type(self).__name__}.create() to make a temp object")

    @classmethod
    def _wrap(cls, temp: TempPath) -> Self:
        self = cls.__new__(cls)
        self._path = temp
        self._inline = runs_inline(temp.backend)
        self._owner = temp
        return self

    @classmethod
    def _creating(cls, make: Callable[[], TempPath], backend: Backend) -> Pending[Self]:
        inline = runs_inline(backend)

        async def start() -> Self:
            return cls._wrap(await acquire(inline, make, _discard))

        return Pending(start)

    @property
    def sync(self) -> TempPath:
        """The synchronous temp object (for code that runs in a worker thread)."""
        return cast("TempPath", self._path)  # _wrap put it there

    @property
    def policy(self) -> CleanupPolicy:
        """What happens implicitly: "always", "on_success" or "never" (see ``TempPath.policy``).

        Setting it switches the implicit cleanup off ("never") or on again; an
        explicit :meth:`cleanup` always cleans.

        Raises:
            ValueError: (when set) not one of the three policies.

        """
        return self.sync.policy

    @policy.setter
    def policy(self, policy: CleanupPolicy) -> None:
        self.sync.policy = policy

    @property
    def managed(self) -> bool:
        """True until the object is cleaned up, kept or persisted."""
        return self.sync.managed

    async def cleanup(self, *, ignore_errors: bool = False) -> None:
        """Remove the temp object; calling it again does nothing.

        Runs to its end even if the calling task is cancelled meanwhile (the
        cancellation is delivered at the next checkpoint), so a cancelled
        cleanup still removes the whole tree and never anything outside it.

        Args:
            ignore_errors: remove what can be removed and raise nothing.

        Raises:
            tempkit.CleanupError: entries that could not be removed (unless
                ``ignore_errors``); the object then stays managed.

        """
        temp = self.sync
        if not temp.managed:
            return  # nothing to do: no thread hop for it
        await to_the_end(self._inline, lambda: temp.cleanup(ignore_errors=ignore_errors))

    async def keep(self) -> AsyncPath:
        """Stop managing the temp object and return it as a plain path.

        Returns:
            The same path as a plain :class:`AsyncPath` that owns nothing.

        """
        return AsyncPath(self.sync.keep())

    async def persist(
        self, target: str | os.PathLike[str], *, overwrite: bool = False, perm: int | None = None
    ) -> AsyncPath:
        """Atomically move the temp object to ``target`` and stop managing it.

        Args:
            target: the new path: text, a path on the same backend, or an AsyncPath.
            overwrite: replace an existing file at ``target``.
            perm: the mode bits the persisted entry gets (see ``TempPath.persist``).

        Returns:
            The new path (a plain path: nothing owns it).

        Raises:
            tempkit.PersistError: the move failed (also an instance of the
                OSError type, e.g. FileExistsError without ``overwrite``); the
                object is untouched and still managed (``error.temp`` is
                :attr:`sync`).
            ValueError: the object is no longer managed.

        """
        temp = self.sync
        destination = unwrap(target)
        if self._inline:
            moved = temp.persist(destination, overwrite=overwrite, perm=perm)
        else:
            moved = await to_thread.run_sync(
                lambda: temp.persist(destination, overwrite=overwrite, perm=perm)
            )
        return AsyncPath(moved)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Apply the cleanup policy, as the synchronous ``with`` block does (shielded)."""
        temp = self.sync
        if temp.managed:
            await to_the_end(self._inline, temp.__exit__, exc_type, exc, tb)


class AsyncTempDirPath(AsyncTempPath):
    """An async temp directory: :class:`~tempkit.TempDirPath` with awaited I/O.

    Examples:
        >>> import anyio
        >>> from tempkit.aio import AsyncTempDirPath
        >>> async def main() -> str:
        ...     async with AsyncTempDirPath.create(prefix="job-") as tmp:
        ...         await (tmp / "out.txt").write_text("done", encoding="utf-8")
        ...         return await (tmp / "out.txt").read_text(encoding="utf-8")
        >>> anyio.run(main)
        'done'

    """

    __slots__ = ()

    @property
    def sync(self) -> TempDirPath:
        """The synchronous temp directory (for code that runs in a worker thread)."""
        return cast("TempDirPath", self._path)

    @classmethod
    def create(
        cls,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
    ) -> Pending[Self]:
        """Create a fresh directory (mode 0o700) as :meth:`tempkit.TempDirPath.create` does.

        ``tmp = await AsyncTempDirPath.create(...)``, or ``async with
        AsyncTempDirPath.create(...) as tmp`` to apply the cleanup policy when
        the block is left. A task cancelled while the directory was being
        created gets nothing, and nothing is left on the backend.

        Args:
            prefix: name prefix (default "tmp").
            suffix: name suffix.
            dir: parent directory (a path, a :class:`BackendPath` or an
                :class:`AsyncPath`); default: the backend's resolved temp dir.
            backend: the backend (default: ``dir``'s, else the current one).
            cleanup: the policy: "always", "on_success" or "never".
            template: an mktemp template ("jobXXXXXX") instead of prefix and length.
            length: how many random characters (default 8).

        Returns:
            A :class:`Pending` of the new directory.

        Raises:
            TypeError: an argument of the wrong type (``backend`` at once, the
                others when awaited).
            ValueError: a bad name part or policy, or ``dir`` on another backend.
            OSError: the directory could not be created.

        """
        chosen = backend_for(dir, backend)
        parent = unwrap(dir) if dir is not None else None

        def make() -> TempDirPath:
            return TempDirPath.create(
                prefix=prefix,
                suffix=suffix,
                dir=parent,
                backend=chosen,
                cleanup=cleanup,
                template=template,
                length=length,
            )

        return cls._creating(make, chosen)


class AsyncTempFilePath(AsyncTempPath):
    """An async temp file: :class:`~tempkit.TempFilePath` with awaited I/O."""

    __slots__ = ()

    @property
    def sync(self) -> TempFilePath:
        """The synchronous temp file (for code that runs in a worker thread)."""
        return cast("TempFilePath", self._path)

    @property
    def delete_on_close(self) -> bool:
        """True when the file goes away as soon as it is closed (see ``create``)."""
        return self.sync.delete_on_close

    @classmethod
    def create(
        cls,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
        delete_on_close: bool = False,
    ) -> Pending[Self]:
        """Create a fresh empty file (exclusive, mode 0o600) as :meth:`tempkit.TempFilePath.create`.

        Open it with :meth:`AsyncPath.open`. Cancellation as for
        :meth:`AsyncTempDirPath.create`.

        Args:
            prefix: name prefix (default "tmp").
            suffix: name suffix, such as ".json".
            dir: parent directory (a path, a :class:`BackendPath` or an
                :class:`AsyncPath`); default: the backend's resolved temp dir.
            backend: the backend (default: ``dir``'s, else the current one).
            cleanup: the policy: "always", "on_success" or "never".
            template: an mktemp template ("jobXXXXXX") instead of prefix and length.
            length: how many random characters (default 8).
            delete_on_close: let the OS remove the file when its last handle
                closes, as for the synchronous ``create`` (backends with
                ``capabilities.delete_on_close`` only).

        Returns:
            A :class:`Pending` of the new file.

        Raises:
            TypeError: an argument of the wrong type (``backend`` at once, the
                others when awaited).
            ValueError: a bad name part or policy, ``dir`` on another backend, or
                ``delete_on_close`` on a backend that cannot do it.
            OSError: the file could not be created.

        """
        chosen = backend_for(dir, backend)
        parent = unwrap(dir) if dir is not None else None

        def make() -> TempFilePath:
            return TempFilePath.create(
                prefix=prefix,
                suffix=suffix,
                dir=parent,
                backend=chosen,
                cleanup=cleanup,
                template=template,
                length=length,
                delete_on_close=delete_on_close,
            )

        return cls._creating(make, chosen)
